// Number portability facts on PostgreSQL (sql/postgres/003_porting.sql):
// streaming imports, merged in place or replaced through a staging table,
// and batched lookups.

#include <algorithm>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "common/crypto.h"
#include "store/backend_shared.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

constexpr char kPortingTable[] = "porting";
// Staging tables are named kStagingPrefix + random hex (never anything a
// caller supplies, so the names can go into DDL text); a replace import that
// finishes drops every other one (see Swap()).
constexpr char kStagingPrefix[] = "porting_staging_";

// Distinct numbers per lookup query (one array parameter each).
constexpr int kLookupChunk = 2'000;

// "{1,NULL,3}": a bigint[] literal of optional microsecond times.
std::string TimeArrayLiteral(const std::vector<PortingRecord>& rows) {
  std::string out = "{";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (i > 0) out += ',';
    out += rows[i].ported_date
               ? absl::StrCat(absl::ToUnixMicros(*rows[i].ported_date))
               : "NULL";
  }
  out += '}';
  return out;
}

absl::StatusOr<bool> TableExists(Connection& conn, std::string_view name) {
  PB_ASSIGN_OR_RETURN(
      Result found,
      conn.Query("SELECT to_regclass($1) IS NOT NULL", Params().Text(name)));
  return found.Bool(0, 0);
}

// Writes the rows given to Add() through `pool`, straight to the porting
// table (merge) or to `table_`, a staging copy that Finish() renames over
// the porting table (replace).
class PgPortingImporter final : public BufferedPortingImporter {
 public:
  PgPortingImporter(ConnectionPool* pool, std::string table, bool replace)
      : BufferedPortingImporter(replace),
        pool_(pool),
        table_(std::move(table)),
        upsert_sql_(absl::StrCat(
            "INSERT INTO ", table_,
            " (number, operator_name, mccmnc, ported_date_us) SELECT * FROM "
            "unnest($1::text[], $2::text[], $3::text[], $4::bigint[]) ON "
            "CONFLICT (number) DO UPDATE SET operator_name = "
            "excluded.operator_name, mccmnc = excluded.mccmnc, "
            "ported_date_us = excluded.ported_date_us")) {}

  ~PgPortingImporter() override {
    if (!replace() || finished()) return;
    // Best effort: a staging table left behind is never read, and the next
    // replace import to finish drops it.
    const std::string drop = absl::StrCat("DROP TABLE IF EXISTS ", table_);
    pool_->Run([&](Connection& conn) { return conn.Exec(drop); }).IgnoreError();
  }

 private:
  // Writes and clears pending() in one transaction, one statement.
  absl::Status Flush() override {
    std::vector<PortingRecord>& buffered = pending();
    if (buffered.empty()) return absl::OkStatus();
    // One INSERT ... ON CONFLICT may not touch a row twice: keep the last
    // row of each number (stable_sort keeps file order among duplicates).
    std::stable_sort(buffered.begin(), buffered.end(),
                     [](const PortingRecord& a, const PortingRecord& b) {
                       return a.number < b.number;
                     });
    std::vector<PortingRecord> rows;
    rows.reserve(buffered.size());
    for (size_t i = 0; i < buffered.size(); ++i) {
      if (i + 1 < buffered.size() &&
          buffered[i + 1].number == buffered[i].number) {
        continue;
      }
      rows.push_back(std::move(buffered[i]));
    }
    buffered.clear();
    std::vector<std::string> numbers, operators, networks;
    for (const PortingRecord& r : rows) {
      numbers.push_back(r.number);
      operators.push_back(r.operator_name);
      networks.push_back(r.mccmnc);
    }
    const Params params = Params()
                              .Text(ArrayLiteral(numbers))
                              .Text(ArrayLiteral(operators))
                              .Text(ArrayLiteral(networks))
                              .Text(TimeArrayLiteral(rows));
    return pool_->Run([&](Connection& conn) -> absl::Status {
      if (replace()) PB_RETURN_IF_ERROR(CheckStagingTable(conn));
      return conn.Query(upsert_sql_, params).status();
    });
  }

  // Replaces the porting table by the staging table in one transaction:
  // DROP takes the table's exclusive lock, so a lookup sees the old table
  // or, after the commit, the new one whole.
  absl::Status Swap() override {
    return pool_->Run([&](Connection& conn) -> absl::Status {
      PB_RETURN_IF_ERROR(CheckStagingTable(conn));
      PB_RETURN_IF_ERROR(conn.Exec(absl::StrCat("DROP TABLE ", kPortingTable)));
      PB_RETURN_IF_ERROR(conn.Exec(
          absl::StrCat("ALTER TABLE ", table_, " RENAME TO ", kPortingTable)));
      // Other staging tables belong to crashed imports or to replace imports
      // still running, which lose: their next write finds their table gone.
      PB_ASSIGN_OR_RETURN(
          Result stale,
          conn.Query("SELECT tablename FROM pg_tables WHERE schemaname = "
                     "current_schema() AND starts_with(tablename, $1)",
                     Params().Text(kStagingPrefix)));
      PB_ASSIGN_OR_RETURN(const std::vector<std::string> names,
                          ReadRows<std::string>(stale, FirstColumnText));
      for (const std::string& name : names) {
        // Only names this code made: the prefix and hex digits.
        if (name.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") !=
            std::string::npos) {
          continue;
        }
        PB_RETURN_IF_ERROR(conn.Exec(absl::StrCat("DROP TABLE ", name)));
      }
      return absl::OkStatus();
    });
  }

  absl::Status CheckStagingTable(Connection& conn) {
    PB_ASSIGN_OR_RETURN(bool exists, TableExists(conn, table_));
    if (exists) return absl::OkStatus();
    return absl::AbortedError(
        "another replace import finished while this one ran; this one was "
        "abandoned");
  }

  ConnectionPool* const pool_;  // the store's; outlives the importer
  const std::string table_;
  const std::string upsert_sql_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<PortingImporter>>
PostgresPorting::BeginPortingImport(bool replace) {
  const bool create = replace;
  const std::string table =
      replace ? absl::StrCat(kStagingPrefix, RandomHex(8)) : kPortingTable;
  PB_RETURN_IF_ERROR(pool_->Run([&](Connection& conn) -> absl::Status {
    PB_ASSIGN_OR_RETURN(bool migrated, TableExists(conn, kPortingTable));
    if (!migrated) {
      return absl::FailedPreconditionError(
          "the database has no porting table; migrate it first");
    }
    if (!create) return absl::OkStatus();
    // The copy is made from the live table, so the schema stays in
    // sql/postgres/ alone.
    return conn.Exec(absl::StrCat("CREATE TABLE ", table, " (LIKE ",
                                  kPortingTable, " INCLUDING ALL)"));
  }));
  return std::make_unique<PgPortingImporter>(pool_, table, replace);
}

absl::StatusOr<std::vector<std::optional<PortingRecord>>>
PostgresPorting::LookupPorting(std::span<const std::string> numbers) {
  const PortingLookupPlan plan(numbers);
  const std::vector<std::string_view>& distinct = plan.distinct();
  if (distinct.empty()) {
    return std::vector<std::optional<PortingRecord>>(numbers.size());
  }
  return pool_->RunReturning(
      [&](Connection& conn)
          -> absl::StatusOr<std::vector<std::optional<PortingRecord>>> {
        std::vector<std::optional<PortingRecord>> out(numbers.size());
        // One snapshot for every chunk, so a replace finishing in between
        // cannot answer half from each table.
        PB_RETURN_IF_ERROR(conn.Exec(
            "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
        // The table's lock before the snapshot. A parameterised SELECT takes
        // its snapshot at bind, before it waits for the lock a replace holds
        // while it swaps tables; it then reads the new table with a snapshot
        // older than the staging writes that filled it, and sees it half
        // full (store_porting_test's concurrent readers caught this, now and
        // then). LOCK takes no snapshot: once it returns, any swap has
        // committed, and the SELECT's snapshot sees the new table whole.
        PB_RETURN_IF_ERROR(
            conn.Exec("LOCK TABLE porting IN ACCESS SHARE MODE"));
        for (size_t start = 0; start < distinct.size(); start += kLookupChunk) {
          const size_t end = std::min(distinct.size(), start + kLookupChunk);
          std::vector<std::string> chunk(distinct.begin() + start,
                                         distinct.begin() + end);
          PB_ASSIGN_OR_RETURN(
              Result found,
              conn.Query("SELECT number, operator_name, mccmnc, ported_date_us "
                         "FROM porting WHERE number = ANY($1::text[])",
                         Params().Text(ArrayLiteral(chunk))));
          for (int i = 0; i < found.rows(); ++i) {
            PortingRecord record;
            record.number = found.Text(i, 0);
            record.operator_name = found.Text(i, 1);
            record.mccmnc = found.Text(i, 2);
            record.ported_date = found.OptionalTime(i, 3);
            plan.Place(record, out);
          }
        }
        return out;
      });
}

}  // namespace phonebulk::store::postgres
