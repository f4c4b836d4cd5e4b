#ifndef PHONEBULK_LOOKUP_HTTP_SOURCE_H_
#define PHONEBULK_LOOKUP_HTTP_SOURCE_H_

// A LookupSource that asks an HTTP endpoint speaking docs/lookup-protocol.md
// (a provider bridge, or `phonebulk lookup-sim`), with libcurl.

#include <atomic>
#include <deque>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "lookup/resilience.h"
#include "lookup/source.h"

namespace phonebulk::lookup {

// What tests replace to run fast and deterministically. Defaults: the real
// clock, a sleep that ends early when the source is destroyed, and a
// mt19937_64 seeded from std::random_device.
struct HttpLookupHooks {
  const Clock* clock = nullptr;
  // Sleeps about `d`. Called from worker threads.
  std::function<void(absl::Duration d)> sleep;
  // A uniform draw in [0, 1) for backoff jitter. Called from worker threads
  // under an internal lock, so it need not be thread-safe.
  std::function<double()> uniform01;
};

// Splits a Lookup() into requests of at most max_batch distinct numbers and
// runs them on `concurrency` worker threads shared by all callers (each
// worker keeps its own keep-alive connection). Per request: the rate
// limiter's slot, the circuit breaker's permission, then POST with a timeout
// of min(timeout_ms, time left before the deadline). 429 (pausing every
// worker for Retry-After), 5xx, timeouts and transport errors are retried
// with backoff while retries and time remain; other answers, and malformed
// 200 bodies, leave their numbers unanswered. Lookup() returns when every
// request is done or at the deadline, whichever is first; work still queued
// for a returned call is dropped unsent.
//
// Thread-safe. The destructor aborts transfers in flight and joins the
// workers; no Lookup() may be running when it is called.
class HttpLookupSource : public LookupSource {
 public:
  static absl::StatusOr<std::unique_ptr<HttpLookupSource>> Create(
      const LookupOptions& options, HttpLookupHooks hooks = {});
  ~HttpLookupSource() override;

  std::vector<std::optional<LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time deadline) override;
  LookupStats stats() const override;
  std::string_view kind() const override { return "http"; }

 private:
  struct Call;
  struct Task {
    std::shared_ptr<Call> call;
    size_t begin = 0;  // range of call->numbers
    size_t end = 0;
  };
  struct Attempt;

  HttpLookupSource(const LookupOptions& options, HttpLookupHooks hooks);
  void WorkerLoop();
  // Sends one task's request, with retries; records its answers in the call.
  void RunTask(void* curl, const Task& task);
  Attempt Post(void* curl, const std::string& body, absl::Time deadline);
  void Sleep(absl::Duration d);
  double Uniform01();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return stopping_ || !queue_.empty();
  }

  const LookupOptions options_;
  const Clock& clock_;
  HttpLookupHooks hooks_;
  CircuitBreaker breaker_;
  RateLimiter limiter_;
  std::string authorization_;  // "Authorization: Bearer ..." or empty

  // Workers wait on mu_ (Mutex::Await) for a task or for stopping; the
  // default Sleep() waits on it for stopping.
  absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> abort_{false};  // read by curl's progress callback
  std::vector<std::thread> workers_;

  absl::Mutex rng_mu_;
  std::function<double()> uniform01_ ABSL_GUARDED_BY(rng_mu_);

  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> answers_{0};
  std::atomic<int64_t> failures_{0};
  std::atomic<int64_t> retries_{0};
  std::atomic<int64_t> short_circuited_{0};
};

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_HTTP_SOURCE_H_
