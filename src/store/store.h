#ifndef PHONEBULK_STORE_STORE_H_
#define PHONEBULK_STORE_STORE_H_

#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/account_store.h"
#include "store/batch_store.h"
#include "store/copy_rows.h"
#include "store/errors.h"
#include "store/porting_store.h"
#include "store/records.h"
#include "store/validation_cache.h"
#include "store/webhook_store.h"
#include "store/work_queue.h"

namespace phonebulk::store {

// A database of phonebulk's, opened by OpenStore: its roles, each a small
// interface of its own that its backend implements on its own (a SQLite file
// in store/sqlite/, a PostgreSQL database shared by many nodes in
// store/postgres/), and what concerns the database as a whole: its schema,
// its health and copying it. A caller takes only the roles it needs (the
// batch service takes batches(), a worker queue(), ...), so what each part
// of the program may do to the database is visible in its constructor.
// Each role's methods are transactions of their own; see each role's header.
// Thread-safe; the roles live as long as the Store.
class Store {
 public:
  virtual ~Store() = default;

  virtual AccountStore& accounts() = 0;
  virtual BatchStore& batches() = 0;
  virtual WorkQueue& queue() = 0;
  virtual PortingStore& porting() = 0;
  virtual ValidationCache& cache() = 0;
  virtual WebhookStore& webhooks() = 0;

  // Applies pending schema migrations. Idempotent.
  virtual absl::Status Migrate() = 0;
  // The health check behind /readyz and the server's periodic check: the
  // database is reachable, is still the one opened (a file deleted or
  // replaced under a running server is never recreated), and a small write
  // commits (so a full disk or a read-only file shows). Unavailable, with a
  // message a person can act on and no path, when any of it fails. One short
  // write transaction; call it every few seconds, not per request.
  virtual absl::Status Ping() = 0;

  // ---- Copying a whole store (the copy role, store/store_copy.h) ----

  // Runs `fn` with a reader over one consistent read snapshot of the whole
  // database (a live database keeps serving meanwhile); writes nothing.
  // FailedPrecondition when the database's schema is not exactly this
  // build's (older: migrate it first; newer: use the newer build).
  // Unimplemented when the backend cannot be a copy source.
  virtual absl::Status ReadAllTables(
      absl::FunctionRef<absl::Status(TableReader&)> fn) {
    return absl::UnimplementedError(
        "this kind of database cannot be copied from");
  }
  // Runs `fn` with a writer in one write transaction that holds off other
  // writers of `tables`; when `fn` succeeds, moves each table's
  // serial_column sequence past the largest copied value and commits. When
  // anything fails, nothing is written. Unimplemented when the backend
  // cannot be a copy target.
  virtual absl::Status WriteAllTables(
      std::span<const CopyTable> tables,
      absl::FunctionRef<absl::Status(TableWriter&)> fn) {
    return absl::UnimplementedError(
        "this kind of database cannot be copied into");
  }
};

enum class OpenMode {
  kCreateIfMissing,  // a new, empty database when none exists
  kMustExist,        // FailedPrecondition when none exists (admin commands)
  // Like kMustExist, and nothing is ever written (the source of a copy):
  // a SQLite file is opened read-only; call neither Migrate() nor a method
  // that writes.
  kReadOnly,
};

// Opens the store named by `url`: "sqlite:PATH" or
// "postgresql://USER:PASSWORD@HOST:PORT/DATABASE" (also "postgres://"). A
// SQLite database (file 0600, and its directory 0700 when created here) is
// created only with kCreateIfMissing; the message of kMustExist's
// FailedPrecondition says so without naming the path. A PostgreSQL database
// must exist (the mode does not apply); the store connects lazily, so a
// database that is down shows as Unavailable from the first call, and the
// URL's password never appears in a message. InvalidArgument for an unknown
// scheme or a URL libpq cannot parse.
absl::StatusOr<std::unique_ptr<Store>> OpenStore(
    std::string_view url, OpenMode mode = OpenMode::kCreateIfMissing);

// `url` fit for a log or an error message: a password in it
// ("postgresql://user:secret@host/db") is replaced by "***".
std::string RedactUrl(std::string_view url);

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_STORE_H_
