// The real-time endpoint's storage on PostgreSQL: per-call credit charges
// and the answer cache (sql/postgres/002_validation_cache.sql).

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "store/postgres/postgres_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {

absl::StatusOr<int64_t> PostgresStore::ChargeCredits(int64_t account_id,
                                                     int64_t amount) {
  if (amount <= 0) {
    return absl::InvalidArgumentError("a charge must be at least one credit");
  }
  int64_t balance = 0;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    // The balance check is part of the update (which locks the row), so two
    // nodes can never both spend the last credit.
    PB_ASSIGN_OR_RETURN(
        Result charged,
        conn.Query("UPDATE accounts SET credits = credits - $2 WHERE id = $1 "
                   "AND credits >= $2 RETURNING credits",
                   Params().Int(account_id).Int(amount)));
    if (charged.rows() == 1) {
      balance = charged.Int64(0, 0);
      return absl::OkStatus();
    }
    PB_ASSIGN_OR_RETURN(Result current,
                        conn.Query("SELECT credits FROM accounts WHERE id = $1",
                                   Params().Int(account_id)));
    if (current.rows() == 0) return absl::NotFoundError("no such account");
    balance = current.Int64(0, 0);
    return absl::ResourceExhaustedError(
        absl::StrCat("the balance is ", balance, " credits and ", amount,
                     amount == 1 ? " is" : " are", " needed"));
  }));
  return balance;
}

absl::StatusOr<std::optional<std::string>> PostgresStore::GetCachedResult(
    std::string_view key, absl::Time not_before) {
  std::optional<std::string> out;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    out.reset();
    PB_ASSIGN_OR_RETURN(
        Result found,
        conn.Query("SELECT result_blob FROM validation_cache WHERE key_hash = "
                   "$1 AND created_us >= $2",
                   Params().Text(key).Time(not_before)));
    if (found.rows() > 0) out = found.Bytes(0, 0);
    return absl::OkStatus();
  }));
  return out;
}

absl::Status PostgresStore::PutCachedResult(std::string_view key,
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

absl::StatusOr<int> PostgresStore::PurgeCachedResultsBefore(absl::Time cutoff) {
  int purged = 0;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(
        Result deleted,
        conn.Query("DELETE FROM validation_cache WHERE created_us < $1",
                   Params().Time(cutoff)));
    purged = static_cast<int>(deleted.affected());
    return absl::OkStatus();
  }));
  return purged;
}

absl::StatusOr<RateCount> PostgresStore::CountRequest(int64_t account_id,
                                                      absl::Time now,
                                                      int limit) {
  if (limit <= 0) return absl::InvalidArgumentError("limit must be positive");
  const int64_t minute = absl::ToUnixSeconds(now) / 60;
  RateCount out;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    // The row lock of the upsert orders the nodes' requests of one account,
    // so the minute admits exactly `limit` of them however many nodes ask.
    PB_ASSIGN_OR_RETURN(
        Result counted,
        conn.Query("INSERT INTO rate_windows (account_id, minute, used) "
                   "VALUES ($1, $2, 1) ON CONFLICT (account_id, minute) DO "
                   "UPDATE SET used = rate_windows.used + 1 WHERE "
                   "rate_windows.used < $3 RETURNING used",
                   Params().Int(account_id).Int(minute).Int(limit)));
    if (counted.rows() == 0) {
      out = RateCount{false, limit};
      return absl::OkStatus();
    }
    out = RateCount{true, static_cast<int>(counted.Int64(0, 0))};
    if (out.used == 1) {
      // The account's first request of a minute clears its old minutes, so
      // the table holds a few rows per active account.
      PB_RETURN_IF_ERROR(
          conn.Query("DELETE FROM rate_windows WHERE account_id = $1 AND "
                     "minute < $2",
                     Params().Int(account_id).Int(minute - 1))
              .status());
    }
    return absl::OkStatus();
  }));
  return out;
}

}  // namespace phonebulk::store::postgres
