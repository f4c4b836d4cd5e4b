#include <set>
#include <vector>

#include "store/migrations.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/pg_rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

// Any fixed number, the same in every build: "pbmg" in ASCII.
constexpr int64_t kMigrationLockKey = 0x70626d67;

}  // namespace

absl::StatusOr<std::set<int64_t>> AppliedMigrations(Connection& conn) {
  PB_ASSIGN_OR_RETURN(Result rows,
                      conn.Query("SELECT version FROM schema_migrations"));
  PB_ASSIGN_OR_RETURN(std::vector<int64_t> versions,
                      ReadRows<int64_t>(rows, FirstColumnInt64));
  return std::set<int64_t>(versions.begin(), versions.end());
}

absl::Status ApplyMigrations(Connection& conn,
                             std::span<const Migration> migrations,
                             absl::Time now) {
  PB_RETURN_IF_ERROR(conn.Query("SELECT pg_advisory_xact_lock($1)",
                                Params().Int(kMigrationLockKey))
                         .status());
  // The bookkeeping table is the one piece of schema not in a .sql file: it
  // has to exist before the first file can be recorded.
  PB_RETURN_IF_ERROR(
      conn.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version BIGINT PRIMARY KEY,"
                " name TEXT NOT NULL,"
                " applied_us BIGINT NOT NULL)"));

  PB_ASSIGN_OR_RETURN(const std::set<int64_t> applied, AppliedMigrations(conn));
  return RunPendingMigrations(
      migrations, applied, [&](const char* sql) { return conn.Exec(sql); },
      [&](const Migration& m) {
        return conn
            .Query(
                "INSERT INTO schema_migrations (version, name, applied_us) "
                "VALUES ($1, $2, $3)",
                Params().Int(m.version).Text(m.name).Time(now))
            .status();
      });
}

}  // namespace phonebulk::store::postgres
