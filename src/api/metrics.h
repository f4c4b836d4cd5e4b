#ifndef PHONEBULK_API_METRICS_H_
#define PHONEBULK_API_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace phonebulk::api {

// Gauges read at scrape time from elsewhere (store, processor).
struct MetricsSnapshot {
  int64_t batches_submitted = 0;
  int64_t batches_processing = 0;
  int64_t batches_completed = 0;
  int64_t batches_stopped = 0;
  int64_t queue_depth_chunks = 0;
  int64_t numbers_processed = 0;
  // Batches stopped with reason processing_failed by this process, by cause
  // (batch::PoisonCause).
  int64_t batches_failed_unreadable_config = 0;
  int64_t batches_failed_corrupt_chunk = 0;
  // Chunk results this process dropped because the store's attempt fence
  // refused their claim (taken over elsewhere), by where it was refused.
  int64_t stale_refused_at_renewal = 0;
  int64_t stale_refused_at_commit = 0;
  int64_t http_in_flight = 0;
  int64_t http_response_bytes_pending = 0;
  // Live-status source (zero when offline).
  int64_t lookup_calls = 0;
  int64_t lookup_answers = 0;
  int64_t lookup_failures = 0;
  int64_t lookup_retries = 0;
  int64_t lookup_breaker_opens = 0;
  bool lookup_breaker_open = false;
  // Numbers validated by this process, by who answered
  // (phone::ValidatorCounts).
  int64_t numbers_by_engine = 0;
  int64_t numbers_parse_fallback = 0;
  int64_t numbers_format_fallback = 0;
  int64_t numbers_by_libphonenumber = 0;
  int64_t numbers_not_parsed = 0;
  // Webhook deliveries by this process, and the outbox (all nodes).
  int64_t webhooks_delivered = 0;
  int64_t webhooks_retried = 0;
  int64_t webhooks_failed = 0;
  int64_t webhooks_pending = 0;
};

// The fixed `route` label of every request that matched no route: label
// values come from the route table only, never from the request, so no
// request can add a series (issue 10: one per hostile path bloated /metrics
// to 89 MB).
inline constexpr char kUnmatchedRoute[] = "unmatched";

// A label value escaped per the Prometheus text exposition format
// (backslash, double quote and line feed).
std::string EscapeLabelValue(std::string_view value);

// HTTP request counters and a latency histogram, rendered in the Prometheus
// text format. Thread-safe.
class HttpMetrics {
 public:
  // `route` is the route template ("/phone/bulk/v1/batches/{id}") or
  // kUnmatchedRoute, never the raw path, so label cardinality stays bounded.
  // It is escaped when rendered all the same.
  void Record(const std::string& route, unsigned status,
              absl::Duration latency);

  std::string Render(const MetricsSnapshot& snapshot);

 private:
  static constexpr std::array<double, 12> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  // One route's latencies; buckets are not cumulative here (Render sums).
  struct Histogram {
    std::array<int64_t, kBuckets.size()> buckets{};
    int64_t count = 0;
    double sum = 0;
  };

  absl::Mutex mu_;
  std::map<std::pair<std::string, unsigned>, int64_t> requests_
      ABSL_GUARDED_BY(mu_);
  // Per route (a bounded set: see Record).
  std::map<std::string, Histogram> latency_ ABSL_GUARDED_BY(mu_);
};

// What the kernel says of this process, for the standard process_* series
// (the names the Prometheus client libraries use, so dashboards for them
// work unchanged). Fields stay -1 where /proc could not be read.
struct ProcessStats {
  double cpu_seconds = -1;      // user + system
  int64_t resident_bytes = -1;  // RSS
  int64_t virtual_bytes = -1;
  int64_t open_fds = -1;
  int64_t max_fds = -1;            // the soft RLIMIT_NOFILE
  double start_time_seconds = -1;  // since the Unix epoch
};

// Reads ProcessStats of the calling process from /proc/self and getrlimit.
ProcessStats ReadProcessStats();

// The process_* series of `stats` in the Prometheus text format, each with
// HELP and TYPE; a field still -1 is left out.
std::string RenderProcessMetrics(const ProcessStats& stats);

// The start time, in seconds since boot, from a /proc/PID/stat line (field
// 22, after the command name, which may itself hold spaces and ')'), in
// clock ticks; -1 when the line is malformed. Pure; exposed for its test.
int64_t StartTicksOfStatLine(std::string_view stat_line);

// Caps the log lines of one kind (requests nobody is accountable for:
// unmatched routes, missing or unknown tokens) at `per_second`, so junk
// traffic cannot flood the log (issue 10: 165 MB in 2 s). Lines past the cap
// are counted and reported by the caller in one summary line at the first
// admitted line of a later second. Thread-safe.
class LogBudget {
 public:
  explicit LogBudget(int per_second) : per_second_(per_second) {}
  // True when one more line may be written at `now`. When true and lines
  // were refused since the last admitted one, `*suppressed` is their count
  // (else 0).
  bool Admit(absl::Time now, int64_t* suppressed);

 private:
  const int per_second_;
  absl::Mutex mu_;
  int64_t second_ ABSL_GUARDED_BY(mu_) = 0;
  int used_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t suppressed_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_METRICS_H_
