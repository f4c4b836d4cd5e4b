// The copy role of the PostgreSQL store (store/copy_rows.h). Reading runs in
// one REPEATABLE READ, READ ONLY transaction (one snapshot while nodes keep
// writing) and pages through each table by its key, so a large table is
// never held in memory at once. Writing runs in one transaction that first
// locks the copied tables against other writers (readers may go on), inserts
// a thousand rows per statement through unnest() of array parameters, and
// ends by moving the id sequences past the copied ids. Table and column
// names come from store/store_copy.cc's constant list, never from input.

#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/backend_shared.h"
#include "store/migrations.h"
#include "store/postgres/pg_rows.h"
#include "store/postgres/postgres_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

constexpr int kRowsPerPage = 2000;
constexpr char kHex[] = "0123456789abcdef";

const char* SqlType(CopyType type) {
  switch (type) {
    case CopyType::kInt:
      return "bigint";
    case CopyType::kBool:
      return "boolean";
    case CopyType::kText:
      return "text";
    case CopyType::kBytes:
      return "bytea";
  }
  return "text";
}

absl::StatusOr<std::vector<std::string>> TableColumns(Connection& conn,
                                                      std::string_view table) {
  PB_ASSIGN_OR_RETURN(
      Result res,
      conn.Query("SELECT column_name FROM information_schema.columns WHERE "
                 "table_schema = current_schema() AND table_name = $1",
                 Params().Text(table)));
  return ReadRows<std::string>(res, FirstColumnText);
}

// As in sqlite_copy.cc: rows move between databases of this build's schema.
absl::Status CheckSchemaIsCurrent(Connection& conn) {
  PB_ASSIGN_OR_RETURN(
      Result has_table,
      conn.Query("SELECT to_regclass('schema_migrations') IS NOT NULL"));
  if (!has_table.Bool(0, 0)) {
    return absl::FailedPreconditionError(
        "the database was never migrated; it is not a phonebulk database");
  }
  PB_ASSIGN_OR_RETURN(const std::set<int64_t> applied, AppliedMigrations(conn));
  return store::CheckSchemaIsCurrent(EmbeddedMigrations(), applied);
}

// One element of an array literal ('{...}'): NULL unquoted, everything else
// quoted with '"' and '\' escaped; bytes as "\\x<hex>".
void AppendElement(std::string& out, const CopyValue& value, CopyType type) {
  if (std::holds_alternative<std::monostate>(value)) {
    out += "NULL";
    return;
  }
  if (const auto* v = std::get_if<int64_t>(&value)) {
    absl::StrAppend(
        &out, type == CopyType::kBool ? (*v ? "t" : "f") : absl::StrCat(*v));
    return;
  }
  const std::string& s = std::get<std::string>(value);
  out += '"';
  if (type == CopyType::kBytes) {
    out += "\\\\x";  // the array parser turns \\ into one \ .
    for (unsigned char c : s) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  } else {
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
  }
  out += '"';
}

// Both sides of a copy on one connection: the reader runs inside a read
// transaction, the writer inside the write transaction of WriteAllTables.
// One class, as both ask the database for a table's columns the same way.
class PgTables final : public TableReader, public TableWriter {
 public:
  explicit PgTables(Connection& conn) : conn_(conn) {}

  absl::StatusOr<std::vector<std::string>> ColumnNames(
      std::string_view table) override {
    return TableColumns(conn_, table);
  }

  absl::Status Scan(
      const CopyTable& table,
      absl::FunctionRef<absl::Status(const CopyRow&)> fn) override;

  absl::StatusOr<int64_t> CountRows(std::string_view table) override;
  absl::Status Insert(const CopyTable& table,
                      std::span<const CopyRow> rows) override;

 private:
  CopyValue Value(const Result& res, int row, int col, CopyType type) const {
    if (res.IsNull(row, col)) return std::monostate();
    switch (type) {
      case CopyType::kInt:
        return res.Int64(row, col);
      case CopyType::kBool:
        return int64_t{res.Bool(row, col)};
      case CopyType::kText:
        return res.Text(row, col);
      case CopyType::kBytes:
        return res.Bytes(row, col);
    }
    return std::monostate();
  }

  Connection& conn_;
};

// Keyset paging: each page starts after the previous page's last key.
absl::Status PgTables::Scan(
    const CopyTable& table,
    absl::FunctionRef<absl::Status(const CopyRow&)> fn) {
  std::vector<int> key_cols;
  std::vector<std::string> key_params;
  for (std::string_view key : table.key) {
    for (size_t i = 0; i < table.columns.size(); ++i) {
      if (table.columns[i].name != key) continue;
      key_cols.push_back(static_cast<int>(i));
      key_params.push_back(absl::StrCat("$", key_cols.size(),
                                        "::", SqlType(table.columns[i].type)));
    }
  }
  const std::string order = JoinNames(table.key);
  const std::string select = absl::StrCat("SELECT ", ColumnList(table),
                                          " FROM ", std::string(table.name));
  const std::string first =
      absl::StrCat(select, " ORDER BY ", order, " LIMIT ", kRowsPerPage);
  const std::string next = absl::StrCat(
      select, " WHERE (", order, ") > (", absl::StrJoin(key_params, ", "),
      ") ORDER BY ", order, " LIMIT ", kRowsPerPage);
  CopyRow row(table.columns.size());
  Params after;
  for (bool first_page = true;; first_page = false) {
    PB_ASSIGN_OR_RETURN(Result res, conn_.Query(first_page ? first : next,
                                                first_page ? Params() : after));
    for (int r = 0; r < res.rows(); ++r) {
      for (size_t c = 0; c < table.columns.size(); ++c) {
        row[c] = Value(res, r, static_cast<int>(c), table.columns[c].type);
      }
      PB_RETURN_IF_ERROR(fn(row));
    }
    if (res.rows() < kRowsPerPage) return absl::OkStatus();
    after = Params();
    for (int col : key_cols) {
      if (const auto* v = std::get_if<int64_t>(&row[col])) {
        after.Int(*v);
      } else {
        after.Text(std::get<std::string>(row[col]));
      }
    }
  }
}

absl::StatusOr<int64_t> PgTables::CountRows(std::string_view table) {
  PB_ASSIGN_OR_RETURN(
      Result res,
      conn_.Query(absl::StrCat("SELECT COUNT(*) FROM ", std::string(table))));
  return res.Int64(0, 0);
}

absl::Status PgTables::Insert(const CopyTable& table,
                              std::span<const CopyRow> rows) {
  if (rows.empty()) return absl::OkStatus();
  std::vector<std::string> arrays;
  Params params;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    arrays.push_back(
        absl::StrCat("$", c + 1, "::", SqlType(table.columns[c].type), "[]"));
    std::string literal = "{";
    for (size_t r = 0; r < rows.size(); ++r) {
      if (r > 0) literal += ',';
      AppendElement(literal, rows[r][c], table.columns[c].type);
    }
    literal += '}';
    params.Text(literal);
  }
  return conn_
      .Query(absl::StrCat("INSERT INTO ", std::string(table.name), " (",
                          ColumnList(table), ") SELECT * FROM unnest(",
                          absl::StrJoin(arrays, ", "), ")"),
             params)
      .status();
}

}  // namespace

absl::Status PostgresStore::ReadAllTables(
    absl::FunctionRef<absl::Status(TableReader&)> fn) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    // One snapshot for every table, and a guarantee that nothing is written.
    PB_RETURN_IF_ERROR(conn.Exec(
        "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY"));
    PB_RETURN_IF_ERROR(CheckSchemaIsCurrent(conn));
    PgTables reader(conn);
    return fn(reader);
  });
}

absl::Status PostgresStore::WriteAllTables(
    std::span<const CopyTable> tables,
    absl::FunctionRef<absl::Status(TableWriter&)> fn) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(CheckSchemaIsCurrent(conn));
    // EXCLUSIVE lets readers in but no writer (a node started early on the
    // target), so "the target is empty" stays true until the commit.
    std::vector<std::string_view> names;
    for (const CopyTable& t : tables) names.push_back(t.name);
    PB_RETURN_IF_ERROR(conn.Exec(
        absl::StrCat("LOCK TABLE ", JoinNames(names), " IN EXCLUSIVE MODE")));
    PgTables writer(conn);
    PB_RETURN_IF_ERROR(fn(writer));
    // The ids were inserted as they were, bypassing the sequences: the
    // next account or token must get max(id) + 1, not 1.
    for (const CopyTable& t : tables) {
      if (t.serial_column.empty()) continue;
      const std::string table(t.name);
      const std::string column(t.serial_column);
      PB_RETURN_IF_ERROR(
          conn.Query(absl::StrCat("SELECT setval(pg_get_serial_sequence('",
                                  table, "', '", column, "'), COALESCE(MAX(",
                                  column, "), 0) + 1, false) FROM ", table))
              .status());
    }
    return absl::OkStatus();
  });
}

}  // namespace phonebulk::store::postgres
