// The copy role of the SQLite store (store/copy_rows.h): every table read in
// one read transaction, which in WAL mode is a consistent snapshot while a
// server keeps writing; and every table written in one BEGIN IMMEDIATE
// transaction. Table and column names come from store/store_copy.cc's
// constant list, never from input, so they are spliced into the SQL text.

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/backend_shared.h"
#include "store/migrations.h"
#include "store/sqlite/rows.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {
namespace {

absl::StatusOr<std::vector<std::string>> TableColumns(Connection& conn,
                                                      std::string_view table) {
  PB_ASSIGN_OR_RETURN(Statement stmt,
                      conn.Prepare("SELECT name FROM pragma_table_info(?1)"));
  stmt.BindText(1, table);
  return ReadRows<std::string>(stmt, FirstColumnText);
}

// The copy moves rows between databases of this build's schema only: an
// older file has other tables and columns (migrate it first), a newer one
// may hold what this build cannot copy.
absl::Status CheckSchemaIsCurrent(Connection& conn) {
  PB_ASSIGN_OR_RETURN(std::vector<std::string> columns,
                      TableColumns(conn, "schema_migrations"));
  if (columns.empty()) {
    return absl::FailedPreconditionError(
        "the database was never migrated; it is not a phonebulk database");
  }
  PB_ASSIGN_OR_RETURN(const std::set<int64_t> applied, AppliedMigrations(conn));
  return store::CheckSchemaIsCurrent(EmbeddedMigrations(), applied);
}

// Both sides of a copy on one connection: the reader runs inside a read
// transaction, the writer inside the write transaction of WriteAllTables.
// One class, as both ask the database for a table's columns the same way.
class SqliteTables final : public TableReader, public TableWriter {
 public:
  explicit SqliteTables(Connection& conn) : conn_(conn) {}

  absl::StatusOr<std::vector<std::string>> ColumnNames(
      std::string_view table) override {
    return TableColumns(conn_, table);
  }

  absl::Status Scan(
      const CopyTable& table,
      absl::FunctionRef<absl::Status(const CopyRow&)> fn) override {
    PB_ASSIGN_OR_RETURN(
        Statement stmt,
        conn_.Prepare(absl::StrCat("SELECT ", ColumnList(table), " FROM ",
                                   std::string(table.name), " ORDER BY ",
                                   JoinNames(table.key))));
    CopyRow row(table.columns.size());
    return stmt.ForEachRow([&](const Statement& current) {
      for (size_t i = 0; i < table.columns.size(); ++i) {
        const int col = static_cast<int>(i);
        if (current.IsNull(col)) {
          row[i] = std::monostate();
          continue;
        }
        switch (table.columns[i].type) {
          case CopyType::kInt:
            row[i] = current.Int64(col);
            break;
          case CopyType::kBool:
            row[i] = int64_t{current.Int64(col) != 0};
            break;
          case CopyType::kText:
            row[i] = current.Text(col);
            break;
          case CopyType::kBytes:
            row[i] = current.Blob(col);
            break;
        }
      }
      return fn(row);
    });
  }

  absl::StatusOr<int64_t> CountRows(std::string_view table) override {
    PB_ASSIGN_OR_RETURN(Statement stmt,
                        conn_.Prepare(absl::StrCat("SELECT COUNT(*) FROM ",
                                                   std::string(table))));
    PB_ASSIGN_OR_RETURN(bool row, stmt.Step());
    return row ? stmt.Int64(0) : 0;
  }

  absl::Status Insert(const CopyTable& table,
                      std::span<const CopyRow> rows) override {
    std::vector<std::string> params;
    for (size_t i = 1; i <= table.columns.size(); ++i) {
      params.push_back(absl::StrCat("?", i));
    }
    PB_ASSIGN_OR_RETURN(
        Statement stmt,
        conn_.Prepare(absl::StrCat("INSERT INTO ", std::string(table.name),
                                   " (", ColumnList(table), ") VALUES (",
                                   absl::StrJoin(params, ", "), ")")));
    for (const CopyRow& row : rows) {
      for (size_t i = 0; i < row.size(); ++i) {
        const int param = static_cast<int>(i) + 1;
        if (const auto* v = std::get_if<int64_t>(&row[i])) {
          stmt.Bind(param, *v);
        } else if (const auto* s = std::get_if<std::string>(&row[i])) {
          if (table.columns[i].type == CopyType::kBytes) {
            stmt.BindBlob(param, *s);
          } else {
            stmt.BindText(param, *s);
          }
        } else {
          stmt.BindNull(param);
        }
      }
      PB_RETURN_IF_ERROR(stmt.Run());
    }
    return absl::OkStatus();
  }

 private:
  Connection& conn_;
};

}  // namespace

absl::Status SqliteStore::ReadAllTables(
    absl::FunctionRef<absl::Status(TableReader&)> fn) {
  return pool_->Run(TxnMode::kRead, [&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(CheckSchemaIsCurrent(conn));
    SqliteTables reader(conn);
    return fn(reader);
  });
}

// SQLite needs no sequence step: an INTEGER PRIMARY KEY takes max(id) + 1.
absl::Status SqliteStore::WriteAllTables(
    std::span<const CopyTable> tables,
    absl::FunctionRef<absl::Status(TableWriter&)> fn) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(CheckSchemaIsCurrent(conn));
    SqliteTables writer(conn);
    return fn(writer);
  });
}

}  // namespace phonebulk::store::sqlite
