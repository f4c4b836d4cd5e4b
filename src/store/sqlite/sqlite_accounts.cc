// The accounts role: accounts, credits, tokens and (on a shared database)
// request counts.

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <limits>
#include <system_error>

#include "absl/strings/str_cat.h"
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
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError("no such account");
  return ReadAccount(stmt);
}

absl::StatusOr<Account> AccountByName(Connection& conn, std::string_view name) {
  return SelectAccount(conn, "name = ?1",
                       [&](Statement& s) { s.BindText(1, name); });
}

absl::StatusOr<Account> AccountById(Connection& conn, int64_t id) {
  return SelectAccount(conn, "id = ?1", [&](Statement& s) { s.Bind(1, id); });
}

absl::StatusOr<Token> TokenById(Connection& conn, int64_t id) {
  PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                          "SELECT ", kTokenColumns, " FROM ",
                                          kTokenFrom, " WHERE t.id = ?1")));
  stmt.Bind(1, id);
  PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
  if (!row) return absl::NotFoundError("no such token");
  return ReadToken(stmt);
}

// Newlines separate stored list items, so an item must not contain one.
absl::Status CheckListItems(const std::vector<std::string>& items,
                            const char* what) {
  for (const std::string& item : items) {
    if (item.empty() || item.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(what, " entries must be non-empty single lines"));
    }
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Account> SqliteAccounts::EnsureAccount(
    std::string_view name, std::optional<int> rate_limit) {
  if (name.empty()) return absl::InvalidArgumentError("empty account name");
  if (rate_limit && *rate_limit <= 0) {
    return absl::InvalidArgumentError("rate limit must be positive");
  }
  const absl::Time now = options_.clock->Now();
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(
            Statement insert,
            conn.Prepare(
                "INSERT INTO accounts (name, credits, "
                "rate_limit_per_minute, created_us) VALUES (?1, 0, ?2, "
                "?3) ON CONFLICT (name) DO NOTHING"));
        insert.BindText(1, name)
            .Bind(2, rate_limit.value_or(kDefaultRateLimit))
            .BindTime(3, now);
        PB_RETURN_IF_ERROR(insert.Run());
        if (rate_limit) {
          PB_ASSIGN_OR_RETURN(Statement update,
                              conn.Prepare("UPDATE accounts SET "
                                           "rate_limit_per_minute = ?2 WHERE "
                                           "name = ?1"));
          update.BindText(1, name).Bind(2, *rate_limit);
          PB_RETURN_IF_ERROR(update.Run());
        }
        PB_ASSIGN_OR_RETURN(out, AccountByName(conn, name));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Account> SqliteAccounts::GetAccount(std::string_view name) {
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(out, AccountByName(conn, name));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Account> SqliteAccounts::GetAccountById(int64_t id) {
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(out, AccountById(conn, id));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Account>> SqliteAccounts::ListAccounts() {
  std::vector<Account> out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        out.clear();
        PB_ASSIGN_OR_RETURN(Statement stmt, conn.Prepare(absl::StrCat(
                                                "SELECT ", kAccountColumns,
                                                " FROM accounts ORDER BY "
                                                "name")));
        while (true) {
          PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (!row) break;
          out.push_back(ReadAccount(stmt));
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Account> SqliteAccounts::AddCredits(std::string_view name,
                                                   int64_t delta) {
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(out, AccountByName(conn, name));
        // Checked arithmetic: at INT64_MAX a wrapped sum once read as a
        // negative balance ("cannot take -1 credits").
        int64_t balance = 0;
        if (__builtin_add_overflow(out.credits, delta, &balance)) {
          return absl::OutOfRangeError(absl::StrCat(
              "cannot add ", delta, " credits: the balance is ", out.credits,
              " and may not exceed ", std::numeric_limits<int64_t>::max()));
        }
        if (balance < 0) {
          // 0 - delta as unsigned: also right for INT64_MIN.
          return absl::FailedPreconditionError(absl::StrCat(
              "cannot take ", uint64_t{0} - static_cast<uint64_t>(delta),
              " credits: the balance is ", out.credits));
        }
        PB_ASSIGN_OR_RETURN(
            Statement update,
            conn.Prepare(
                "UPDATE accounts SET credits = credits + ?2 WHERE id = "
                "?1"));
        update.Bind(1, out.id).Bind(2, delta);
        PB_RETURN_IF_ERROR(update.Run());
        out.credits += delta;
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Token> SqliteAccounts::InsertToken(const Token& token) {
  if (token.hash_hex.empty()) {
    return absl::InvalidArgumentError("token hash is empty");
  }
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_ips, "allow_ips"));
  PB_RETURN_IF_ERROR(CheckListItems(token.allow_domains, "allow_domains"));
  const absl::Time now = options_.clock->Now();
  Token out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        // Checked here rather than left to the foreign key so that the caller
        // gets NotFound, not a generic constraint error.
        PB_RETURN_IF_ERROR(AccountById(conn, token.account_id).status());
        PB_ASSIGN_OR_RETURN(
            Statement insert,
            conn.Prepare(
                "INSERT INTO tokens (account_id, hash_hex, "
                "display_prefix, products, disabled, allow_ips, "
                "allow_domains, created_us) VALUES (?1, ?2, ?3, ?4, ?5, "
                "?6, ?7, ?8)"));
        insert.Bind(1, token.account_id)
            .BindText(2, token.hash_hex)
            .BindText(3, token.display_prefix)
            .Bind(4, token.products)
            .Bind(5, token.disabled ? 1 : 0)
            .BindText(6, JoinLines(token.allow_ips))
            .BindText(7, JoinLines(token.allow_domains))
            .BindTime(8, now);
        if (absl::Status s = insert.Run(); !s.ok()) {
          if (absl::IsAlreadyExists(s)) {
            return absl::AlreadyExistsError("a token with this hash exists");
          }
          return s;
        }
        PB_ASSIGN_OR_RETURN(Statement rowid,
                            conn.Prepare("SELECT last_insert_rowid()"));
        PB_ASSIGN_OR_RETURN(bool row, rowid.Step());
        if (!row) return absl::InternalError("token id not available");
        const int64_t id = rowid.Int64(0);
        PB_ASSIGN_OR_RETURN(out, TokenById(conn, id));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Token> SqliteAccounts::FindTokenByHash(
    std::string_view hash_hex) {
  Token out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare(absl::StrCat("SELECT ", kTokenColumns, " FROM ",
                                      kTokenFrom, " WHERE t.hash_hex = ?1")));
        stmt.BindText(1, hash_hex);
        PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
        if (!row) return absl::NotFoundError("no such token");
        out = ReadToken(stmt);
        return absl::OkStatus();
      }));
  return out;
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
    std::vector<int64_t> ids;
    while (true) {
      PB_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) break;
      ids.push_back(find.Int64(0));
    }
    if (ids.empty()) return absl::NotFoundError("no such token");
    if (ids.size() > 1) {
      return absl::FailedPreconditionError(
          "the prefix matches more than one token; give the full hash");
    }
    PB_ASSIGN_OR_RETURN(
        Statement update,
        conn.Prepare("UPDATE tokens SET disabled = ?2 WHERE id = ?1"));
    update.Bind(1, ids.front()).Bind(2, disabled ? 1 : 0);
    return update.Run();
  });
}

absl::StatusOr<std::vector<Token>> SqliteAccounts::ListTokens() {
  std::vector<Token> out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        out.clear();
        PB_ASSIGN_OR_RETURN(
            Statement stmt,
            conn.Prepare(absl::StrCat("SELECT ", kTokenColumns, " FROM ",
                                      kTokenFrom, " ORDER BY t.id")));
        while (true) {
          PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
          if (!row) break;
          out.push_back(ReadToken(stmt));
        }
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<int64_t> SqliteAccounts::ChargeCredits(int64_t account_id,
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

}  // namespace phonebulk::store::sqlite
