#ifndef PHONEBULK_STORE_MIGRATIONS_H_
#define PHONEBULK_STORE_MIGRATIONS_H_

// Schema migrations, declared once for both backends: the embedded files,
// the rules for which of them run (RunPendingMigrations), and each backend's
// ApplyMigrations, which brings its own SQL, bookkeeping table and locking
// (store/sqlite/migrations.cc, store/postgres/pg_migrations.cc).

#include <cstdint>
#include <set>
#include <span>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::store {

// One schema file, sql/<backend>/NNN_name.sql, compiled into the binary by
// src/store/embed_sql.cmake.
struct Migration {
  int version;       // NNN
  const char* name;  // "NNN_name"
  const char* sql;   // the file's text
};

// Runs, in order, each of `migrations` whose version `applied` (the versions
// the database records) does not hold: `exec` runs its SQL, then `record`
// notes it as applied. FailedPrecondition, before running anything, when
// `applied` holds a version this binary does not know (the database was
// migrated by a newer build). A failing `exec` is reported with the file's
// name.
absl::Status RunPendingMigrations(
    std::span<const Migration> migrations, const std::set<int64_t>& applied,
    absl::FunctionRef<absl::Status(const char* sql)> exec,
    absl::FunctionRef<absl::Status(const Migration& m)> record);

// OK when `applied` holds exactly the versions of `migrations`: the
// database is on this build's schema (what `store copy` needs on both
// sides). FailedPrecondition otherwise, saying whether it is newer or older.
absl::Status CheckSchemaIsCurrent(std::span<const Migration> migrations,
                                  const std::set<int64_t>& applied);

// Each backend's EmbeddedMigrations() is defined in a .cc that the build
// generates from sql/<backend>/*.sql (phonebulk_embed_sql in
// CMakeLists.txt); it lists the files in ascending version order.

namespace sqlite {

class Connection;

std::span<const Migration> EmbeddedMigrations();

// Applies the migrations of `migrations` that schema_migrations does not list
// yet, in order, inside the caller's write transaction on `conn` (which must
// be BEGIN IMMEDIATE so that two processes migrating at once serialise and the
// second sees the first one's work). FailedPrecondition when the database
// records a version this binary does not know (it was migrated by a newer
// build).
absl::Status ApplyMigrations(Connection& conn,
                             std::span<const Migration> migrations,
                             absl::Time now);

// The versions schema_migrations lists, which must exist.
absl::StatusOr<std::set<int64_t>> AppliedMigrations(Connection& conn);

}  // namespace sqlite

namespace postgres {

class Connection;

std::span<const Migration> EmbeddedMigrations();

// As sqlite::ApplyMigrations, inside the caller's transaction on `conn`.
// Takes a transaction-scoped advisory lock first, so nodes starting together
// migrate one after the other and the later ones find nothing to do.
absl::Status ApplyMigrations(Connection& conn,
                             std::span<const Migration> migrations,
                             absl::Time now);

// As sqlite::AppliedMigrations.
absl::StatusOr<std::set<int64_t>> AppliedMigrations(Connection& conn);

}  // namespace postgres
}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_MIGRATIONS_H_
