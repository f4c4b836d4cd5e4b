#ifndef PHONEBULK_STORE_SQLITE_MIGRATIONS_H_
#define PHONEBULK_STORE_SQLITE_MIGRATIONS_H_

#include <span>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace phonebulk::store::sqlite {

class Connection;

// One schema file, sql/sqlite/NNN_name.sql, compiled into the binary.
struct Migration {
  int version;       // NNN
  const char* name;  // "NNN_name"
  const char* sql;   // the file's text
};

// The embedded migrations in ascending version order. Defined in a .cc that
// the build generates from sql/sqlite/*.sql (see embed_sql.cmake).
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

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_MIGRATIONS_H_
