#ifndef PHONEBULK_API_METRICS_H_
#define PHONEBULK_API_METRICS_H_

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <utility>

#include "absl/base/thread_annotations.h"
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
  int64_t http_in_flight = 0;
  // Live-status source (zero when offline).
  int64_t lookup_calls = 0;
  int64_t lookup_answers = 0;
  int64_t lookup_failures = 0;
  int64_t lookup_retries = 0;
  int64_t lookup_breaker_opens = 0;
  bool lookup_breaker_open = false;
};

// HTTP request counters and a latency histogram, rendered in the Prometheus
// text format. Thread-safe.
class HttpMetrics {
 public:
  // `route` is the route template ("/phone/bulk/v1/batches/{id}"), never the
  // raw path, so label cardinality stays bounded.
  void Record(const std::string& route, unsigned status,
              absl::Duration latency);

  std::string Render(const MetricsSnapshot& snapshot);

 private:
  static constexpr std::array<double, 12> kBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

  std::mutex mu_;
  std::map<std::pair<std::string, unsigned>, int64_t> requests_
      ABSL_GUARDED_BY(mu_);
  std::array<int64_t, kBuckets.size()> bucket_counts_ ABSL_GUARDED_BY(mu_){};
  int64_t latency_count_ ABSL_GUARDED_BY(mu_) = 0;
  double latency_sum_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_METRICS_H_
