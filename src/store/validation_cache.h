#ifndef PHONEBULK_STORE_VALIDATION_CACHE_H_
#define PHONEBULK_STORE_VALIDATION_CACHE_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/records.h"

namespace phonebulk::store {

// The validation-cache role: real-time answers kept for a while, so a
// number asked again with the same options is answered without work.
// Every method is one transaction, safe to call from many threads and from
// many processes sharing the same database; error codes as in
// store/errors.h.
class ValidationCache {
 public:
  virtual ~ValidationCache() = default;

  // The real-time answer cache, keyed by an opaque hash of the number and
  // the options that shape the answer (built by batch/validate_service).
  // The blob is opaque too (see batch/result_codec.h).

  // The blob stored under `key` when it was stored at or after
  // `not_before`; nullopt when there is none or it is older.
  virtual absl::StatusOr<std::optional<std::string>> GetCachedResult(
      std::string_view key, absl::Time not_before) = 0;
  // Stores `blob` under `key` as created at `now`, replacing any older entry.
  virtual absl::Status PutCachedResult(std::string_view key,
                                       std::string_view blob,
                                       absl::Time now) = 0;
  // Deletes the entries created before `cutoff`; returns how many.
  virtual absl::StatusOr<int> PurgeCachedResultsBefore(absl::Time cutoff) = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_VALIDATION_CACHE_H_
