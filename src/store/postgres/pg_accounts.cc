// The accounts role: accounts, credits, tokens and (on a shared database)
// request counts.

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/migrations.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {

namespace {

constexpr int kDefaultRateLimit = 150;

absl::StatusOr<Account> SelectAccount(Connection& conn, const char* where,
                                      const Params& params) {
  PB_ASSIGN_OR_RETURN(
      Result res, conn.QueryRow(absl::StrCat("SELECT ", kAccountColumns,
                                             " FROM accounts WHERE ", where),
                                params, "no such account"));
  return ReadAccount(res, 0);
}

absl::StatusOr<Account> AccountByName(Connection& conn, std::string_view name,
                                      bool lock = false) {
  return SelectAccount(conn, lock ? "name = $1 FOR UPDATE" : "name = $1",
                       Params().Text(name));
}

absl::StatusOr<Account> AccountById(Connection& conn, int64_t id) {
  return SelectAccount(conn, "id = $1", Params().Int(id));
}

absl::StatusOr<Token> TokenWhere(Connection& conn, const char* where,
                                 const Params& params) {
  PB_ASSIGN_OR_RETURN(
      Result res, conn.QueryRow(absl::StrCat("SELECT ", kTokenColumns, " FROM ",
                                             kTokenFrom, " WHERE ", where),
                                params, "no such token"));
  return ReadToken(res, 0);
}

}  // namespace

absl::StatusOr<Account> PostgresAccounts::EnsureAccount(
    std::string_view name, std::optional<int> rate_limit) {
  if (name.empty()) return absl::InvalidArgumentError("empty account name");
  if (rate_limit && *rate_limit <= 0) {
    return absl::InvalidArgumentError("rate limit must be positive");
  }
  const absl::Time now = options_.clock->Now();
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Account> {
    PB_RETURN_IF_ERROR(
        conn.Query("INSERT INTO accounts (name, credits, "
                   "rate_limit_per_minute, created_us) VALUES ($1, 0, $2, $3) "
                   "ON CONFLICT (name) DO NOTHING",
                   Params()
                       .Text(name)
                       .Int(rate_limit.value_or(kDefaultRateLimit))
                       .Time(now))
            .status());
    if (rate_limit) {
      PB_RETURN_IF_ERROR(
          conn.Query("UPDATE accounts SET rate_limit_per_minute = $2 WHERE "
                     "name = $1",
                     Params().Text(name).Int(*rate_limit))
              .status());
    }
    return AccountByName(conn, name);
  });
}

absl::StatusOr<Account> PostgresAccounts::GetAccount(std::string_view name) {
  return pool_->RunReturning(
      [&](Connection& conn) { return AccountByName(conn, name); });
}

absl::StatusOr<Account> PostgresAccounts::GetAccountById(int64_t id) {
  return pool_->RunReturning(
      [&](Connection& conn) { return AccountById(conn, id); });
}

absl::StatusOr<std::vector<Account>> PostgresAccounts::ListAccounts() {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::vector<Account>> {
        // COLLATE "C": byte order, as SQLite sorts, whatever the database
        // locale.
        PB_ASSIGN_OR_RETURN(
            Result res, conn.Query(absl::StrCat("SELECT ", kAccountColumns,
                                                " FROM accounts ORDER BY name "
                                                "COLLATE \"C\"")));
        return ReadRows<Account>(res, ReadAccount);
      });
}

absl::StatusOr<Account> PostgresAccounts::AddCredits(std::string_view name,
                                                     int64_t delta) {
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Account> {
    // Locked so the floor check and the update see the same balance.
    PB_ASSIGN_OR_RETURN(Account out, AccountByName(conn, name, /*lock=*/true));
    PB_ASSIGN_OR_RETURN(const int64_t balance,
                        AddToBalance(out.credits, delta));
    PB_RETURN_IF_ERROR(
        conn.Query("UPDATE accounts SET credits = credits + $2 WHERE id = $1",
                   Params().Int(out.id).Int(delta))
            .status());
    out.credits = balance;
    return out;
  });
}

absl::StatusOr<Token> PostgresAccounts::InsertToken(const Token& token) {
  if (token.hash_hex.empty()) {
    return absl::InvalidArgumentError("token hash is empty");
  }
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_ips, "allow_ips"));
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_domains, "allow_domains"));
  const absl::Time now = options_.clock->Now();
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Token> {
    PB_RETURN_IF_ERROR(AccountById(conn, token.account_id).status());
    absl::StatusOr<Result> inserted = conn.Query(
        "INSERT INTO tokens (account_id, hash_hex, display_prefix, products, "
        "disabled, allow_ips, allow_domains, created_us) VALUES ($1, $2, $3, "
        "$4, $5, $6, $7, $8) RETURNING id",
        Params()
            .Int(token.account_id)
            .Text(token.hash_hex)
            .Text(token.display_prefix)
            .Int(token.products)
            .Bool(token.disabled)
            .Text(sqlite::JoinLines(token.allow_ips))
            .Text(sqlite::JoinLines(token.allow_domains))
            .Time(now));
    if (!inserted.ok()) {
      if (absl::IsAlreadyExists(inserted.status())) {
        return absl::AlreadyExistsError("a token with this hash exists");
      }
      return inserted.status();
    }
    return TokenWhere(conn, "t.id = $1", Params().Int(inserted->Int64(0, 0)));
  });
}

absl::StatusOr<Token> PostgresAccounts::FindTokenByHash(
    std::string_view hash_hex) {
  return pool_->RunReturning([&](Connection& conn) {
    return TokenWhere(conn, "t.hash_hex = $1", Params().Text(hash_hex));
  });
}

absl::Status PostgresAccounts::SetTokenDisabled(std::string_view hash_or_prefix,
                                                bool disabled) {
  if (hash_or_prefix.empty()) return absl::NotFoundError("no such token");
  return pool_->Run([&](Connection& conn) -> absl::Status {
    // The full hash first; a display prefix only when no hash matches.
    PB_ASSIGN_OR_RETURN(
        Result ids,
        conn.Query("SELECT id FROM tokens WHERE hash_hex = $1 UNION ALL "
                   "SELECT id FROM (SELECT id FROM tokens WHERE "
                   "display_prefix = $1 AND NOT EXISTS (SELECT 1 FROM "
                   "tokens WHERE hash_hex = $1) LIMIT 2) p",
                   Params().Text(hash_or_prefix)));
    if (ids.rows() == 0) return absl::NotFoundError("no such token");
    if (ids.rows() > 1) {
      return absl::FailedPreconditionError(
          "the prefix matches more than one token; give the full hash");
    }
    return conn
        .Query("UPDATE tokens SET disabled = $2 WHERE id = $1",
               Params().Int(ids.Int64(0, 0)).Bool(disabled))
        .status();
  });
}

absl::StatusOr<std::vector<Token>> PostgresAccounts::ListTokens() {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::vector<Token>> {
        PB_ASSIGN_OR_RETURN(Result res, conn.Query(absl::StrCat(
                                            "SELECT ", kTokenColumns, " FROM ",
                                            kTokenFrom, " ORDER BY t.id")));
        return ReadRows<Token>(res, ReadToken);
      });
}

absl::StatusOr<int64_t> PostgresAccounts::ChargeCredits(int64_t account_id,
                                                        int64_t amount) {
  if (amount <= 0) {
    return absl::InvalidArgumentError("a charge must be at least one credit");
  }
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<int64_t> {
    // The balance check is part of the update (which locks the row), so two
    // nodes can never both spend the last credit.
    PB_ASSIGN_OR_RETURN(
        Result charged,
        conn.Query("UPDATE accounts SET credits = credits - $2 WHERE id = $1 "
                   "AND credits >= $2 RETURNING credits",
                   Params().Int(account_id).Int(amount)));
    if (charged.rows() == 1) return charged.Int64(0, 0);
    PB_ASSIGN_OR_RETURN(
        Result current,
        conn.QueryRow("SELECT credits FROM accounts WHERE id = $1",
                      Params().Int(account_id), "no such account"));
    return ChargeExceedsBalanceError(current.Int64(0, 0), amount);
  });
}

absl::StatusOr<RateCount> PostgresAccounts::CountRequest(int64_t account_id,
                                                         absl::Time now,
                                                         int limit) {
  if (limit <= 0) return absl::InvalidArgumentError("limit must be positive");
  const int64_t minute = absl::ToUnixSeconds(now) / 60;
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<RateCount> {
        // The row lock of the upsert orders the nodes' requests of one account,
        // so the minute admits exactly `limit` of them however many nodes ask.
        PB_ASSIGN_OR_RETURN(
            Result counted,
            conn.Query("INSERT INTO rate_windows (account_id, minute, used) "
                       "VALUES ($1, $2, 1) ON CONFLICT (account_id, minute) DO "
                       "UPDATE SET used = rate_windows.used + 1 WHERE "
                       "rate_windows.used < $3 RETURNING used",
                       Params().Int(account_id).Int(minute).Int(limit)));
        if (counted.rows() == 0) return RateCount{false, limit};
        const RateCount out{true, static_cast<int>(counted.Int64(0, 0))};
        if (out.used == 1) {
          // The account's first request of a minute clears its old minutes, so
          // the table holds a few rows per active account.
          PB_RETURN_IF_ERROR(
              conn.Query("DELETE FROM rate_windows WHERE account_id = $1 AND "
                         "minute < $2",
                         Params().Int(account_id).Int(minute - 1))
                  .status());
        }
        return out;
      });
}

}  // namespace phonebulk::store::postgres
