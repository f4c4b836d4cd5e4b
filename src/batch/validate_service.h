#ifndef PHONEBULK_BATCH_VALIDATE_SERVICE_H_
#define PHONEBULK_BATCH_VALIDATE_SERVICE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "batch/pipeline.h"
#include "batch/validate_request.h"
#include "common/clock.h"
#include "phone/enricher.h"
#include "phone/types.h"
#include "store/account_store.h"
#include "store/validation_cache.h"

namespace phonebulk::batch {

// What one real-time call answered.
struct ValidateAnswer {
  phone::PhoneResult result;  // with the asked-for extensions filled
  bool from_cache = false;    // true: a stored answer, not a fresh one
  int64_t credits_charged = 0;
};

// The real-time use case (`POST /phone/validate/v2`) without HTTP: answer one
// number through the same per-number pipeline as bulk batches
// (ProcessPhone), charge the account, and keep the answer for later calls
// that accept a cached one (cache_value_days).
//
// Every call costs one credit, plus one when a real ported date is returned
// (ChargeForPhone), cached answer or not. The charge is taken atomically
// after the answer is ready and before it is returned: a call that fails,
// times out or is refused for credits costs nothing.
//
// Every fresh answer is stored, keyed by a hash of the number (its E.164
// form when it parses, the raw text otherwise) and the options that shape the
// answer (country_iso, output_format, get_ported_date, get_disposable_number,
// supplementary_live_status), so equivalent writings of one number share an
// entry. Entries are global to the service, not per account: they hold
// only what any caller would be answered. The processor purges entries older
// than kMaxCacheValueDays.
//
// Thread-safe: holds no mutable state.
class ValidateService {
 public:
  // `cache` (answers kept for cache_value_days), `accounts` (charged per
  // answer), the engine's parts and `clock` must outlive the service. The
  // clock dates cache entries and checks deadlines.
  ValidateService(store::ValidationCache& cache, store::AccountStore& accounts,
                  Engine engine, const Clock& clock);

  // Answers `request` for `account_id`. `extensions` (include=location,
  // time_zones) are worked out per call, never stored. When `deadline` has
  // passed by the time the answer is ready, returns DeadlineExceeded and
  // charges nothing. ResourceExhausted when the balance cannot cover the
  // charge (nothing is answered then); the store's codes otherwise.
  absl::StatusOr<ValidateAnswer> Validate(
      int64_t account_id, const ValidateRequest& request,
      const phone::Extensions& extensions = {},
      std::optional<absl::Time> deadline = std::nullopt) const;

  // The cache key (hex SHA-256) of `request` whose number normalises to
  // `e164` (validated_phone_number; empty when it did not parse). Exposed
  // for tests.
  static std::string CacheKey(const ValidateRequest& request,
                              std::string_view e164);

 private:
  // A stored answer younger than request.cache_value_days, if any.
  absl::StatusOr<std::optional<phone::PhoneResult>> Lookup(
      const ValidateRequest& request) const;

  store::ValidationCache& cache_;
  store::AccountStore& accounts_;
  const Engine engine_;
  const Clock& clock_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_VALIDATE_SERVICE_H_
