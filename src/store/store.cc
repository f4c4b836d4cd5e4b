#include "store/store.h"

#include <string>

#include "absl/strings/cord.h"

#include "store/sqlite/sqlite_store.h"

namespace phonebulk::store {

namespace {
constexpr char kStorageLostPayload[] = "phonebulk/storage-lost";
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

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url,
                                                 OpenMode mode) {
  // Each scheme's dialect lives in its own directory; this is the only place
  // that knows them all.
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    sqlite::SqliteStoreOptions options;
    options.create_if_missing = mode == OpenMode::kCreateIfMissing;
    return sqlite::OpenSqliteStore(std::string(url.substr(kSqlite.size())),
                                   options);
  }
  return absl::InvalidArgumentError(
      "unknown storage URL scheme; expected sqlite:PATH");
}

}  // namespace phonebulk::store
