#include "lookup/resilience.h"

#include <gtest/gtest.h>

namespace phonebulk::lookup {
namespace {

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresThenProbes) {
  FakeClock clock;
  CircuitBreaker b(clock, 3, absl::Seconds(30));
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(b.Allow());
    b.OnFailure();
  }
  ASSERT_TRUE(b.Allow());
  b.OnSuccess();  // resets the count
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(b.Allow());
    b.OnFailure();
  }
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.opens(), 1);
  EXPECT_TRUE(b.Rejecting());
  EXPECT_FALSE(b.Allow());

  clock.Advance(absl::Seconds(29));
  EXPECT_FALSE(b.Allow());
  clock.Advance(absl::Seconds(1));
  EXPECT_FALSE(b.Rejecting());
  ASSERT_TRUE(b.Allow());  // the one probe
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  EXPECT_FALSE(b.Allow());
  EXPECT_TRUE(b.Rejecting());
  b.OnFailure();  // probe failed: open again for a full cooldown
  EXPECT_EQ(b.state(), BreakerState::kOpen);
  EXPECT_EQ(b.opens(), 2);
  clock.Advance(absl::Seconds(29));
  EXPECT_FALSE(b.Allow());
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(b.Allow());
  b.OnSuccess();
  EXPECT_EQ(b.state(), BreakerState::kClosed);
  EXPECT_TRUE(b.Allow());
  EXPECT_TRUE(b.Allow());
}

TEST(CircuitBreakerTest, NeutralReleasesProbeWithoutClosing) {
  FakeClock clock;
  CircuitBreaker b(clock, 1, absl::Seconds(1));
  b.OnFailure();
  clock.Advance(absl::Seconds(1));
  ASSERT_TRUE(b.Allow());
  b.OnNeutral();
  EXPECT_EQ(b.state(), BreakerState::kHalfOpen);
  ASSERT_TRUE(b.Allow());  // another probe may go
}

// Regression guard: late failures of requests sent before the breaker
// opened must not push the end of the cooldown further away.
TEST(CircuitBreakerTest, LateFailuresDoNotExtendCooldown) {
  FakeClock clock;
  CircuitBreaker b(clock, 1, absl::Seconds(10));
  b.OnFailure();
  clock.Advance(absl::Seconds(9));
  b.OnFailure();
  clock.Advance(absl::Seconds(1));
  EXPECT_TRUE(b.Allow());
}

TEST(RateLimiterTest, UnlimitedUnlessPaused) {
  FakeClock clock;
  RateLimiter limiter(clock, 0);
  const absl::Time deadline = clock.Now() + absl::Seconds(5);
  for (int i = 0; i < 1000; ++i) {
    ASSERT_EQ(limiter.Reserve(deadline), clock.Now());
  }
  limiter.PauseUntil(clock.Now() + absl::Seconds(2));
  limiter.PauseUntil(clock.Now() + absl::Seconds(1));  // the later one stays
  EXPECT_EQ(limiter.Reserve(deadline), clock.Now() + absl::Seconds(2));
  EXPECT_EQ(limiter.Reserve(clock.Now() + absl::Seconds(2)), std::nullopt);
}

TEST(RateLimiterTest, SpacesRequestsAfterBurst) {
  FakeClock clock;
  RateLimiter limiter(clock, 10);
  const absl::Time start = clock.Now();
  const absl::Time deadline = start + absl::Seconds(10);
  // Milliseconds after start of a reservation (slots come from doubles).
  auto ms = [&](std::optional<absl::Time> t) {
    return t ? absl::ToDoubleMilliseconds(*t - start) : -1.0;
  };
  for (int i = 0; i < 10; ++i) ASSERT_EQ(limiter.Reserve(deadline), start);
  EXPECT_NEAR(ms(limiter.Reserve(deadline)), 100, 1e-3);
  EXPECT_NEAR(ms(limiter.Reserve(deadline)), 200, 1e-3);
  // A slot past the deadline is refused and not taken.
  EXPECT_EQ(limiter.Reserve(start + absl::Milliseconds(250)), std::nullopt);
  EXPECT_NEAR(ms(limiter.Reserve(deadline)), 300, 1e-3);
  clock.Advance(absl::Seconds(5));  // refills up to the burst only
  for (int i = 0; i < 10; ++i)
    ASSERT_EQ(limiter.Reserve(deadline), clock.Now());
  EXPECT_GT(*limiter.Reserve(deadline), clock.Now());
}

TEST(BackoffTest, FullJitterWithinCappedExponential) {
  const absl::Duration base = absl::Milliseconds(100);
  const absl::Duration max = absl::Seconds(1);
  EXPECT_EQ(FullJitterBackoff(0, base, max, 0.0), absl::ZeroDuration());
  EXPECT_EQ(FullJitterBackoff(0, base, max, 0.5), absl::Milliseconds(50));
  EXPECT_EQ(FullJitterBackoff(2, base, max, 0.5), absl::Milliseconds(200));
  EXPECT_EQ(FullJitterBackoff(3, base, max, 0.5), absl::Milliseconds(400));
  EXPECT_EQ(FullJitterBackoff(4, base, max, 0.5), absl::Milliseconds(500));
  EXPECT_EQ(FullJitterBackoff(1000, base, max, 0.5), absl::Milliseconds(500));
}

}  // namespace
}  // namespace phonebulk::lookup
