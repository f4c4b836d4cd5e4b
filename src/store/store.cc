#include "store/store.h"

#include <string>

#include "store/sqlite/sqlite_store.h"

namespace phonebulk::store {

absl::StatusOr<std::unique_ptr<Store>> OpenStore(std::string_view url) {
  // Each scheme's dialect lives in its own directory; this is the only place
  // that knows them all.
  constexpr std::string_view kSqlite = "sqlite:";
  if (url.starts_with(kSqlite)) {
    return sqlite::OpenSqliteStore(std::string(url.substr(kSqlite.size())));
  }
  return absl::InvalidArgumentError(
      "unknown storage URL scheme; expected sqlite:PATH");
}

}  // namespace phonebulk::store
