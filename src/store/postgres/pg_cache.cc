// The validation-cache role on PostgreSQL: real-time answers kept for
// cache_value_days (sql/postgres/002_validation_cache.sql).

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "store/postgres/postgres_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {

absl::StatusOr<std::optional<std::string>> PostgresCache::GetCachedResult(
    std::string_view key, absl::Time not_before) {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::optional<std::string>> {
        PB_ASSIGN_OR_RETURN(
            Result found,
            conn.Query(
                "SELECT result_blob FROM validation_cache WHERE key_hash = "
                "$1 AND created_us >= $2",
                Params().Text(key).Time(not_before)));
        if (found.rows() == 0) return std::nullopt;
        return found.Bytes(0, 0);
      });
}

absl::Status PostgresCache::PutCachedResult(std::string_view key,
                                            std::string_view blob,
                                            absl::Time now) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    return conn
        .Query(
            "INSERT INTO validation_cache (key_hash, result_blob, "
            "created_us) VALUES ($1, $2, $3) ON CONFLICT (key_hash) DO "
            "UPDATE SET result_blob = excluded.result_blob, created_us = "
            "excluded.created_us",
            Params().Text(key).Bytes(blob).Time(now))
        .status();
  });
}

absl::StatusOr<int> PostgresCache::PurgeCachedResultsBefore(absl::Time cutoff) {
  return PurgeBefore(
      *pool_, "DELETE FROM validation_cache WHERE created_us < $1", cutoff);
}

}  // namespace phonebulk::store::postgres
