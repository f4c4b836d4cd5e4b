#include "store/postgres/pg_connection.h"

#include <cstdlib>
#include <cstring>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace phonebulk::store::postgres {
namespace {

constexpr char kHex[] = "0123456789abcdef";

}  // namespace

Params& Params::Text(std::string_view v) {
  values_.emplace_back(v);
  null_.push_back(false);
  lengths_.push_back(static_cast<int>(v.size()));
  formats_.push_back(0);
  return *this;
}

Params& Params::Int(int64_t v) { return Text(absl::StrCat(v)); }

Params& Params::Null() {
  values_.emplace_back();
  null_.push_back(true);
  lengths_.push_back(0);
  formats_.push_back(0);
  return *this;
}

Params& Params::Time(absl::Time t) { return Int(absl::ToUnixMicros(t)); }

Params& Params::OptionalTime(std::optional<absl::Time> t) {
  return t ? Time(*t) : Null();
}

Params& Params::Bytes(std::string_view v) {
  Text(v);
  formats_.back() = 1;
  return *this;
}

std::vector<const char*> Params::Values() const {
  std::vector<const char*> out(values_.size());
  for (size_t i = 0; i < values_.size(); ++i) {
    out[i] = null_[i] ? nullptr : values_[i].c_str();
  }
  return out;
}

std::string ArrayLiteral(const std::vector<std::string>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += '"';
    for (char c : items[i]) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    out += '"';
  }
  out += '}';
  return out;
}

std::string ByteaArrayLiteral(const std::vector<std::string_view>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ',';
    out += "\"\\\\x";  // "\\x...": the array parser turns \\ into one \ .
    for (unsigned char c : items[i]) {
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
    out += '"';
  }
  out += '}';
  return out;
}

int64_t Result::affected() const {
  int64_t n = 0;
  return absl::SimpleAtoi(PQcmdTuples(res_.get()), &n) ? n : 0;
}

std::string Result::Text(int row, int col) const {
  return std::string(PQgetvalue(res_.get(), row, col),
                     PQgetlength(res_.get(), row, col));
}

int64_t Result::Int64(int row, int col) const {
  int64_t v = 0;
  if (!absl::SimpleAtoi(PQgetvalue(res_.get(), row, col), &v)) return 0;
  return v;
}

bool Result::Bool(int row, int col) const {
  return PQgetvalue(res_.get(), row, col)[0] == 't';
}

absl::Time Result::Time(int row, int col) const {
  return absl::FromUnixMicros(Int64(row, col));
}

std::optional<absl::Time> Result::OptionalTime(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Time(row, col);
}

std::string Result::Bytes(int row, int col) const {
  size_t len = 0;
  unsigned char* raw = PQunescapeBytea(
      reinterpret_cast<const unsigned char*>(PQgetvalue(res_.get(), row, col)),
      &len);
  if (raw == nullptr) return std::string();
  std::string out(reinterpret_cast<const char*>(raw), len);
  PQfreemem(raw);
  return out;
}

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& url) {
  // Defaults first: values in the URL (expanded from "dbname") override them.
  // The keepalives make a server that vanished without closing the socket
  // show up as a failed call within about half a minute instead of a hang.
  const char* keys[] = {"connect_timeout",
                        "keepalives_idle",
                        "keepalives_interval",
                        "keepalives_count",
                        "application_name",
                        "dbname",
                        nullptr};
  const char* values[] = {"5",         "10",        "5",    "3",
                          "phonebulk", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) {
    return absl::UnavailableError("cannot allocate a database connection");
  }
  if (PQstatus(conn) != CONNECTION_OK) {
    // libpq's message names the host and the reason, not the password.
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) {
      why.pop_back();
    }
    return absl::UnavailableError(
        absl::StrCat("cannot connect to the database: ", why));
  }
  // Notices (e.g. "table does not exist, skipping") would go to stderr.
  PQsetNoticeProcessor(
      conn, [](void*, const char*) {}, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn));
}

Connection::~Connection() { PQfinish(conn_); }

absl::Status Connection::Failure(PGresult* res) {
  const char* state =
      res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string code = state != nullptr ? state : "";
  std::string detail =
      res != nullptr && PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
          ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY)
          : "";
  if (res != nullptr) PQclear(res);
  if (!healthy() || code.starts_with("08") || code == "57P01" ||
      code == "57P02" || code == "57P03") {
    return absl::UnavailableError("the database cannot be reached");
  }
  if (code == "40001" || code == "40P01") {
    retryable_failure_ = true;
    return absl::AbortedError("the database asked for a retry");
  }
  if (code == "23505") return absl::AlreadyExistsError("duplicate key");
  if (code == "57014") {
    return absl::UnavailableError("the database cancelled the statement");
  }
  // The primary message names objects, never values; it helps an operator.
  return absl::InternalError(
      absl::StrCat("database error ", code, ": ", detail));
}

absl::StatusOr<Result> Connection::Query(const std::string& sql,
                                         const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = absl::StrCat("pb", prepared_.size() + 1);
    PGresult* res = PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr);
    if (res == nullptr || PQresultStatus(res) != PGRES_COMMAND_OK) {
      return Failure(res);
    }
    PQclear(res);
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const std::vector<const char*> values = params.Values();
  PGresult* res =
      PQexecPrepared(conn_, it->second.c_str(), params.size(), values.data(),
                     params.Lengths(), params.Formats(), /*resultFormat=*/0);
  if (res == nullptr || (PQresultStatus(res) != PGRES_TUPLES_OK &&
                         PQresultStatus(res) != PGRES_COMMAND_OK)) {
    return Failure(res);
  }
  return Result(res);
}

absl::StatusOr<Result> Connection::QueryRow(const std::string& sql,
                                            const Params& params,
                                            absl::StatusCode code,
                                            const char* message) {
  absl::StatusOr<Result> res = Query(sql, params);
  if (res.ok() && res->rows() == 0) return absl::Status(code, message);
  return res;
}

absl::StatusOr<int64_t> Connection::QueryAffected(const std::string& sql,
                                                  const Params& params) {
  absl::StatusOr<Result> res = Query(sql, params);
  if (!res.ok()) return res.status();
  return res->affected();
}

absl::Status Connection::Exec(const std::string& sql) {
  PGresult* res = PQexec(conn_, sql.c_str());
  if (res == nullptr || (PQresultStatus(res) != PGRES_TUPLES_OK &&
                         PQresultStatus(res) != PGRES_COMMAND_OK)) {
    return Failure(res);
  }
  PQclear(res);
  return absl::OkStatus();
}

}  // namespace phonebulk::store::postgres
