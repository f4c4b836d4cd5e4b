// The accounts role: accounts, credits, tokens and (on a shared database)
// request counts.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {

namespace {

constexpr int kDefaultRateLimit = 150;

absl::StatusOr<Account> SelectAccount(Connection& conn, const char* where,
                                      auto bind) {
  PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                          "SELECT ", kAccountColumns,
                                          " FROM accounts WHERE ", where)));
  bind(stmt);
  PB_RETURN_IF_ERROR(stmt.StepToRow("no such account"));
  return ReadAccount(stmt);
}

absl::StatusOr<Account> AccountByName(Connection& conn, std::string_view name) {
  return SelectAccount(conn, "name = ?1",
                       [&](Statement& s) { s.BindText(1, name); });
}

absl::StatusOr<Account> AccountById(Connection& conn, int64_t id) {
  return SelectAccount(conn, "id = ?1", [&](Statement& s) { s.Bind(1, id); });
}

absl::StatusOr<Token> SelectToken(Connection& conn, const char* where,
                                  auto bind) {
  PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                          "SELECT ", kTokenColumns, " FROM ",
                                          kTokenFrom, " WHERE ", where)));
  bind(stmt);
  PB_RETURN_IF_ERROR(stmt.StepToRow("no such token"));
  return ReadToken(stmt);
}

absl::StatusOr<Token> TokenById(Connection& conn, int64_t id) {
  return SelectToken(conn, "t.id = ?1", [&](Statement& s) { s.Bind(1, id); });
}

}  // namespace

absl::StatusOr<Account> SqliteAccounts::EnsureAccount(
    std::string_view name, std::optional<int> rate_limit) {
  if (name.empty()) return absl::InvalidArgumentError("empty account name");
  if (rate_limit && *rate_limit <= 0) {
    return absl::InvalidArgumentError("rate limit must be positive");
  }
  const absl::Time now = options_.clock->Now();
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Account> {
        PB_RETURN_IF_ERROR(
            conn.Run("INSERT INTO accounts (name, credits, "
                     "rate_limit_per_minute, created_us) VALUES (?1, 0, ?2, "
                     "?3) ON CONFLICT (name) DO NOTHING",
                     name, rate_limit.value_or(kDefaultRateLimit), now));
        if (rate_limit) {
          PB_RETURN_IF_ERROR(
              conn.Run("UPDATE accounts SET "
                       "rate_limit_per_minute = ?2 WHERE "
                       "name = ?1",
                       name, *rate_limit));
        }
        return AccountByName(conn, name);
      });
}

absl::StatusOr<Account> SqliteAccounts::GetAccount(std::string_view name) {
  return pool_->RunReturning(TxnMode::kRead, [&](Connection& conn) {
    return AccountByName(conn, name);
  });
}

absl::StatusOr<Account> SqliteAccounts::GetAccountById(int64_t id) {
  return pool_->RunReturning(
      TxnMode::kRead, [&](Connection& conn) { return AccountById(conn, id); });
}

absl::StatusOr<std::vector<Account>> SqliteAccounts::ListAccounts() {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<Account>> {
        PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                                "SELECT ", kAccountColumns,
                                                " FROM accounts ORDER BY "
                                                "name")));
        return ReadRows<Account>(stmt, ReadAccount);
      });
}

absl::StatusOr<Account> SqliteAccounts::AddCredits(std::string_view name,
                                                   int64_t delta) {
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Account> {
        PB_ASSIGN_OR_RETURN(Account out, AccountByName(conn, name));
        PB_ASSIGN_OR_RETURN(const int64_t balance,
                            AddToBalance(out.credits, delta));
        PB_RETURN_IF_ERROR(
            conn.Run("UPDATE accounts SET credits = credits + ?2 WHERE id = "
                     "?1",
                     out.id, delta));
        out.credits = balance;
        return out;
      });
}

absl::StatusOr<Token> SqliteAccounts::InsertToken(const Token& token) {
  if (token.hash_hex.empty()) {
    return absl::InvalidArgumentError("token hash is empty");
  }
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_ips, "allow_ips"));
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_domains, "allow_domains"));
  const absl::Time now = options_.clock->Now();
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Token> {
        // Checked here rather than left to the foreign key so that the caller
        // gets NotFound, not a generic constraint error.
        PB_RETURN_IF_ERROR(AccountById(conn, token.account_id).status());
        if (absl::Status s = conn.Run(
                "INSERT INTO tokens (account_id, hash_hex, "
                "display_prefix, products, disabled, allow_ips, "
                "allow_domains, created_us) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8)",
                token.account_id, token.hash_hex, token.display_prefix,
                token.products, token.disabled ? 1 : 0,
                JoinLines(token.allow_ips), JoinLines(token.allow_domains),
                now);
            !s.ok()) {
          if (absl::IsAlreadyExists(s)) {
            return absl::AlreadyExistsError("a token with this hash exists");
          }
          return s;
        }
        PB_ASSIGN_OR_RETURN(Statement rowid,
                            conn.Prepare("SELECT last_insert_rowid()"));
        PB_RETURN_IF_ERROR(rowid.StepToRow(absl::StatusCode::kInternal,
                                           "token id not available"));
        const int64_t id = rowid.Int64(0);
        return TokenById(conn, id);
      });
}

absl::StatusOr<Token> SqliteAccounts::FindTokenByHash(
    std::string_view hash_hex) {
  return pool_->RunReturning(TxnMode::kRead, [&](Connection& conn) {
    return SelectToken(conn, "t.hash_hex = ?1",
                       [&](Statement& s) { s.BindText(1, hash_hex); });
  });
}

absl::Status SqliteAccounts::SetTokenDisabled(std::string_view hash_or_prefix,
                                              bool disabled) {
  if (hash_or_prefix.empty()) return absl::NotFoundError("no such token");
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    // The full hash first; a display prefix only when no hash matches.
    PB_ASSIGN_OR_RETURN(
        Statement find,
        conn.Prepare("SELECT id FROM tokens WHERE hash_hex = ?1 UNION ALL "
                     "SELECT id FROM (SELECT id FROM tokens WHERE "
                     "display_prefix = ?1 AND NOT EXISTS (SELECT 1 FROM "
                     "tokens WHERE hash_hex = ?1) LIMIT 2)"));
    find.BindText(1, hash_or_prefix);
    PB_ASSIGN_OR_RETURN(std::vector<int64_t> ids,
                        ReadRows<int64_t>(find, FirstColumnInt64));
    if (ids.empty()) return absl::NotFoundError("no such token");
    if (ids.size() > 1) {
      return absl::FailedPreconditionError(
          "the prefix matches more than one token; give the full hash");
    }
    return conn.Run("UPDATE tokens SET disabled = ?2 WHERE id = ?1",
                    ids.front(), disabled ? 1 : 0);
  });
}

absl::StatusOr<std::vector<Token>> SqliteAccounts::ListTokens() {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<Token>> {
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare(absl::StrCat("SELECT ", kTokenColumns, " FROM ",
                                      kTokenFrom, " ORDER BY t.id")));
        return ReadRows<Token>(stmt, ReadToken);
      });
}

absl::StatusOr<int64_t> SqliteAccounts::ChargeCredits(int64_t account_id,
                                                      int64_t amount) {
  if (amount <= 0) {
    return absl::InvalidArgumentError("a charge must be at least one credit");
  }
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<int64_t> {
        // The balance check is part of the update, so two concurrent calls
        // can never both spend the last credit; BEGIN IMMEDIATE (kWrite)
        // makes the read of the new balance below part of the same snapshot.
        PB_RETURN_IF_ERROR(
            conn.Run("UPDATE accounts SET credits = credits - ?2 "
                     "WHERE id = ?1 AND credits >= ?2",
                     account_id, amount));
        const bool charged = conn.changes() == 1;
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT credits FROM accounts WHERE id = ?1"));
        PB_RETURN_IF_ERROR(
            select.Bind(1, account_id).StepToRow("no such account"));
        const int64_t balance = select.Int64(0);
        if (!charged) return ChargeExceedsBalanceError(balance, amount);
        return balance;
      });
}

}  // namespace phonebulk::store::sqlite
