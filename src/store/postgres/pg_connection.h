#ifndef PHONEBULK_STORE_POSTGRES_PG_CONNECTION_H_
#define PHONEBULK_STORE_POSTGRES_PG_CONNECTION_H_

// A thin layer over libpq for the PostgreSQL store: parameters, results and
// the mapping of server errors to the store's codes (see store.h). Internal
// to store/postgres.

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::store::postgres {

// Parameters of one statement, $1, $2, ... in the order added. Everything is
// sent as text except Bytes (binary, so blobs need no escaping).
class Params {
 public:
  Params& Text(std::string_view v);
  Params& Int(int64_t v);
  Params& Bool(bool v) { return Text(v ? "t" : "f"); }
  Params& Null();
  Params& Time(absl::Time t);
  Params& OptionalTime(std::optional<absl::Time> t);
  Params& Bytes(std::string_view v);

  int size() const { return static_cast<int>(values_.size()); }
  // Arrays for PQexecPrepared; valid until the next change.
  std::vector<const char*> Values() const;
  const int* Lengths() const { return lengths_.data(); }
  const int* Formats() const { return formats_.data(); }

 private:
  std::vector<std::string> values_;
  std::vector<bool> null_;
  std::vector<int> lengths_;
  std::vector<int> formats_;
};

// A text-format array literal ('{"a","b"}') for a text[] or int[] parameter,
// every element quoted and escaped.
std::string ArrayLiteral(const std::vector<std::string>& items);
// A bytea[] literal: every element hex-encoded ("\\x00ff").
std::string ByteaArrayLiteral(const std::vector<std::string_view>& items);

// The rows of one statement (text format).
class Result {
 public:
  explicit Result(PGresult* res) : res_(res, &PQclear) {}

  int rows() const { return PQntuples(res_.get()); }
  // Rows written by an INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const {
    return PQgetisnull(res_.get(), row, col) != 0;
  }
  std::string Text(int row, int col) const;
  int64_t Int64(int row, int col) const;
  bool Bool(int row, int col) const;
  absl::Time Time(int row, int col) const;
  std::optional<absl::Time> OptionalTime(int row, int col) const;
  std::string Bytes(int row, int col) const;  // a bytea column

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> res_;
};

// One server connection. Not thread-safe: the pool hands it to one caller at
// a time. Statements given to Query() are prepared once per connection and
// reused by their text.
class Connection {
 public:
  // Unavailable when the server cannot be reached or refuses the login (the
  // message never repeats the URL: it may hold a password).
  static absl::StatusOr<std::unique_ptr<Connection>> Open(
      const std::string& url);
  ~Connection();

  // Runs one parameterised statement (prepared on first use).
  absl::StatusOr<Result> Query(const std::string& sql,
                               const Params& params = Params());
  // Query() for a statement that must return a row: an error with `code`
  // and `message` when it returns none (a missing record is kNotFound, one
  // that must exist is an invariant: kInternal).
  absl::StatusOr<Result> QueryRow(const std::string& sql, const Params& params,
                                  absl::StatusCode code, const char* message);
  // The same, NotFound: the common case of one record looked up by key.
  absl::StatusOr<Result> QueryRow(const std::string& sql, const Params& params,
                                  const char* not_found_message) {
    return QueryRow(sql, params, absl::StatusCode::kNotFound,
                    not_found_message);
  }
  // Query() for an INSERT/UPDATE/DELETE: the number of rows it wrote.
  absl::StatusOr<int64_t> QueryAffected(const std::string& sql,
                                        const Params& params);
  // Runs `sql` without parameters; it may hold several statements (DDL).
  absl::Status Exec(const std::string& sql);

  // False once the connection to the server was lost: the pool drops it.
  bool healthy() const { return PQstatus(conn_) == CONNECTION_OK; }
  // True when the last failure was a serialization failure or a deadlock,
  // after which the whole transaction may be rerun.
  bool retryable_failure() const { return retryable_failure_; }
  void clear_failure() { retryable_failure_ = false; }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  // Maps a failed result (or a null one) to a status.
  absl::Status Failure(PGresult* res);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql -> name
  bool retryable_failure_ = false;
};

}  // namespace phonebulk::store::postgres

#endif  // PHONEBULK_STORE_POSTGRES_PG_CONNECTION_H_
