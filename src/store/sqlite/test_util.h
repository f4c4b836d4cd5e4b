#ifndef PHONEBULK_STORE_SQLITE_TEST_UTIL_H_
#define PHONEBULK_STORE_SQLITE_TEST_UTIL_H_

// The SQLite-only tests' names for the shared store test helpers
// (store/test_backend.h): real SQLite files in a fresh temporary directory
// per test.

#include <filesystem>
#include <memory>
#include <string>

#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store::sqlite {

using ::phonebulk::store::testing::TempDir;

inline std::string QueryText(const std::filesystem::path& file,
                             const char* sql) {
  return testing::SqliteQueryText(file, sql);
}

// Opens "sqlite:<file>" and migrates it, failing the test otherwise.
inline std::unique_ptr<Store> OpenMigrated(const std::filesystem::path& file) {
  return testing::OpenMigratedUrl("sqlite:" + file.string());
}

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_TEST_UTIL_H_
