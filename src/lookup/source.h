#ifndef PHONEBULK_LOOKUP_SOURCE_H_
#define PHONEBULK_LOOKUP_SOURCE_H_

// Sources of live status and porting facts (issue 6). A source is chosen per
// deployment from LookupOptions: an empty URL keeps the offline behaviour
// (OfflineSource answers nothing); a URL selects HttpLookupSource, which
// speaks the protocol in docs/lookup-protocol.md.
//
// Callers hand a source E.164 digits and a deadline and get back one
// optional answer per number. A missing answer means "no facts": the number
// keeps its offline result and must not be charged for a lookup.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::lookup {

// What the network says about a subscriber. The wire names are those of
// docs/lookup-protocol.md ("live", "absent", "dead", "no_teleservice",
// "no_coverage", "unknown").
enum class LiveStatus {
  kLive,
  kAbsent,
  kDead,
  kNoTeleservice,
  kNoCoverage,
  kUnknown,
};

// The wire name of `status`, e.g. "no_teleservice".
std::string_view LiveStatusName(LiveStatus status);
// The status named `name` (exact, lower-case wire names only); nullopt for
// anything else, so a provider's typo is a malformed answer, not "unknown".
std::optional<LiveStatus> ParseLiveStatus(std::string_view name);

// One source's answer for one number. Empty strings mean "not given".
struct LookupAnswer {
  std::string number;  // E.164 digits, as asked
  LiveStatus status = LiveStatus::kUnknown;
  std::string mccmnc;                  // current network, "23415"
  std::string operator_name;           // current operator
  std::string original_operator_name;  // operator before porting
  std::string ported_date;             // as sent, e.g. "2019-08-21T00:00:00Z"
  std::optional<bool> ported;          // nullopt: the source did not say

  friend bool operator==(const LookupAnswer&, const LookupAnswer&) = default;
};

enum class BreakerState { kClosed, kOpen, kHalfOpen };
std::string_view BreakerStateName(BreakerState state);

// Counters for /metrics. Monotonic except `breaker`.
struct LookupStats {
  int64_t calls = 0;            // HTTP requests sent (retries included)
  int64_t answers = 0;          // numbers that got an answer
  int64_t failures = 0;         // requests that failed (any reason)
  int64_t retries = 0;          // requests that were retries
  int64_t short_circuited = 0;  // numbers not asked because the breaker was
                                // open or the deadline had passed
  int64_t breaker_opens = 0;    // closed/half-open -> open transitions
  BreakerState breaker = BreakerState::kClosed;
};

// A source of live status. Implementations are thread-safe: Lookup() may be
// called from many threads at once.
class LookupSource {
 public:
  virtual ~LookupSource() = default;

  // Looks up `e164_digits` (digits only, no '+'). result[i] answers
  // e164_digits[i]; nullopt means no answer (the source failed, its circuit
  // breaker is open, the deadline passed, or the number is not valid E.164
  // digits). Blocks at most until `deadline` (plus scheduling jitter); never
  // throws.
  virtual std::vector<std::optional<LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time deadline) = 0;

  virtual LookupStats stats() const = 0;

  // "offline" or "http"; for logs.
  virtual std::string_view kind() const = 0;
};

// The default source: answers nothing, instantly. Thread-safe (stateless).
class OfflineSource : public LookupSource {
 public:
  std::vector<std::optional<LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time deadline) override;
  LookupStats stats() const override { return {}; }
  std::string_view kind() const override { return "offline"; }
};

// Configuration of a source; the names follow the `--lookup-*` flags of
// `phonebulk serve` and PHONEBULK_LOOKUP_* variables.
struct LookupOptions {
  std::string url;  // empty: offline; else http:// or https:// endpoint
  std::string key;  // sent as "Authorization: Bearer {key}"; empty: no header
  int concurrency = 8;    // HTTP requests in flight at once, per source
  int max_batch = 100;    // numbers per request
  int timeout_ms = 2000;  // per request (connect + answer)
  double rps = 0;         // requests per second; 0: unlimited
  int retries = 3;        // extra attempts after a retryable failure

  // Circuit breaker: after `breaker_failures` consecutive failed requests no
  // request is sent for `breaker_cooldown`; then one probe decides.
  int breaker_failures = 5;
  absl::Duration breaker_cooldown = absl::Seconds(30);

  // Retry pacing: attempt k (k = 0 for the first retry) waits a uniformly
  // random time in [0, min(backoff_max, backoff_base * 2^k)) ("full
  // jitter"), or the 429's Retry-After capped at max_retry_after.
  absl::Duration backoff_base = absl::Milliseconds(100);
  absl::Duration backoff_max = absl::Seconds(5);
  absl::Duration max_retry_after = absl::Seconds(30);

  // Larger response bodies are a failed request (protects memory).
  size_t max_response_bytes = 8 * 1024 * 1024;
};

// Checks `options` (ranges, URL scheme); OK when usable.
absl::Status ValidateLookupOptions(const LookupOptions& options);

// The source `options` describe: OfflineSource for an empty url, else an
// HttpLookupSource on the real clock. InvalidArgument for bad options.
absl::StatusOr<std::unique_ptr<LookupSource>> MakeLookupSource(
    const LookupOptions& options);

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_SOURCE_H_
