#include "lookup/resilience.h"

#include <algorithm>
#include <cmath>

namespace phonebulk::lookup {

CircuitBreaker::CircuitBreaker(const Clock& clock, int failure_threshold,
                               absl::Duration cooldown)
    : clock_(clock),
      failure_threshold_(std::max(1, failure_threshold)),
      cooldown_(cooldown) {}

bool CircuitBreaker::Allow() {
  absl::MutexLock lock(&mu_);
  switch (state_) {
    case BreakerState::kClosed:
      return true;
    case BreakerState::kOpen:
      if (clock_.Now() < open_until_) return false;
      state_ = BreakerState::kHalfOpen;
      probe_in_flight_ = true;
      return true;
    case BreakerState::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

bool CircuitBreaker::Rejecting() const {
  absl::MutexLock lock(&mu_);
  return (state_ == BreakerState::kOpen && clock_.Now() < open_until_) ||
         (state_ == BreakerState::kHalfOpen && probe_in_flight_);
}

void CircuitBreaker::OnSuccess() {
  absl::MutexLock lock(&mu_);
  consecutive_failures_ = 0;
  probe_in_flight_ = false;
  state_ = BreakerState::kClosed;
}

void CircuitBreaker::OnFailure() {
  absl::MutexLock lock(&mu_);
  if (state_ == BreakerState::kHalfOpen) {
    OpenLocked();  // the probe failed: the source is still down
    return;
  }
  // Failures of requests sent before the breaker opened still arrive while
  // it is open; they must not extend the cooldown.
  if (state_ == BreakerState::kOpen) return;
  if (++consecutive_failures_ >= failure_threshold_) OpenLocked();
}

void CircuitBreaker::OnNeutral() {
  absl::MutexLock lock(&mu_);
  probe_in_flight_ = false;
}

void CircuitBreaker::OpenLocked() {
  state_ = BreakerState::kOpen;
  open_until_ = clock_.Now() + cooldown_;
  probe_in_flight_ = false;
  consecutive_failures_ = 0;
  ++opens_;
}

BreakerState CircuitBreaker::state() const {
  absl::MutexLock lock(&mu_);
  return state_;
}

int64_t CircuitBreaker::opens() const {
  absl::MutexLock lock(&mu_);
  return opens_;
}

RateLimiter::RateLimiter(const Clock& clock, double rps)
    : clock_(clock),
      rps_(std::max(0.0, rps)),
      burst_(std::max(1.0, rps)),
      tokens_(burst_),
      refilled_at_(clock.Now()) {}

std::optional<absl::Time> RateLimiter::Reserve(absl::Time deadline) {
  absl::MutexLock lock(&mu_);
  const absl::Time now = clock_.Now();
  absl::Time at = std::max(now, paused_until_);
  if (rps_ > 0) {
    tokens_ = std::min(
        burst_, tokens_ + absl::ToDoubleSeconds(now - refilled_at_) * rps_);
    refilled_at_ = now;
    if (tokens_ < 1) {
      at = std::max(at, now + absl::Seconds((1 - tokens_) / rps_));
    }
  }
  if (at >= deadline) return std::nullopt;
  if (rps_ > 0) tokens_ -= 1;
  return at;
}

void RateLimiter::PauseUntil(absl::Time until) {
  absl::MutexLock lock(&mu_);
  paused_until_ = std::max(paused_until_, until);
}

absl::Duration FullJitterBackoff(int retry, absl::Duration base,
                                 absl::Duration max, double uniform01) {
  // 2^retry overflows nothing here: the exponent is capped well before the
  // product could exceed any sane `max`.
  absl::Duration cap = base * std::ldexp(1.0, std::clamp(retry, 0, 30));
  cap = std::min(cap, max);
  return cap * std::clamp(uniform01, 0.0, 1.0);
}

}  // namespace phonebulk::lookup
