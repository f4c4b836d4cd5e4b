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
  const int fd =
      ::open(path.c_str(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
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
        return conn.Run(
            "INSERT INTO storage_probe (id, at_us) VALUES (1, ?1) "
            "ON CONFLICT (id) DO UPDATE SET at_us = excluded.at_us",
            now);
      });
  if (!s.ok() && !IsStorageLost(s)) {
    // Whatever broke (full disk, read-only file, I/O error), the storage
    // cannot take writes: say so, keeping the cause (never a path).
    return StorageLostError(
        absl::StrCat("the database cannot take a write: ", s.message()));
  }
  return s;
}

absl::StatusOr<int> PurgeBefore(ConnectionPool& pool, const char* delete_sql,
                                absl::Time cutoff) {
  return pool.RunReturning(TxnMode::kWrite,
                           [&](Connection& conn) -> absl::StatusOr<int> {
                             PB_RETURN_IF_ERROR(conn.Run(delete_sql, cutoff));
                             return static_cast<int>(conn.changes());
                           });
}

}  // namespace phonebulk::store::sqlite
