#include "store/postgres/postgres_store.h"

#include <cstdint>
#include <limits>

#include "absl/strings/str_cat.h"
#include "store/migrations.h"
#include "store/postgres/pg_rows.h"
#include "store/sqlite/rows.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {

absl::StatusOr<std::unique_ptr<Store>> OpenPostgresStore(
    const std::string& url, PostgresStoreOptions options) {
  char* error = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(url.c_str(), &error);
  if (parsed == nullptr) {
    std::string why = error != nullptr ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    return absl::InvalidArgumentError(
        absl::StrCat("bad PostgreSQL URL: ", why));
  }
  PQconninfoFree(parsed);
  PoolOptions pool;
  pool.url = url;
  pool.max_open = std::max(1, options.max_connections);
  pool.max_idle = std::min(pool.max_idle, pool.max_open);
  return std::make_unique<PostgresStore>(
      std::make_unique<ConnectionPool>(std::move(pool)), options);
}

absl::Status PostgresStore::Migrate() {
  const absl::Time now = options_.clock->Now();
  return pool_->Run([&](Connection& conn) {
    return ApplyMigrations(conn, EmbeddedMigrations(), now);
  });
}

absl::Status PostgresStore::Ping() {
  const absl::Time now = options_.clock->Now();
  return pool_->Run([&](Connection& conn) -> absl::Status {
    // A committed write proves more than a read (a server in recovery or
    // out of disk still answers SELECT). Before migration 004 there is no
    // probe table: reading is all we can prove.
    PB_ASSIGN_OR_RETURN(
        Result has_table,
        conn.Query("SELECT to_regclass('storage_probe') IS NOT NULL"));
    if (!has_table.Bool(0, 0)) return absl::OkStatus();
    return conn
        .Query(
            "INSERT INTO storage_probe (id, at_us) VALUES (1, $1) ON "
            "CONFLICT (id) DO UPDATE SET at_us = excluded.at_us",
            Params().Time(now))
        .status();
  });
}

absl::StatusOr<int> PurgeBefore(ConnectionPool& pool, const char* delete_sql,
                                absl::Time cutoff) {
  return pool.RunReturning([&](Connection& conn) -> absl::StatusOr<int> {
    PB_ASSIGN_OR_RETURN(int64_t purged,
                        conn.QueryAffected(delete_sql, Params().Time(cutoff)));
    return static_cast<int>(purged);
  });
}

}  // namespace phonebulk::store::postgres
