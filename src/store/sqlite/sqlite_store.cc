#include "store/sqlite/sqlite_store.h"

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

namespace {

// Creates the missing directories of `dir` one by one, 0700: they will hold
// phone numbers. Existing ones keep their mode.
absl::Status CreatePrivateDirectories(const std::filesystem::path& dir) {
  std::filesystem::path partial;
  for (const std::filesystem::path& part : dir) {
    partial /= part;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      return absl::UnavailableError(absl::StrCat(
          "cannot create the database directory: ", std::strerror(errno)));
    }
  }
  return absl::OkStatus();
}

// Creates `path` as an empty file readable by its owner only (an empty file
// is a valid SQLite database; SQLite gives its -wal and -shm files the same
// mode). O_EXCL: a file that appeared meanwhile is opened, not truncated.
absl::Status CreatePrivateFile(const std::string& path) {
  const int fd = ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC,
                        0600);
  if (fd < 0 && errno != EEXIST) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create the database file: ", std::strerror(errno)));
  }
  if (fd >= 0) ::close(fd);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> OpenSqliteStore(
    const std::string& path, SqliteStoreOptions options) {
  if (path.empty()) return absl::InvalidArgumentError("empty database path");
  std::error_code ec;
  if (!std::filesystem::exists(path, ec)) {
    if (options.read_only) {
      return absl::FailedPreconditionError("no database exists there");
    }
    if (!options.create_if_missing) {
      return absl::FailedPreconditionError(
          "no database exists there; give --create to create a new, empty "
          "one (a database that vanished is never recreated silently)");
    }
    const std::filesystem::path parent =
        std::filesystem::path(path).parent_path();
    if (!parent.empty()) PB_RETURN_IF_ERROR(CreatePrivateDirectories(parent));
    PB_RETURN_IF_ERROR(CreatePrivateFile(path));
  }
  PB_ASSIGN_OR_RETURN(std::shared_ptr<const StorageGuard> guard,
                      StorageGuard::Watch(path));
  PoolOptions pool_options;
  pool_options.path = path;
  pool_options.busy_timeout = options.busy_timeout;
  pool_options.read_only = options.read_only;
  pool_options.precheck = [guard] { return guard->CheckIdentity(); };
  PB_ASSIGN_OR_RETURN(std::unique_ptr<ConnectionPool> pool,
                      ConnectionPool::Create(std::move(pool_options)));
  return std::make_unique<SqliteStore>(std::move(pool), options,
                                       std::move(guard));
}

absl::Status SqliteStore::Migrate() {
  const absl::Time now = options_.clock->Now();
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) {
    return ApplyMigrations(conn, EmbeddedMigrations(), now);
  });
}

absl::Status SqliteStore::Ping() {
  if (guard_ != nullptr) PB_RETURN_IF_ERROR(guard_->CheckAll());
  const absl::Time now = options_.clock->Now();
  absl::Status s =
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        // Before migration 004 there is no probe table: reading is all we
        // can prove.
        PB_ASSIGN_OR_RETURN(
            Statement has_table,
            conn.Prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' "
                         "AND name = 'storage_probe'"));
        PB_ASSIGN_OR_RETURN(bool migrated, has_table.Step());
        if (!migrated) return absl::OkStatus();
        PB_ASSIGN_OR_RETURN(
            Statement probe,
            conn.Prepare("INSERT INTO storage_probe (id, at_us) VALUES (1, ?1) "
                         "ON CONFLICT (id) DO UPDATE SET at_us = "
                         "excluded.at_us"));
        probe.BindTime(1, now);
        return probe.Run();
      });
  if (!s.ok() && !IsStorageLost(s)) {
    // Whatever broke (full disk, read-only file, I/O error), the storage
    // cannot take writes: say so, keeping the cause (never a path).
    return StorageLostError(
        absl::StrCat("the database cannot take a write: ", s.message()));
  }
  return s;
}

// ---- Accounts ----

absl::StatusOr<Account> SqliteStore::EnsureAccount(
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

absl::StatusOr<Account> SqliteStore::GetAccount(std::string_view name) {
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(out, AccountByName(conn, name));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<Account> SqliteStore::GetAccountById(int64_t id) {
  Account out;
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
        PB_ASSIGN_OR_RETURN(out, AccountById(conn, id));
        return absl::OkStatus();
      }));
  return out;
}

absl::StatusOr<std::vector<Account>> SqliteStore::ListAccounts() {
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

absl::StatusOr<Account> SqliteStore::AddCredits(std::string_view name,
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

// ---- Tokens ----

absl::StatusOr<Token> SqliteStore::InsertToken(const Token& token) {
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

absl::StatusOr<Token> SqliteStore::FindTokenByHash(std::string_view hash_hex) {
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

absl::Status SqliteStore::SetTokenDisabled(std::string_view hash_or_prefix,
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

absl::StatusOr<std::vector<Token>> SqliteStore::ListTokens() {
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

}  // namespace phonebulk::store::sqlite
