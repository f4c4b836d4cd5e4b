#ifndef PHONEBULK_STORE_POSTGRES_PG_MIGRATIONS_H_
#define PHONEBULK_STORE_POSTGRES_PG_MIGRATIONS_H_

#include <span>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace phonebulk::store::postgres {

class Connection;

// One schema file, sql/postgres/NNN_name.sql, compiled into the binary.
struct Migration {
  int version;       // NNN
  const char* name;  // "NNN_name"
  const char* sql;   // the file's text
};

// The embedded migrations in ascending version order. Defined in a .cc that
// the build generates from sql/postgres/*.sql (see embed_sql.cmake).
std::span<const Migration> EmbeddedMigrations();

// Applies the migrations of `migrations` that schema_migrations does not list
// yet, in order, inside the caller's transaction on `conn`. Takes a
// transaction-scoped advisory lock first, so nodes starting together migrate
// one after the other and the later ones find nothing to do. DDL is
// transactional in PostgreSQL: a failing file leaves nothing behind.
// FailedPrecondition when the database records a version this binary does
// not know (it was migrated by a newer build).
absl::Status ApplyMigrations(Connection& conn,
                             std::span<const Migration> migrations,
                             absl::Time now);

}  // namespace phonebulk::store::postgres

#endif  // PHONEBULK_STORE_POSTGRES_PG_MIGRATIONS_H_
