#include "store/sqlite/migrations.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/status_macros.h"

namespace phonebulk::store::sqlite {

absl::Status ApplyMigrations(Connection& conn,
                             std::span<const Migration> migrations,
                             absl::Time now) {
  // The bookkeeping table is the one piece of schema not in a .sql file: it
  // has to exist before the first file can be recorded.
  PB_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL,"
                " applied_us INTEGER NOT NULL)"));

  std::set<int64_t> applied;
  {
    PB_ASSIGN_OR_RETURN(Statement select,
                        conn.Prepare("SELECT version FROM schema_migrations"));
    while (true) {
      PB_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      applied.insert(select.Int64(0));
    }
  }
  std::set<int64_t> known;
  for (const Migration& m : migrations) known.insert(m.version);
  for (int64_t version : applied) {
    if (!known.contains(version)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "the database has schema version ", version,
          " which this build does not know; it was migrated by a newer "
          "build"));
    }
  }

  for (const Migration& m : migrations) {
    if (applied.contains(m.version)) continue;
    // DDL is transactional in SQLite: a failing file leaves nothing behind.
    if (absl::Status s = conn.Exec(m.sql); !s.ok()) {
      return absl::Status(s.code(), absl::StrCat("migration ", m.name,
                                                 " failed: ", s.message()));
    }
    PB_ASSIGN_OR_RETURN(
        Statement record,
        conn.Prepare("INSERT INTO schema_migrations (version, name, "
                     "applied_us) VALUES (?1, ?2, ?3)"));
    record.Bind(1, m.version).BindText(2, m.name).BindTime(3, now);
    PB_RETURN_IF_ERROR(record.Run());
  }
  return absl::OkStatus();
}

}  // namespace phonebulk::store::sqlite
