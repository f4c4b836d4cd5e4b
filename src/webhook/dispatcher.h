#ifndef PHONEBULK_WEBHOOK_DISPATCHER_H_
#define PHONEBULK_WEBHOOK_DISPATCHER_H_

// Delivers the webhook outbox (store/webhook_store.h): a thread claims a
// due delivery, builds its body from the ended batch, signs it (event.h),
// checks and pins the target (target.h), POSTs it (sender.h) and records
// the outcome: delivered on any 2xx, else retried with capped exponential
// backoff until `give_up_after` from the event, then failed. It never
// touches batch processing: the outbox row was written with the batch's end,
// and a slow or dead receiver only delays its own deliveries.
//
// Delivery is at least once: a node that dies between the POST and the
// outcome leaves the claim to expire and the delivery is sent again, with
// the same `webhook-id`, which receivers use to drop repeats. Once an
// outcome is recorded the delivery is never sent again.
//
// Thread-safe: Start/Stop/Notify from any thread; counters are atomics.

#include <atomic>
#include <cstdint>
#include <memory>
#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "store/batch_store.h"
#include "store/webhook_store.h"

namespace phonebulk::webhook {

struct DispatcherOptions {
  // Deliver to loopback and private addresses (receivers on the server's
  // own network). Off: such targets fail at once, never retried.
  bool allow_private = false;
  // The wait before attempt n+1 is retry_base * 2^(n-1), at most retry_cap.
  absl::Duration retry_base = absl::Seconds(5);
  absl::Duration retry_cap = absl::Hours(1);
  // Past this age (from the event) a delivery that keeps failing is given up.
  absl::Duration give_up_after = absl::Hours(24);
  // How long a claimed delivery stays with this node; longer than a POST.
  absl::Duration lease = absl::Minutes(1);
  absl::Duration request_timeout = absl::Seconds(15);
  // How often the outbox is looked at when Notify() is not called.
  absl::Duration poll = absl::Seconds(1);
};

struct DispatcherCounters {
  std::atomic<int64_t> delivered{0};
  std::atomic<int64_t> retried{0};  // attempts that failed and were rescheduled
  std::atomic<int64_t> failed{0};   // deliveries given up
};

// When attempt `attempt` (1-based) has failed: the next try's delay.
absl::Duration RetryDelay(const DispatcherOptions& options, int attempt);

class Dispatcher {
 public:
  // Every reference must outlive the dispatcher.
  Dispatcher(store::WebhookStore& webhooks, store::BatchStore& batches,
             const Clock& clock, DispatcherOptions options);
  ~Dispatcher();  // Stop()s
  Dispatcher(const Dispatcher&) = delete;
  Dispatcher& operator=(const Dispatcher&) = delete;

  void Start();
  // Finishes the attempt in flight (bounded by request_timeout) and joins.
  void Stop();
  // Looks at the outbox now (a batch just ended).
  void Notify();

  // Claims and attempts one due delivery; false when none was due. For
  // tests; the thread calls it in a loop.
  bool RunOnce();

  const DispatcherCounters& counters() const { return counters_; }

 private:
  void Loop();

  store::WebhookStore& webhooks_;
  store::BatchStore& batches_;
  const Clock& clock_;
  const DispatcherOptions options_;
  DispatcherCounters counters_;
  absl::Mutex mu_;
  absl::CondVar cv_;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::unique_ptr<std::thread> thread_;
};

}  // namespace phonebulk::webhook

#endif  // PHONEBULK_WEBHOOK_DISPATCHER_H_
