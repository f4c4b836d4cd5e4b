#ifndef PHONEBULK_STORE_SQLITE_TEST_UTIL_H_
#define PHONEBULK_STORE_SQLITE_TEST_UTIL_H_

// Helpers for the store tests, which run against real SQLite files in a
// fresh temporary directory per test.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "store/store.h"

namespace phonebulk::store::sqlite {

// A new empty directory under the test temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::random_device rd;
    path_ = std::filesystem::path(::testing::TempDir()) /
            ("phonebulk_store_" + std::to_string(rd()) + std::to_string(rd()));
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Opens "sqlite:<dir>/<name>" and migrates it, failing the test otherwise.
inline std::unique_ptr<Store> OpenMigrated(const std::filesystem::path& file) {
  auto store = OpenStore("sqlite:" + file.string());
  EXPECT_TRUE(store.ok()) << store.status();
  if (!store.ok()) return nullptr;
  absl::Status migrated = (*store)->Migrate();
  EXPECT_TRUE(migrated.ok()) << migrated;
  return *std::move(store);
}

}  // namespace phonebulk::store::sqlite

#endif  // PHONEBULK_STORE_SQLITE_TEST_UTIL_H_
