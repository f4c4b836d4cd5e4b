#include "api/metrics.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace phonebulk::api {

std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

bool LogBudget::Admit(absl::Time now, int64_t* suppressed) {
  int64_t second = absl::ToUnixSeconds(now);
  absl::MutexLock lock(&mu_);
  if (second != second_) {
    second_ = second;
    used_ = 0;
  }
  if (used_ >= per_second_) {
    ++suppressed_;
    return false;
  }
  ++used_;
  *suppressed = suppressed_;
  suppressed_ = 0;
  return true;
}

void HttpMetrics::Record(const std::string& route, unsigned status,
                         absl::Duration latency) {
  double seconds = absl::ToDoubleSeconds(latency);
  absl::MutexLock lock(&mu_);
  ++requests_[{route, status}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++bucket_counts_[i];
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

std::string HttpMetrics::Render(const MetricsSnapshot& s) {
  std::string out;
  out +=
      "# HELP phonebulk_http_requests_total HTTP requests by route and "
      "status.\n# TYPE phonebulk_http_requests_total counter\n";
  absl::MutexLock lock(&mu_);
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(&out, "phonebulk_http_requests_total{route=\"",
                    EscapeLabelValue(key.first),
                    "\",status=\"", key.second, "\"} ", count, "\n");
  }
  out +=
      "# HELP phonebulk_http_request_duration_seconds Time from a request's "
      "last byte to its response.\n"
      "# TYPE phonebulk_http_request_duration_seconds histogram\n";
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    absl::StrAppend(
        &out, "phonebulk_http_request_duration_seconds_bucket{le=\"",
        absl::StrFormat("%g", kBuckets[i]), "\"} ", bucket_counts_[i], "\n");
  }
  absl::StrAppend(
      &out, "phonebulk_http_request_duration_seconds_bucket{le=\"+Inf\"} ",
      latency_count_, "\n", "phonebulk_http_request_duration_seconds_sum ",
      absl::StrFormat("%.6f", latency_sum_), "\n",
      "phonebulk_http_request_duration_seconds_count ", latency_count_, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_batches Batches by status.\n"
      "# TYPE phonebulk_batches gauge\n",
      "phonebulk_batches{status=\"submitted\"} ", s.batches_submitted, "\n",
      "phonebulk_batches{status=\"processing\"} ", s.batches_processing, "\n",
      "phonebulk_batches{status=\"completed\"} ", s.batches_completed, "\n",
      "phonebulk_batches{status=\"stopped\"} ", s.batches_stopped, "\n",
      "# HELP phonebulk_batches_failed_total Batches stopped with reason "
      "processing_failed by this process: a chunk could not be processed.\n"
      "# TYPE phonebulk_batches_failed_total counter\n",
      "phonebulk_batches_failed_total{cause=\"unreadable_config\"} ",
      s.batches_failed_unreadable_config, "\n",
      "phonebulk_batches_failed_total{cause=\"corrupt_chunk\"} ",
      s.batches_failed_corrupt_chunk, "\n",
      "# HELP phonebulk_stale_commits_refused_total Chunk results of this "
      "process refused by the store because another worker had taken the "
      "chunk over (attempt fencing), at the lease renewal before the commit "
      "or at the commit.\n"
      "# TYPE phonebulk_stale_commits_refused_total counter\n",
      "phonebulk_stale_commits_refused_total{at=\"renewal\"} ",
      s.stale_refused_at_renewal, "\n",
      "phonebulk_stale_commits_refused_total{at=\"commit\"} ",
      s.stale_refused_at_commit, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_numbers_processed_total Phones validated and "
      "committed by this process.\n"
      "# TYPE phonebulk_numbers_processed_total counter\n"
      "phonebulk_numbers_processed_total ",
      s.numbers_processed, "\n",
      "# HELP phonebulk_queue_depth_chunks Chunks of processing batches not "
      "yet done.\n# TYPE phonebulk_queue_depth_chunks gauge\n"
      "phonebulk_queue_depth_chunks ",
      s.queue_depth_chunks, "\n",
      "# HELP phonebulk_http_in_flight Requests being handled.\n"
      "# TYPE phonebulk_http_in_flight gauge\n"
      "phonebulk_http_in_flight ",
      s.http_in_flight, "\n",
      "# HELP phonebulk_http_response_bytes_pending Bytes of answers held "
      "until their clients read them.\n"
      "# TYPE phonebulk_http_response_bytes_pending gauge\n"
      "phonebulk_http_response_bytes_pending ",
      s.http_response_bytes_pending, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_lookup_calls_total Requests sent to the live-status "
      "source.\n# TYPE phonebulk_lookup_calls_total counter\n"
      "phonebulk_lookup_calls_total ",
      s.lookup_calls, "\n",
      "# TYPE phonebulk_lookup_answers_total counter\n"
      "phonebulk_lookup_answers_total ",
      s.lookup_answers, "\n",
      "# TYPE phonebulk_lookup_failures_total counter\n"
      "phonebulk_lookup_failures_total ",
      s.lookup_failures, "\n",
      "# TYPE phonebulk_lookup_retries_total counter\n"
      "phonebulk_lookup_retries_total ",
      s.lookup_retries, "\n",
      "# TYPE phonebulk_lookup_breaker_opens_total counter\n"
      "phonebulk_lookup_breaker_opens_total ",
      s.lookup_breaker_opens, "\n",
      "# HELP phonebulk_lookup_breaker_open 1 while the circuit breaker "
      "refuses calls.\n# TYPE phonebulk_lookup_breaker_open gauge\n"
      "phonebulk_lookup_breaker_open ",
      s.lookup_breaker_open ? 1 : 0, "\n");
  return out;
}

}  // namespace phonebulk::api
