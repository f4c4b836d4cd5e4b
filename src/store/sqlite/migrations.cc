#include "store/migrations.h"

#include <set>
#include <vector>

#include "store/sqlite/connection.h"
#include "store/sqlite/rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {

absl::StatusOr<std::set<int64_t>> AppliedMigrations(Connection& conn) {
  PB_ASSIGN_OR_RETURN(Statement select,
                      conn.Prepare("SELECT version FROM schema_migrations"));
  PB_ASSIGN_OR_RETURN(std::vector<int64_t> versions,
                      ReadRows<int64_t>(select, FirstColumnInt64));
  return std::set<int64_t>(versions.begin(), versions.end());
}

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

  PB_ASSIGN_OR_RETURN(const std::set<int64_t> applied, AppliedMigrations(conn));
  return RunPendingMigrations(
      migrations, applied, [&](const char* sql) { return conn.Exec(sql); },
      [&](const Migration& m) {
        return conn.Run(
            "INSERT INTO schema_migrations (version, name, "
            "applied_us) VALUES (?1, ?2, ?3)",
            m.version, m.name, now);
      });
}

}  // namespace phonebulk::store::sqlite
