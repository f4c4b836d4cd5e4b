#include "store/store.h"

#include <string>

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace phonebulk::store {

namespace {
constexpr char kStorageLostPayload[] = "phonebulk/storage-lost";
constexpr char kStaleClaimPayload[] = "phonebulk/stale-claim";
}  // namespace

absl::Status StorageLostError(std::string_view message) {
  absl::Status s = absl::UnavailableError(std::string(message));
  s.SetPayload(kStorageLostPayload, absl::Cord("1"));
  return s;
}

bool IsStorageLost(const absl::Status& status) {
  return absl::IsUnavailable(status) &&
         status.GetPayload(kStorageLostPayload).has_value();
}

absl::Status StaleClaimError() {
  absl::Status s =
      absl::AbortedError("the chunk claim was taken over or finished");
  s.SetPayload(kStaleClaimPayload, absl::Cord("1"));
  return s;
}

bool IsStaleClaim(const absl::Status& status) {
  return absl::IsAborted(status) &&
         status.GetPayload(kStaleClaimPayload).has_value();
}

std::string RedactUrl(std::string_view url) {
  const size_t scheme = url.find("://");
  if (scheme == std::string_view::npos) return std::string(url);
  const size_t start = scheme + 3;
  const size_t at = url.find('@', start);
  const size_t colon = url.find(':', start);
  if (at == std::string_view::npos || colon == std::string_view::npos ||
      colon > at) {
    return std::string(url);
  }
  return std::string(url.substr(0, colon + 1)) + "***" +
         std::string(url.substr(at));
}

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url,
                                                 OpenMode mode) {
  // Each scheme's dialect lives in its own directory; this is the only place
  // that knows them all.
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    sqlite::SqliteStoreOptions options;
    options.create_if_missing = mode == OpenMode::kCreateIfMissing;
    options.read_only = mode == OpenMode::kReadOnly;
    return sqlite::OpenSqliteStore(std::string(url.substr(kSqlite.size())),
                                   options);
  }
  // A PostgreSQL database is never created here: the operator creates it
  // (with its owner and backups); the schema inside it is ours to migrate.
  if (url.starts_with("postgresql://") || url.starts_with("postgres://")) {
    return postgres::OpenPostgresStore(std::string(url));
  }
  return absl::InvalidArgumentError(
      "unknown storage URL scheme; expected sqlite:PATH or "
      "postgresql://USER:PASSWORD@HOST:PORT/DATABASE");
}

}  // namespace phonebulk::store
