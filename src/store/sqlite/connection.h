#ifndef PHONEBULK_STORE_SQLITE_CONNECTION_H_
#define PHONEBULK_STORE_SQLITE_CONNECTION_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/status_values.h"

namespace phonebulk::store::sqlite {

// Maps a SQLite result code to the absl code store.h promises: BUSY/LOCKED
// and I/O or open failures are Unavailable, a UNIQUE/PRIMARY KEY violation is
// AlreadyExists, anything else Internal. The message uses sqlite3_errstr()
// only, never sqlite3_errmsg(), which can quote table and column names.
absl::Status SqliteStatus(int rc);

// True for the codes worth retrying: another connection holds a lock.
bool IsBusyCode(int rc);

class Connection;

// A parameter for Statement::BindAll / Connection::Run to bind as a blob;
// strings are bound as text.
struct BlobParam {
  std::string_view bytes;
};

// A prepared statement borrowed from its Connection's cache for one use.
// Reset (bindings cleared) when destroyed, ready for the next borrower. Bind
// failures are remembered and reported by the next Step()/Run(), so call
// sites can chain Bind calls without checking each. Not thread-safe: it
// belongs to the thread holding the connection.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&&) = delete;
  Statement(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text and blobs are copied.
  Statement& Bind(int param, int64_t value);
  Statement& BindText(int param, std::string_view value);
  Statement& BindBlob(int param, std::string_view value);
  Statement& BindNull(int param);
  // Microseconds since the epoch, NULL when unset.
  Statement& BindTime(int param, absl::Time value);
  Statement& BindOptionalTime(int param, std::optional<absl::Time> value);
  // Binds `args` to ?1, ?2, ... in order, each by its type: integers and
  // bools with Bind, strings with BindText, BlobParam with BindBlob, absl::Time
  // and std::optional<absl::Time> with BindTime and BindOptionalTime.
  template <typename... Args>
  Statement& BindAll(const Args&... args);

  // Advances: true when a row is available, false when done.
  absl::StatusOr<bool> Step();
  // Runs to completion (ignoring any rows), then resets the statement while
  // keeping its bindings, so a loop can rebind only what changes.
  absl::Status Run();
  // Steps to the first row, to be read with the column getters below; an
  // error with `code` and `message` when there is none (a missing record is
  // kNotFound, one that must exist is an invariant: kInternal).
  absl::Status StepToRow(absl::StatusCode code, const char* message);
  // The same, NotFound: the common case of one record looked up by key.
  absl::Status StepToRow(const char* not_found_message) {
    return StepToRow(absl::StatusCode::kNotFound, not_found_message);
  }
  // Calls `fn(*this)` on every remaining row; stops at the first error of a
  // step or of `fn`, which may return void or absl::Status.
  template <typename Fn>
  absl::Status ForEachRow(Fn&& fn);

  // Columns are 0-based.
  int64_t Int64(int col) const;
  bool IsNull(int col) const;
  std::string Text(int col) const;
  std::string Blob(int col) const;
  absl::Time Time(int col) const;
  std::optional<absl::Time> OptionalTime(int col) const;

 private:
  friend class Connection;
  Statement(Connection* conn, sqlite3_stmt* stmt) : conn_(conn), stmt_(stmt) {}
  void NoteBind(int rc);
  template <typename T>
  void BindByType(int param, const T& value);

  Connection* conn_;
  sqlite3_stmt* stmt_;  // owned by conn_'s cache
  int bind_rc_ = SQLITE_OK;
};

// Every remaining row of `stmt` read by `read`, which returns a T, or an
// absl::StatusOr<T> when the row can be malformed (the first error wins).
template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadRows(Statement& stmt, Read&& read);

// One sqlite3 database handle with the service's PRAGMAs applied and a cache
// of prepared statements (the store reuses a handful of statements, so
// caching them makes a 10,000-phone insert a loop of bind/step). Not
// thread-safe: SQLite is opened in multi-thread mode and the pool hands a
// connection to one thread at a time.
class Connection {
 public:
  // Opens the existing database at `path` (never creates it) and sets
  // journal_mode=WAL, synchronous=NORMAL, foreign_keys=ON and the busy
  // timeout. Unavailable when the file cannot be opened. With `read_only`
  // the file is opened SQLITE_OPEN_READONLY and its journal mode is left as
  // it is: every write fails, so a copy's source cannot be changed.
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& path, absl::Duration busy_timeout,
      bool read_only = false);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Runs one or more statements that take no parameters; rows are ignored.
  absl::Status Exec(const char* sql);
  // A cached prepared statement for `sql`. At most one Statement per distinct
  // SQL text may be alive at a time.
  absl::StatusOr<Statement> Prepare(std::string_view sql);
  // Prepares `sql`, binds `args` (Statement::BindAll) and runs it: one
  // INSERT/UPDATE/DELETE whose rows, if any, are not needed. changes()
  // then tells how many rows it wrote.
  template <typename... Args>
  absl::Status Run(std::string_view sql, const Args&... args);

  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t changes() const;
  bool in_transaction() const;

  // Whether an operation failed with BUSY/LOCKED since ClearBusy(): how the
  // pool tells "retry the transaction" from a real failure.
  bool saw_busy() const { return saw_busy_; }
  void ClearBusy() { saw_busy_ = false; }

 private:
  friend class Statement;
  explicit Connection(sqlite3* db) : db_(db) {}
  // Turns `rc` into a status, noting busy codes.
  absl::Status Check(int rc);

  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*> cache_;
  bool saw_busy_ = false;
};

// ---- Templates ----

template <typename T>
void Statement::BindByType(int param, const T& value) {
  if constexpr (std::is_integral_v<T>) {
    Bind(param, static_cast<int64_t>(value));
  } else if constexpr (std::is_same_v<T, BlobParam>) {
    BindBlob(param, value.bytes);
  } else if constexpr (std::is_same_v<T, absl::Time>) {
    BindTime(param, value);
  } else if constexpr (std::is_same_v<T, std::optional<absl::Time>>) {
    BindOptionalTime(param, value);
  } else {
    static_assert(std::is_convertible_v<const T&, std::string_view>,
                  "bind integers, strings, BlobParam or times");
    BindText(param, value);
  }
}

template <typename... Args>
Statement& Statement::BindAll(const Args&... args) {
  int param = 0;
  (BindByType(++param, args), ...);
  return *this;
}

template <typename... Args>
absl::Status Connection::Run(std::string_view sql, const Args&... args) {
  absl::StatusOr<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  return stmt->BindAll(args...).Run();
}

template <typename Fn>
absl::Status Statement::ForEachRow(Fn&& fn) {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::OkStatus();
    if constexpr (std::is_void_v<std::invoke_result_t<Fn&, Statement&>>) {
      fn(*this);
    } else {
      if (absl::Status s = fn(*this); !s.ok()) return s;
    }
  }
}

template <typename T, typename Read>
absl::StatusOr<std::vector<T>> ReadRows(Statement& stmt, Read&& read) {
  std::vector<T> out;
  absl::Status s = stmt.ForEachRow(
      [&](const Statement& row) { return AppendValue(out, read(row)); });
  if (!s.ok()) return s;
  return out;
}

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_CONNECTION_H_
