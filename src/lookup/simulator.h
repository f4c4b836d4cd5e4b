#ifndef PHONEBULK_LOOKUP_SIMULATOR_H_
#define PHONEBULK_LOOKUP_SIMULATOR_H_

// A lookup provider for tests and demos (`phonebulk lookup-sim`): answers
// the protocol of docs/lookup-protocol.md with facts derived from the number
// alone, and injects latency, 5xx errors, 429s and malformed answers at
// seeded random rates. Handle() needs no socket and no HTTP library: the
// request and reply below are plain data, and `phonebulk lookup-sim`
// (cli/lookup_sim.cc) carries them over http::HttpServer.

#include <atomic>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "lookup/source.h"

namespace phonebulk::lookup {

struct SimulatorOptions {
  std::string key;  // required Bearer key; empty: no check
  absl::Duration latency = absl::ZeroDuration();  // before every answer
  // Per request, one draw decides: an error (503) with probability
  // error_rate, else a 429 (Retry-After: 1) with rate_429, else a malformed
  // 200 with malformed_rate, else the real answer.
  double error_rate = 0;
  double rate_429 = 0;
  double malformed_rate = 0;
  uint64_t seed = 1;
  size_t max_numbers = 1000;  // more in one request: 400
};

// The simulator's answer for `number` (E.164 digits), a pure function:
//   last digit: 0-4 live, 5 absent, 6 dead, 7 no_teleservice,
//               8 no_coverage, 9 unknown (only number and status);
//   third-to-last digit picks mccmnc and operator_name from a table of ten;
//   second-to-last digit odd: ported, with original_operator_name (the
//   table entry five further on) and a ported_date derived from the digit
//   sum; even: ported false.
// Missing digits of short numbers count as 0.
LookupAnswer SimulatedAnswer(std::string_view number);

// What the simulator reads of an HTTP request.
struct SimulatorRequest {
  std::string method;                         // "POST", "GET", ...
  std::optional<std::string> authorization;   // the header; nullopt: absent
  std::optional<std::string> content_type;    // the header; nullopt: absent
  std::string body;
};

// What it answers: a status, a JSON body and at most one extra header
// (Allow on 405, WWW-Authenticate on 401, Retry-After on 429).
struct SimulatorReply {
  unsigned status = 200;
  std::string body;           // always application/json
  std::string header_name;    // empty: none
  std::string header_value;
};

// Thread-safe: Handle() may run on many I/O threads at once (the fault RNG
// is locked; latency sleeps outside the lock).
class LookupSimulator {
 public:
  struct Counters {
    int64_t requests = 0;
    int64_t rejected = 0;   // 4xx for bad method, key, content type, body
    int64_t errors = 0;     // injected 503
    int64_t throttled = 0;  // injected 429
    int64_t malformed = 0;  // injected bad 200
    int64_t answered = 0;   // good 200
  };

  explicit LookupSimulator(SimulatorOptions options);

  // Answers one request. Never throws.
  SimulatorReply Handle(const SimulatorRequest& request);

  Counters counters() const;

 private:
  enum class Fault { kNone, kError, k429, kMalformed };
  // Returns the fault to inject and, for kMalformed, which variant.
  Fault Roll(int* variant);

  const SimulatorOptions options_;
  absl::Mutex mu_;
  std::mt19937_64 rng_ ABSL_GUARDED_BY(mu_);
  std::atomic<int64_t> requests_{0}, rejected_{0}, errors_{0}, throttled_{0},
      malformed_{0}, answered_{0};
};

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_SIMULATOR_H_
