// The validation-cache role: real-time answers kept for cache_value_days
// (sql/sqlite/002_validation_cache.sql).

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {

absl::StatusOr<std::optional<std::string>> SqliteCache::GetCachedResult(
    std::string_view key, absl::Time not_before) {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::optional<std::string>> {
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT result_blob FROM validation_cache "
                         "WHERE key_hash = ?1 AND created_us >= ?2"));
        select.BindText(1, key).BindTime(2, not_before);
        PB_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) return std::nullopt;
        return select.Blob(0);
      });
}

absl::Status SqliteCache::PutCachedResult(std::string_view key,
                                          std::string_view blob,
                                          absl::Time now) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    return conn.Run(
        "INSERT INTO validation_cache (key_hash, result_blob, "
        "created_us) VALUES (?1, ?2, ?3) ON CONFLICT (key_hash) "
        "DO UPDATE SET result_blob = excluded.result_blob, "
        "created_us = excluded.created_us",
        key, BlobParam{blob}, now);
  });
}

absl::StatusOr<int> SqliteCache::PurgeCachedResultsBefore(absl::Time cutoff) {
  return PurgeBefore(
      *pool_, "DELETE FROM validation_cache WHERE created_us < ?1", cutoff);
}

}  // namespace phonebulk::store::sqlite
