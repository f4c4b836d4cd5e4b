#ifndef PHONEBULK_STORE_COPY_ROWS_H_
#define PHONEBULK_STORE_COPY_ROWS_H_

// The copy role of a store: whole tables read as plain rows from one
// snapshot and written into another store in one transaction (see
// Store::ReadAllTables / WriteAllTables and store/store_copy.h, which owns
// the list of tables and columns). The backends know nothing of the columns
// beyond what a CopyTable tells them, so a schema change touches the list in
// store_copy.cc only, and a column missing from it is refused rather than
// silently dropped.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace phonebulk::store {

// How a column's values travel: both schemas agree on these, while their
// SQL types differ (SQLite INTEGER 0/1 for PostgreSQL BOOLEAN, BLOB for
// BYTEA).
enum class CopyType {
  kInt,    // integers, including times in microseconds
  kBool,   // carried as 0 / 1
  kText,   // UTF-8 text
  kBytes,  // opaque bytes (result blobs)
};

struct CopyColumn {
  std::string_view name;
  CopyType type;
};

struct CopyTable {
  std::string_view name;
  std::span<const CopyColumn> columns;
  // The columns to read in (the primary key): a stable order makes the copy
  // repeatable and lets a backend page through a large table.
  std::span<const std::string_view> key;
  // A column whose values a sequence assigns (accounts.id): after the copy
  // the target's sequence must continue past the copied values. Empty when
  // none.
  std::string_view serial_column;
};

// NULL, an integer (kInt, kBool) or a string (kText, kBytes).
using CopyValue = std::variant<std::monostate, int64_t, std::string>;
// One value per column of the table, in its CopyTable order.
using CopyRow = std::vector<CopyValue>;

// Reads tables of one consistent snapshot. Not thread-safe.
class TableReader {
 public:
  virtual ~TableReader() = default;
  // The names of the columns `table` has in this database (any order);
  // empty when there is no such table.
  virtual absl::StatusOr<std::vector<std::string>> ColumnNames(
      std::string_view table) = 0;
  // Calls `fn` with every row of `table` in key order, stopping at the
  // first error (which is returned).
  virtual absl::Status Scan(
      const CopyTable& table,
      absl::FunctionRef<absl::Status(const CopyRow&)> fn) = 0;
};

// Writes rows inside the target's one copy transaction. Not thread-safe.
class TableWriter {
 public:
  virtual ~TableWriter() = default;
  virtual absl::StatusOr<std::vector<std::string>> ColumnNames(
      std::string_view table) = 0;
  // Rows in `table` (0 for an empty one).
  virtual absl::StatusOr<int64_t> CountRows(std::string_view table) = 0;
  // Inserts `rows` as they are, ids included. AlreadyExists on a duplicate
  // key; Internal on a constraint the rows break (e.g. a foreign key).
  virtual absl::Status Insert(const CopyTable& table,
                              std::span<const CopyRow> rows) = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_COPY_ROWS_H_
