#include "api/metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/strings.h"
#include "common/version.h"

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
  Histogram& h = latency_[route];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.buckets[i];
      break;
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string HttpMetrics::Render(const MetricsSnapshot& s) {
  std::string out;
  out +=
      "# HELP phonebulk_http_requests_total HTTP requests by route and "
      "status.\n# TYPE phonebulk_http_requests_total counter\n";
  absl::MutexLock lock(&mu_);
  for (const auto& [key, count] : requests_) {
    absl::StrAppend(&out, "phonebulk_http_requests_total{route=\"",
                    EscapeLabelValue(key.first), "\",status=\"", key.second,
                    "\"} ", count, "\n");
  }
  out +=
      "# HELP phonebulk_http_request_duration_seconds Time from a request's "
      "last byte to its response, by route.\n"
      "# TYPE phonebulk_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
    const std::string label = EscapeLabelValue(route);
    int64_t cumulative = 0;
    for (size_t i = 0; i < kBuckets.size(); ++i) {
      cumulative += h.buckets[i];
      absl::StrAppend(&out,
                      "phonebulk_http_request_duration_seconds_bucket{route=\"",
                      label, "\",le=\"", absl::StrFormat("%g", kBuckets[i]),
                      "\"} ", cumulative, "\n");
    }
    absl::StrAppend(&out,
                    "phonebulk_http_request_duration_seconds_bucket{route=\"",
                    label, "\",le=\"+Inf\"} ", h.count, "\n",
                    "phonebulk_http_request_duration_seconds_sum{route=\"",
                    label, "\"} ", absl::StrFormat("%.6f", h.sum), "\n",
                    "phonebulk_http_request_duration_seconds_count{route=\"",
                    label, "\"} ", h.count, "\n");
  }
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
      "# HELP phonebulk_lookup_answers_total Answers the live-status source "
      "gave (any status).\n"
      "# TYPE phonebulk_lookup_answers_total counter\n"
      "phonebulk_lookup_answers_total ",
      s.lookup_answers, "\n",
      "# HELP phonebulk_lookup_failures_total Lookups that ended without an "
      "answer after their retries (the phone is then unverified).\n"
      "# TYPE phonebulk_lookup_failures_total counter\n"
      "phonebulk_lookup_failures_total ",
      s.lookup_failures, "\n",
      "# HELP phonebulk_lookup_retries_total Requests to the live-status "
      "source repeated after a failure.\n"
      "# TYPE phonebulk_lookup_retries_total counter\n"
      "phonebulk_lookup_retries_total ",
      s.lookup_retries, "\n",
      "# HELP phonebulk_lookup_breaker_opens_total Times the circuit breaker "
      "opened on a failing live-status source.\n"
      "# TYPE phonebulk_lookup_breaker_opens_total counter\n"
      "phonebulk_lookup_breaker_opens_total ",
      s.lookup_breaker_opens, "\n",
      "# HELP phonebulk_lookup_breaker_open 1 while the circuit breaker "
      "refuses calls.\n# TYPE phonebulk_lookup_breaker_open gauge\n"
      "phonebulk_lookup_breaker_open ",
      s.lookup_breaker_open ? 1 : 0, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_webhook_attempts_total Webhook delivery attempts by "
      "this process, by outcome (retry: failed and rescheduled; failed: "
      "given up).\n# TYPE phonebulk_webhook_attempts_total counter\n",
      "phonebulk_webhook_attempts_total{outcome=\"delivered\"} ",
      s.webhooks_delivered, "\n",
      "phonebulk_webhook_attempts_total{outcome=\"retry\"} ",
      s.webhooks_retried, "\n",
      "phonebulk_webhook_attempts_total{outcome=\"failed\"} ",
      s.webhooks_failed, "\n",
      "# HELP phonebulk_webhook_outbox_pending Webhook deliveries not yet "
      "made, over all nodes.\n# TYPE phonebulk_webhook_outbox_pending gauge\n"
      "phonebulk_webhook_outbox_pending ",
      s.webhooks_pending, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_validator_numbers_total Numbers validated by this "
      "process, by who answered: the compiled engine alone; libphonenumber "
      "for an input the engine's parser put out of scope (parse_fallback); "
      "the engine with libphonenumber writing the output format "
      "(format_fallback); libphonenumber alone (--engine libphonenumber); "
      "or no one (blank or over-long input).\n"
      "# TYPE phonebulk_validator_numbers_total counter\n",
      "phonebulk_validator_numbers_total{answered_by=\"engine\"} ",
      s.numbers_by_engine, "\n",
      "phonebulk_validator_numbers_total{answered_by=\"parse_fallback\"} ",
      s.numbers_parse_fallback, "\n",
      "phonebulk_validator_numbers_total{answered_by=\"format_fallback\"} ",
      s.numbers_format_fallback, "\n",
      "phonebulk_validator_numbers_total{answered_by=\"libphonenumber\"} ",
      s.numbers_by_libphonenumber, "\n",
      "phonebulk_validator_numbers_total{answered_by=\"not_parsed\"} ",
      s.numbers_not_parsed, "\n");
  absl::StrAppend(
      &out,
      "# HELP phonebulk_build_info Always 1; the labels say which build "
      "this is.\n# TYPE phonebulk_build_info gauge\n"
      "phonebulk_build_info{version=\"",
      EscapeLabelValue(std::string(Version())), "\",libphonenumber=\"",
      EscapeLabelValue(std::string(LibphonenumberVersion())), "\"} 1\n");
  out += RenderProcessMetrics(ReadProcessStats());
  return out;
}

int64_t StartTicksOfStatLine(std::string_view line) {
  // "pid (comm) state ppid ...": comm may hold anything, so fields are
  // counted from the last ')'. starttime is field 22; field 3 (state) is
  // the first after it.
  size_t close = line.rfind(')');
  if (close == std::string_view::npos) return -1;
  std::vector<std::string_view> fields;
  for (std::string_view field : Split(line.substr(close + 1), ' ')) {
    if (!field.empty()) fields.push_back(field);
  }
  constexpr size_t kStartTimeAfterComm = 22 - 3;
  if (fields.size() <= kStartTimeAfterComm) return -1;
  return ParseInt(TrimAscii(fields[kStartTimeAfterComm])).value_or(-1);
}

namespace {

std::string ReadSmallFile(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The boot time ("btime" line of /proc/stat), seconds since the epoch.
int64_t BootTimeSeconds() {
  std::string stat = ReadSmallFile("/proc/stat");
  size_t at = stat.find("\nbtime ");
  if (at == std::string::npos) return -1;
  std::string_view rest = std::string_view(stat).substr(at + 7);
  return ParseInt(TrimAscii(rest.substr(0, rest.find('\n')))).value_or(-1);
}

}  // namespace

ProcessStats ReadProcessStats() {
  ProcessStats stats;
  if (rusage usage{}; getrusage(RUSAGE_SELF, &usage) == 0) {
    auto seconds = [](const timeval& tv) {
      return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6;
    };
    stats.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  }
  const int64_t page = sysconf(_SC_PAGESIZE);
  std::istringstream statm(ReadSmallFile("/proc/self/statm"));
  if (int64_t pages_virtual = 0, pages_resident = 0;
      statm >> pages_virtual >> pages_resident) {
    stats.virtual_bytes = pages_virtual * page;
    stats.resident_bytes = pages_resident * page;
  }
  std::error_code ec;
  int64_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end;
       !ec && it != end; it.increment(ec)) {
    ++fds;
  }
  // The iterator's own descriptor is among those counted.
  if (!ec) stats.open_fds = fds > 0 ? fds - 1 : 0;
  if (rlimit limit{}; getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
                      limit.rlim_cur != RLIM_INFINITY) {
    stats.max_fds = static_cast<int64_t>(limit.rlim_cur);
  }
  const int64_t ticks = StartTicksOfStatLine(ReadSmallFile("/proc/self/stat"));
  const int64_t boot = BootTimeSeconds();
  const int64_t hz = sysconf(_SC_CLK_TCK);
  if (ticks >= 0 && boot >= 0 && hz > 0) {
    stats.start_time_seconds =
        static_cast<double>(boot) + static_cast<double>(ticks) / hz;
  }
  return stats;
}

std::string RenderProcessMetrics(const ProcessStats& s) {
  std::string out;
  auto add = [&](const std::string& name, const std::string& type,
                 const std::string& help, const std::string& value) {
    absl::StrAppend(&out, "# HELP ", name, " ", help, "\n# TYPE ", name, " ",
                    type, "\n", name, " ", value, "\n");
  };
  if (s.cpu_seconds >= 0) {
    add("process_cpu_seconds_total", "counter",
        "User and system CPU time spent, in seconds.",
        absl::StrFormat("%.3f", s.cpu_seconds));
  }
  if (s.resident_bytes >= 0) {
    add("process_resident_memory_bytes", "gauge", "Resident memory size.",
        absl::StrCat(s.resident_bytes));
  }
  if (s.virtual_bytes >= 0) {
    add("process_virtual_memory_bytes", "gauge", "Virtual memory size.",
        absl::StrCat(s.virtual_bytes));
  }
  if (s.open_fds >= 0) {
    add("process_open_fds", "gauge", "Open file descriptors.",
        absl::StrCat(s.open_fds));
  }
  if (s.max_fds >= 0) {
    add("process_max_fds", "gauge", "The most file descriptors it may open.",
        absl::StrCat(s.max_fds));
  }
  if (s.start_time_seconds >= 0) {
    add("process_start_time_seconds", "gauge",
        "Start time since the Unix epoch, in seconds.",
        absl::StrFormat("%.2f", s.start_time_seconds));
  }
  return out;
}

}  // namespace phonebulk::api
