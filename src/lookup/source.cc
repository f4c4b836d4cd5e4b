#include "lookup/source.h"

#include "absl/status/status.h"
#include "common/name_table.h"
#include "common/strings.h"
#include "lookup/http_source.h"

namespace phonebulk::lookup {
namespace {

constexpr auto kLiveStatusNames = MakeNameTable<LiveStatus>({
    {LiveStatus::kLive, "live"},
    {LiveStatus::kAbsent, "absent"},
    {LiveStatus::kDead, "dead"},
    {LiveStatus::kNoTeleservice, "no_teleservice"},
    {LiveStatus::kNoCoverage, "no_coverage"},
    {LiveStatus::kUnknown, "unknown"},
});

constexpr auto kBreakerStateNames = MakeNameTable<BreakerState>({
    {BreakerState::kClosed, "closed"},
    {BreakerState::kOpen, "open"},
    {BreakerState::kHalfOpen, "half_open"},
});

absl::Status Invalid(const std::string& what) {
  return absl::InvalidArgumentError("lookup options: " + what);
}

}  // namespace

std::string_view LiveStatusName(LiveStatus status) {
  return kLiveStatusNames.NameOf(status, "unknown");
}

std::optional<LiveStatus> ParseLiveStatus(std::string_view name) {
  return kLiveStatusNames.ValueOf(name);
}

std::string_view BreakerStateName(BreakerState state) {
  return kBreakerStateNames.NameOf(state, "closed");
}

std::vector<std::optional<LookupAnswer>> OfflineSource::Lookup(
    std::span<const std::string> e164_digits, absl::Time deadline) {
  return std::vector<std::optional<LookupAnswer>>(e164_digits.size());
}

absl::Status ValidateLookupOptions(const LookupOptions& o) {
  if (!o.url.empty() && !StartsWithIgnoreCase(o.url, "http://") &&
      !StartsWithIgnoreCase(o.url, "https://")) {
    return Invalid("url must start with http:// or https://");
  }
  // The key goes into a header line: a CR or LF would let it add headers.
  for (char c : o.key) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return Invalid("key contains a control character");
    }
  }
  if (o.concurrency < 1 || o.concurrency > 256) {
    return Invalid("concurrency must be 1..256");
  }
  if (o.max_batch < 1 || o.max_batch > 10000) {
    return Invalid("max_batch must be 1..10000");
  }
  if (o.timeout_ms < 1 || o.timeout_ms > 600'000) {
    return Invalid("timeout_ms must be 1..600000");
  }
  if (!(o.rps >= 0)) return Invalid("rps must be >= 0");
  if (o.retries < 0 || o.retries > 20) return Invalid("retries must be 0..20");
  if (o.breaker_failures < 1) return Invalid("breaker_failures must be >= 1");
  if (o.breaker_cooldown < absl::ZeroDuration() ||
      o.backoff_base < absl::ZeroDuration() ||
      o.backoff_max < absl::ZeroDuration() ||
      o.max_retry_after < absl::ZeroDuration()) {
    return Invalid("durations must not be negative");
  }
  if (o.max_response_bytes < 1024) {
    return Invalid("max_response_bytes must be >= 1024");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<LookupSource>> MakeLookupSource(
    const LookupOptions& options) {
  if (absl::Status s = ValidateLookupOptions(options); !s.ok()) return s;
  if (options.url.empty()) return std::make_unique<OfflineSource>();
  auto source = HttpLookupSource::Create(options);
  if (!source.ok()) return source.status();
  return std::unique_ptr<LookupSource>(std::move(*source));
}

}  // namespace phonebulk::lookup
