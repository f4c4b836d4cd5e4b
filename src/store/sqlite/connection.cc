#include "store/sqlite/connection.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace phonebulk::store::sqlite {

absl::Status SqliteStatus(int rc) {
  if (rc == SQLITE_OK || rc == SQLITE_ROW || rc == SQLITE_DONE) {
    return absl::OkStatus();
  }
  const std::string detail =
      absl::StrCat(sqlite3_errstr(rc), " (sqlite code ", rc, ")");
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          absl::StrCat("storage is busy, try again: ", detail));
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_PROTOCOL:
    case SQLITE_NOLFS:
      return absl::UnavailableError(
          absl::StrCat("storage unavailable: ", detail));
    case SQLITE_CONSTRAINT:
      if (rc == SQLITE_CONSTRAINT_UNIQUE ||
          rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
        return absl::AlreadyExistsError(
            absl::StrCat("already exists: ", detail));
      }
      break;
    default:
      break;
  }
  return absl::InternalError(absl::StrCat("storage error: ", detail));
}

bool IsBusyCode(int rc) {
  return (rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED;
}

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : conn_(other.conn_), stmt_(other.stmt_), bind_rc_(other.bind_rc_) {
  other.stmt_ = nullptr;
}

Statement::~Statement() {
  if (stmt_ == nullptr) return;
  // reset() repeats the last step's error code; it was reported already.
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::Bind(int param, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, param, value));
  return *this;
}

Statement& Statement::BindText(int param, std::string_view value) {
  NoteBind(sqlite3_bind_text64(stmt_, param, value.data(), value.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int param, std::string_view value) {
  // A zero-length blob must still be a blob, not NULL: data() may be null.
  static const char kEmpty = 0;
  NoteBind(sqlite3_bind_blob64(stmt_, param,
                               value.empty() ? &kEmpty : value.data(),
                               value.size(), SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int param) {
  NoteBind(sqlite3_bind_null(stmt_, param));
  return *this;
}

Statement& Statement::BindTime(int param, absl::Time value) {
  return Bind(param, absl::ToUnixMicros(value));
}

Statement& Statement::BindOptionalTime(int param,
                                       std::optional<absl::Time> value) {
  return value ? BindTime(param, *value) : BindNull(param);
}

absl::StatusOr<bool> Statement::Step() {
  if (bind_rc_ != SQLITE_OK) return conn_->Check(bind_rc_);
  const int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return conn_->Check(rc);
}

absl::Status Statement::Run() {
  while (true) {
    absl::StatusOr<bool> row = Step();
    if (!row.ok()) {
      sqlite3_reset(stmt_);
      return row.status();
    }
    if (!*row) break;
  }
  sqlite3_reset(stmt_);
  return absl::OkStatus();
}

absl::Status Statement::StepToRow(absl::StatusCode code, const char* message) {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::Status(code, message);
  return absl::OkStatus();
}

int64_t Statement::Int64(int col) const {
  return sqlite3_column_int64(stmt_, col);
}

bool Statement::IsNull(int col) const {
  return sqlite3_column_type(stmt_, col) == SQLITE_NULL;
}

std::string Statement::Text(int col) const {
  const auto* p =
      reinterpret_cast<const char*>(sqlite3_column_text(stmt_, col));
  // The byte count must be read after the text conversion it describes.
  return p == nullptr ? std::string()
                      : std::string(p, sqlite3_column_bytes(stmt_, col));
}

std::string Statement::Blob(int col) const {
  const auto* p = static_cast<const char*>(sqlite3_column_blob(stmt_, col));
  return p == nullptr ? std::string()
                      : std::string(p, sqlite3_column_bytes(stmt_, col));
}

absl::Time Statement::Time(int col) const {
  return absl::FromUnixMicros(Int64(col));
}

std::optional<absl::Time> Statement::OptionalTime(int col) const {
  if (IsNull(col)) return std::nullopt;
  return Time(col);
}

// ---- Connection ----

absl::StatusOr<std::unique_ptr<Connection>> Connection::Open(
    const std::string& path, absl::Duration busy_timeout, bool read_only) {
  sqlite3* db = nullptr;
  const int rc = sqlite3_open_v2(
      path.c_str(), &db,
      // Never SQLITE_OPEN_CREATE: a pool opening a connection after the file
      // was deleted must fail, not start an empty database (OpenSqliteStore
      // creates the file itself, 0600, only when asked to).
      (read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) |
          SQLITE_OPEN_NOMUTEX,
      nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_close(db);  // open hands back a handle even when it fails
    return absl::UnavailableError(
        absl::StrCat("cannot open the database: ", sqlite3_errstr(rc)));
  }
  std::unique_ptr<Connection> conn(new Connection(db));
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(
      db, static_cast<int>(absl::ToInt64Milliseconds(busy_timeout)));
  // A read-only reader of a WAL file still sees a consistent snapshot per
  // transaction; switching the journal mode would be a write.
  if (read_only) return conn;

  // Switching to WAL needs a moment of exclusive access, which a second
  // process opening the same new file may hold; the busy handler does not
  // always cover it, so retry briefly. Once a file is WAL it stays WAL and
  // the pragma is a no-op.
  std::string mode;
  for (int attempt = 0;; ++attempt) {
    absl::StatusOr<Statement> pragma = conn->Prepare("PRAGMA journal_mode=WAL");
    if (!pragma.ok()) return pragma.status();
    absl::StatusOr<bool> row = pragma->Step();
    if (row.ok() && *row) {
      mode = absl::AsciiStrToLower(pragma->Text(0));
      break;
    }
    if (row.ok() || !conn->saw_busy() || attempt >= 50) {
      return row.ok() ? absl::InternalError("cannot enable WAL") : row.status();
    }
    conn->ClearBusy();
    absl::SleepFor(absl::Milliseconds(20));
  }
  if (mode != "wal") {
    return absl::FailedPreconditionError(
        "the database does not support WAL journaling");
  }
  if (absl::Status s =
          conn->Exec("PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;");
      !s.ok()) {
    return s;
  }
  return conn;
}

Connection::~Connection() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close(db_);
}

absl::Status Connection::Check(int rc) {
  if (IsBusyCode(rc)) saw_busy_ = true;
  return SqliteStatus(rc);
}

absl::Status Connection::Exec(const char* sql) {
  return Check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr));
}

absl::StatusOr<Statement> Connection::Prepare(std::string_view sql) {
  auto it = cache_.find(std::string(sql));
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    const int rc =
        sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                           SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) return Check(rc);
    it = cache_.emplace(std::string(sql), stmt).first;
  }
  return Statement(this, it->second);
}

int64_t Connection::changes() const { return sqlite3_changes64(db_); }

bool Connection::in_transaction() const {
  return sqlite3_get_autocommit(db_) == 0;
}

}  // namespace phonebulk::store::sqlite
