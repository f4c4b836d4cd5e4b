#ifndef PHONEBULK_STORE_SQLITE_TEST_UTIL_H_
#define PHONEBULK_STORE_SQLITE_TEST_UTIL_H_

// Helpers for the store tests, which run against real SQLite files in a
// fresh temporary directory per test.

#include <gtest/gtest.h>
#include <sqlite3.h>

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

// Runs one query on a separate raw connection and returns the first column
// of the first row as text: an outside view of what the store wrote, or a
// way to damage it as a disk or a hand-edit would.
inline std::string QueryText(const std::filesystem::path& file,
                             const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(stmt, 0);
    if (text != nullptr) out = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

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
