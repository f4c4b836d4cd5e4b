#include "client/backoff.h"

#include <algorithm>
#include <random>

namespace phonebulk::client {

Backoff::Backoff(std::chrono::milliseconds initial,
                 std::chrono::milliseconds cap, double factor, double jitter,
                 std::function<double()> uniform01)
    : initial_(initial),
      cap_(cap),
      factor_(factor),
      jitter_(std::clamp(jitter, 0.0, 1.0)),
      uniform01_(std::move(uniform01)),
      current_(initial) {
  if (!uniform01_) {
    uniform01_ = [] {
      thread_local std::mt19937_64 rng{std::random_device{}()};
      return std::uniform_real_distribution<double>(0.0, 1.0)(rng);
    };
  }
}

std::chrono::milliseconds Backoff::Next() {
  const auto base = std::min(current_, cap_);
  current_ = std::min(
      cap_, std::chrono::milliseconds(static_cast<int64_t>(
                static_cast<double>(current_.count()) * factor_ + 0.5)));
  // Jitter spreads concurrent clients so they do not retry in lock step.
  const double scale = 1.0 - jitter_ * uniform01_();
  return std::chrono::milliseconds(
      static_cast<int64_t>(static_cast<double>(base.count()) * scale));
}

}  // namespace phonebulk::client
