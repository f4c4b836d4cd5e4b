// The real-time endpoint's storage: per-call credit charges and the answer
// cache (sql/sqlite/002_validation_cache.sql).

#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {

absl::StatusOr<int64_t> SqliteStore::ChargeCredits(int64_t account_id,
                                                   int64_t amount) {
  if (amount <= 0) {
    return absl::InvalidArgumentError("a charge must be at least one credit");
  }
  int64_t balance = 0;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        // The balance check is part of the update, so two concurrent calls
        // can never both spend the last credit; BEGIN IMMEDIATE (kWrite)
        // makes the read of the new balance below part of the same snapshot.
        PB_ASSIGN_OR_RETURN(
            Statement update,
            conn.Prepare("UPDATE accounts SET credits = credits - ?2 "
                         "WHERE id = ?1 AND credits >= ?2"));
        update.Bind(1, account_id).Bind(2, amount);
        PB_RETURN_IF_ERROR(update.Run());
        const bool charged = conn.changes() == 1;
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT credits FROM accounts WHERE id = ?1"));
        select.Bind(1, account_id);
        PB_ASSIGN_OR_RETURN(bool row, select.Step());
        if (!row) return absl::NotFoundError("no such account");
        balance = select.Int64(0);
        if (!charged) {
          return absl::ResourceExhaustedError(
              absl::StrCat("the balance is ", balance, " credits and ", amount,
                           amount == 1 ? " is" : " are", " needed"));
        }
        return absl::OkStatus();
      }));
  return balance;
}

absl::StatusOr<std::optional<std::string>> SqliteStore::GetCachedResult(
    std::string_view key, absl::Time not_before) {
  std::optional<std::string> out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        out.reset();
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT result_blob FROM validation_cache "
                         "WHERE key_hash = ?1 AND created_us >= ?2"));
        select.BindText(1, key).BindTime(2, not_before);
        PB_ASSIGN_OR_RETURN(bool row, select.Step());
        if (row) out = select.Blob(0);
        return absl::OkStatus();
      }));
  return out;
}

absl::Status SqliteStore::PutCachedResult(std::string_view key,
                                          std::string_view blob,
                                          absl::Time now) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(
        Statement upsert,
        conn.Prepare("INSERT INTO validation_cache (key_hash, result_blob, "
                     "created_us) VALUES (?1, ?2, ?3) ON CONFLICT (key_hash) "
                     "DO UPDATE SET result_blob = excluded.result_blob, "
                     "created_us = excluded.created_us"));
    upsert.BindText(1, key).BindBlob(2, blob).BindTime(3, now);
    return upsert.Run();
  });
}

absl::StatusOr<int> SqliteStore::PurgeCachedResultsBefore(absl::Time cutoff) {
  int purged = 0;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(
            Statement purge,
            conn.Prepare("DELETE FROM validation_cache WHERE created_us < ?1"));
        purge.BindTime(1, cutoff);
        PB_RETURN_IF_ERROR(purge.Run());
        purged = static_cast<int>(conn.changes());
        return absl::OkStatus();
      }));
  return purged;
}

}  // namespace phonebulk::store::sqlite
