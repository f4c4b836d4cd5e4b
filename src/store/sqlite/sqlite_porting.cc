// Number portability facts (sql/sqlite/003_porting.sql): streaming imports,
// merged in place or replaced through a staging table, and batched lookups.

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
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {
namespace {

constexpr char kPortingTable[] = "porting";
// Staging tables are named kStagingPrefix + random hex; a replace import
// that finishes drops every other one (see Swap()).
constexpr char kStagingPrefix[] = "porting_staging_";

// Numbers per lookup query. Every query binds exactly this many parameters
// (unused ones NULL, which IN never matches) so that one cached prepared
// statement serves every chunk.
constexpr int kLookupChunk = 256;

std::string UpsertSql(std::string_view table) {
  return absl::StrCat(
      "INSERT INTO ", std::string(table),
      " (number, operator_name, mccmnc, ported_date_us) VALUES (?1, ?2, ?3, "
      "?4) ON CONFLICT (number) DO UPDATE SET operator_name = "
      "excluded.operator_name, mccmnc = excluded.mccmnc, ported_date_us = "
      "excluded.ported_date_us");
}

const std::string& LookupSql() {
  static const std::string* const kSql = [] {
    std::string sql =
        "SELECT number, operator_name, mccmnc, ported_date_us FROM porting "
        "WHERE number IN (";
    for (int i = 1; i <= kLookupChunk; ++i) {
      absl::StrAppend(&sql, i == 1 ? "?" : ", ?", i);
    }
    sql += ")";
    return new std::string(std::move(sql));
  }();
  return *kSql;
}

absl::StatusOr<bool> TableExists(Connection& conn, std::string_view name) {
  PB_ASSIGN_OR_RETURN(Statement select,
                      conn.Prepare("SELECT 1 FROM sqlite_schema WHERE type = "
                                   "'table' AND name = ?1"));
  select.BindText(1, name);
  return select.Step();
}

// Writes the rows given to Add() through `pool`. In merge mode they go
// straight to the porting table; in replace mode to `table_`, a staging copy
// made by BeginPortingImport, which Finish() renames over the porting table.
class SqlitePortingImporter final : public BufferedPortingImporter {
 public:
  SqlitePortingImporter(ConnectionPool* pool, std::string table, bool replace)
      : BufferedPortingImporter(replace),
        pool_(pool),
        table_(std::move(table)),
        upsert_sql_(UpsertSql(table_)) {}

  ~SqlitePortingImporter() override {
    if (!replace() || finished()) return;
    // Best effort: a staging table left behind (a crash gets here never) is
    // never read, and the next replace import to finish drops it.
    const std::string drop = absl::StrCat("DROP TABLE IF EXISTS ", table_);
    pool_
        ->Run(TxnMode::kWrite,
              [&](Connection& conn) { return conn.Exec(drop.c_str()); })
        .IgnoreError();
  }

 private:
  // Writes and clears pending() in one transaction.
  absl::Status Flush() override {
    std::vector<PortingRecord>& buffered = pending();
    if (buffered.empty()) return absl::OkStatus();
    // Key order keeps consecutive inserts on the same b-tree pages, which
    // matters once the table outgrows the page cache. stable_sort keeps
    // duplicates in file order, so the last row for a number still wins.
    std::stable_sort(buffered.begin(), buffered.end(),
                     [](const PortingRecord& a, const PortingRecord& b) {
                       return a.number < b.number;
                     });
    absl::Status status =
        pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
          if (replace()) PB_RETURN_IF_ERROR(CheckStagingTable(conn));
          PB_ASSIGN_OR_RETURN(Statement upsert, conn.Prepare(upsert_sql_));
          for (const PortingRecord& r : buffered) {
            upsert.BindText(1, r.number)
                .BindText(2, r.operator_name)
                .BindText(3, r.mccmnc)
                .BindOptionalTime(4, r.ported_date);
            PB_RETURN_IF_ERROR(upsert.Run());
          }
          return absl::OkStatus();
        });
    buffered.clear();
    return status;
  }

  // Replaces the porting table by the staging table in one transaction:
  // readers in WAL mode keep their snapshot of the old table until they end
  // their transaction, and later ones see the new table whole.
  absl::Status Swap() override {
    return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
      PB_RETURN_IF_ERROR(CheckStagingTable(conn));
      PB_RETURN_IF_ERROR(
          conn.Exec(absl::StrCat("DROP TABLE ", kPortingTable).c_str()));
      PB_RETURN_IF_ERROR(conn.Exec(
          absl::StrCat("ALTER TABLE ", table_, " RENAME TO ", kPortingTable)
              .c_str()));
      // Other staging tables belong to crashed imports or to replace
      // imports still running, which lose: their next write finds their
      // table gone and fails (CheckStagingTable).
      std::vector<std::string> stale;
      {
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT name FROM sqlite_schema WHERE type = 'table' "
                         "AND substr(name, 1, length(?1)) = ?1"));
        select.BindText(1, kStagingPrefix);
        PB_ASSIGN_OR_RETURN(stale,
                            ReadRows<std::string>(select, FirstColumnText));
      }
      for (const std::string& name : stale) {
        PB_RETURN_IF_ERROR(
            conn.Exec(absl::StrCat("DROP TABLE ", name).c_str()));
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
SqlitePorting::BeginPortingImport(bool replace) {
  if (!replace) {
    return std::make_unique<SqlitePortingImporter>(pool_, kPortingTable, false);
  }
  const std::string staging = absl::StrCat(kStagingPrefix, RandomHex(8));
  PB_RETURN_IF_ERROR(
      pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
        // The staging table is made from the live table's own definition, so
        // the schema stays in sql/sqlite/ alone and the two cannot drift.
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare("SELECT sql FROM sqlite_schema WHERE type = 'table' "
                         "AND name = ?1"));
        PB_RETURN_IF_ERROR(select.BindText(1, kPortingTable)
                               .StepToRow(absl::StatusCode::kFailedPrecondition,
                                          "the database has no porting table; "
                                          "migrate it first"));
        // "CREATE TABLE porting (...) WITHOUT ROWID", the name possibly
        // quoted after an earlier swap: keep everything from the '('.
        const std::string ddl = select.Text(0);
        const size_t open = ddl.find('(');
        if (open == std::string::npos) {
          return absl::InternalError("unexpected porting table definition");
        }
        return conn.Exec(
            absl::StrCat("CREATE TABLE ", staging, " ", ddl.substr(open))
                .c_str());
      }));
  return std::make_unique<SqlitePortingImporter>(pool_, staging, true);
}

absl::StatusOr<std::vector<std::optional<PortingRecord>>>
SqlitePorting::LookupPorting(std::span<const std::string> numbers) {
  const PortingLookupPlan plan(numbers);
  const std::vector<std::string_view>& distinct = plan.distinct();
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn)
          -> absl::StatusOr<std::vector<std::optional<PortingRecord>>> {
        std::vector<std::optional<PortingRecord>> out(numbers.size());
        // Most services hold no porting facts. The IN list of a lookup is
        // sorted into a temporary index before the table is probed, a cost
        // paid per chunk of numbers even when there is nothing to find (5%
        // of the server's CPU end to end, issue 13): an empty table, seen
        // in this same snapshot, answers at once.
        PB_ASSIGN_OR_RETURN(
            Statement any,
            conn.Prepare("SELECT EXISTS (SELECT 1 FROM porting)"));
        PB_ASSIGN_OR_RETURN(bool has_row, any.Step());
        if (!has_row || any.Int64(0) == 0) return out;
        PB_RETURN_IF_ERROR(any.Run());
        for (size_t start = 0; start < distinct.size(); start += kLookupChunk) {
          PB_ASSIGN_OR_RETURN(Statement select, conn.Prepare(LookupSql()));
          for (int p = 0; p < kLookupChunk; ++p) {
            const size_t i = start + p;
            if (i < distinct.size()) {
              select.BindText(p + 1, distinct[i]);
            } else {
              select.BindNull(p + 1);
            }
          }
          PB_RETURN_IF_ERROR(select.ForEachRow([&](const Statement& row) {
            PortingRecord record;
            record.number = row.Text(0);
            record.operator_name = row.Text(1);
            record.mccmnc = row.Text(2);
            record.ported_date = row.OptionalTime(3);
            plan.Place(record, out);
          }));
        }
        return out;
      });
}

}  // namespace phonebulk::store::sqlite
