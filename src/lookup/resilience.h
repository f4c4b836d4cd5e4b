#ifndef PHONEBULK_LOOKUP_RESILIENCE_H_
#define PHONEBULK_LOOKUP_RESILIENCE_H_

// The pieces that keep a paid, slow, sometimes failing lookup provider from
// stalling batches or being hammered: a circuit breaker, a token bucket
// (which also carries a provider's 429 Retry-After pause), and full-jitter
// backoff. Time comes from an injected Clock so tests need not wait.

#include <cstdint>
#include <optional>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "lookup/source.h"

namespace phonebulk::lookup {

// Closed: requests flow; `failure_threshold` consecutive failures open it.
// Open: no request for `cooldown`. Then half-open: exactly one request (the
// probe) is let through; its success closes the breaker, its failure opens
// it again for another cooldown. Thread-safe.
class CircuitBreaker {
 public:
  CircuitBreaker(const Clock& clock, int failure_threshold,
                 absl::Duration cooldown);

  // True when a request may be sent now. In half-open state the first
  // caller gets the probe and must report it (OnSuccess/OnFailure/
  // OnNeutral); others get false until it is reported.
  bool Allow();
  // True while open and cooling down: callers can skip work at once.
  bool Rejecting() const;

  void OnSuccess();
  void OnFailure();
  // The request said nothing about the source's health (a 429, or the
  // caller's own deadline cut it short): releases a probe, keeps the count.
  void OnNeutral();

  BreakerState state() const;
  int64_t opens() const;

 private:
  void OpenLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Clock& clock_;
  const int failure_threshold_;
  const absl::Duration cooldown_;
  mutable absl::Mutex mu_;
  BreakerState state_ ABSL_GUARDED_BY(mu_) = BreakerState::kClosed;
  int consecutive_failures_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time open_until_ ABSL_GUARDED_BY(mu_);
  bool probe_in_flight_ ABSL_GUARDED_BY(mu_) = false;
  int64_t opens_ ABSL_GUARDED_BY(mu_) = 0;
};

// Spaces requests to at most `rps` a second (bursts up to one second's
// worth, at least 1), and holds every request back until a pause a provider
// asked for (429 Retry-After) is over. rps 0: no rate limit, pauses still
// apply. Thread-safe.
class RateLimiter {
 public:
  RateLimiter(const Clock& clock, double rps);

  // Reserves the next slot and returns when the caller may send (now or
  // later; the caller sleeps until then). nullopt, with nothing reserved,
  // when that time is not before `deadline`.
  std::optional<absl::Time> Reserve(absl::Time deadline);

  // No slot is handed out before `until` (keeps the later of two pauses).
  void PauseUntil(absl::Time until);

 private:
  const Clock& clock_;
  const double rps_;
  const double burst_;
  absl::Mutex mu_;
  double tokens_ ABSL_GUARDED_BY(mu_);  // may go negative: queued reservations
  absl::Time refilled_at_ ABSL_GUARDED_BY(mu_);
  absl::Time paused_until_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

// The wait before retry number `retry` (0-based): uniform in
// [0, min(max, base * 2^retry)). `uniform01` is a draw in [0, 1).
absl::Duration FullJitterBackoff(int retry, absl::Duration base,
                                 absl::Duration max, double uniform01);

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_RESILIENCE_H_
