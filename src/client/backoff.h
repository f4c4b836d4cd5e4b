#ifndef PHONEBULK_CLIENT_BACKOFF_H_
#define PHONEBULK_CLIENT_BACKOFF_H_

// Capped exponential backoff with jitter, for retries and polling. The
// random source is injected so tests are deterministic. A Backoff is
// thread-compatible (one per retry loop).

#include <chrono>
#include <cstdint>
#include <functional>

namespace phonebulk::client {

class Backoff {
 public:
  // `jitter` in [0, 1]: each delay is drawn uniformly from
  // [d * (1 - jitter), d]. `uniform01` returns values in [0, 1); by default
  // a thread-local PRNG.
  Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds cap,
          double factor = 2.0, double jitter = 0.0,
          std::function<double()> uniform01 = {});

  // The delay before the next attempt; grows by `factor` up to `cap`.
  std::chrono::milliseconds Next();
  // Back to `initial` (e.g. after progress was seen).
  void Reset() { current_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds cap_;
  double factor_;
  double jitter_;
  std::function<double()> uniform01_;
  std::chrono::milliseconds current_;
};

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_BACKOFF_H_
