// Opening, migrations, accounts and tokens, against real SQLite files.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <limits>
#include <thread>

#include "store/migrations.h"
#include "store/sqlite/test_util.h"
#include "store/store.h"

namespace phonebulk::store::sqlite {
namespace {

TEST(OpenStoreTest, RejectsUnknownSchemes) {
  for (const char* url : {"mysql://localhost/x", "", "file:/tmp/x.db", "sqlite",
                          "SQLITE:/tmp/x.db"}) {
    auto store = OpenStore(url);
    EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument) << url;
  }
}

TEST(OpenStoreTest, CreatesParentDirectoriesAndFileInWalMode) {
  TempDir dir;
  const auto file = dir.path() / "a" / "b" / "store.db";
  auto store = OpenStore("sqlite:" + file.string());
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE(std::filesystem::exists(file));
  EXPECT_TRUE((*store)->Ping().ok());
  EXPECT_EQ(QueryText(file, "PRAGMA journal_mode"), "wal");
}

TEST(OpenStoreTest, UnopenablePathIsUnavailableWithoutThePath) {
  TempDir dir;
  // A directory where the database file should be.
  const auto file = dir.path() / "is_a_directory";
  std::filesystem::create_directories(file);
  auto store = OpenStore("sqlite:" + file.string());
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(store.status().message().find(dir.path().string()),
            std::string::npos)
      << store.status();
}

TEST(MigrateTest, IsIdempotentAndRecordsEveryFile) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  auto store = OpenMigrated(file);
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Migrate().ok());
  auto reopened = OpenMigrated(file);
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(QueryText(file, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(EmbeddedMigrations().size()));
  EXPECT_EQ(QueryText(file,
                      "SELECT name FROM schema_migrations ORDER BY "
                      "version LIMIT 1"),
            "001_initial");
  EXPECT_EQ(QueryText(file, "PRAGMA foreign_key_check"), "");
}

TEST(MigrateTest, RebuildingBatchesFor005KeepsRowsAndReferences) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  {
    // A database as a build before 005 left it, with a batch in it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    std::string sql =
        "PRAGMA foreign_keys=ON; CREATE TABLE schema_migrations (version "
        "INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_us INTEGER NOT "
        "NULL);";
    for (const Migration& m : EmbeddedMigrations()) {
      if (m.version >= 5) continue;
      sql += m.sql;
      sql += ";INSERT INTO schema_migrations VALUES (" +
             std::to_string(m.version) + ", '" + std::string(m.name) + "', 0);";
    }
    sql +=
        "INSERT INTO accounts (id, name, created_us) VALUES (1, 'acme', 0);"
        "INSERT INTO batches (id, account_id, config_json, status, reason, "
        "records, date_submitted_us, credits_charged) VALUES ('b1', 1, '{}', "
        "'stopped', 'stopped_by_request', 2, 7, 1);"
        "INSERT INTO phones (batch_id, idx, number) VALUES ('b1', 0, '1'), "
        "('b1', 1, '2');"
        "INSERT INTO chunks (batch_id, chunk_index, first_index, count) "
        "VALUES ('b1', 0, 0, 2);";
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_close(db);
  }
  auto store = OpenMigrated(file);
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(QueryText(file,
                      "SELECT reason || ' ' || credits_charged || ' ' || "
                      "date_submitted_us FROM batches WHERE id = 'b1'"),
            "stopped_by_request 1 7");
  EXPECT_EQ(QueryText(file, "SELECT COUNT(*) FROM phones"), "2");
  EXPECT_EQ(QueryText(file, "PRAGMA foreign_key_check"), "");
  EXPECT_EQ(QueryText(file,
                      "SELECT COUNT(*) FROM sqlite_schema WHERE type = "
                      "'index' AND tbl_name = 'batches' AND sql IS NOT NULL"),
            "4");
  auto batch = store->batches().GetBatch(1, "b1");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->reason, StopReason::kStoppedByRequest);
  // The new reason is accepted, and the references still hold.
  QueryText(file, "UPDATE batches SET reason = 'processing_failed'");
  EXPECT_EQ(store->batches().GetBatch(1, "b1")->reason,
            StopReason::kProcessingFailed);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, "PRAGMA foreign_keys=ON; DELETE FROM batches",
                         nullptr, nullptr, nullptr),
            SQLITE_CONSTRAINT);  // its phones and chunks still refer to it
  sqlite3_close(db);
}

TEST(MigrateTest, EmbeddedMigrationsAreOrdered) {
  auto migrations = EmbeddedMigrations();
  ASSERT_FALSE(migrations.empty());
  for (size_t i = 1; i < migrations.size(); ++i) {
    EXPECT_LT(migrations[i - 1].version, migrations[i].version);
  }
}

TEST(MigrateTest, ConcurrentFirstMigrationsFromTwoStoresBothSucceed) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  auto a = OpenStore("sqlite:" + file.string());
  auto b = OpenStore("sqlite:" + file.string());
  ASSERT_TRUE(a.ok() && b.ok());
  absl::Status sa, sb;
  std::thread ta([&] { sa = (*a)->Migrate(); });
  std::thread tb([&] { sb = (*b)->Migrate(); });
  ta.join();
  tb.join();
  EXPECT_TRUE(sa.ok()) << sa;
  EXPECT_TRUE(sb.ok()) << sb;
  EXPECT_EQ(QueryText(file, "SELECT COUNT(*) FROM schema_migrations"),
            std::to_string(EmbeddedMigrations().size()));
}

TEST(MigrateTest, RefusesADatabaseFromANewerBuild) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  auto store = OpenMigrated(file);
  ASSERT_NE(store, nullptr);
  QueryText(file,
            "INSERT INTO schema_migrations VALUES (999, '999_future', 0)");
  EXPECT_EQ(store->Migrate().code(), absl::StatusCode::kFailedPrecondition);
}

// Holds the write lock on `file` from a separate raw connection until
// destroyed: another process in the middle of a long write.
class WriteLockHolder {
 public:
  explicit WriteLockHolder(const std::filesystem::path& file) {
    EXPECT_EQ(sqlite3_open(file.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr),
              SQLITE_OK);
  }
  ~WriteLockHolder() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST(BusyTest, WritesWaitForAnotherWriterInsteadOfFailing) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  auto store = OpenMigrated(file);
  ASSERT_NE(store, nullptr);
  auto lock = std::make_unique<WriteLockHolder>(file);
  absl::StatusOr<Account> account;
  std::thread writer(
      [&] { account = store->accounts().EnsureAccount("acme", std::nullopt); });
  // Long enough for the writer to be waiting on the lock; far shorter than
  // the 10 s busy timeout.
  absl::SleepFor(absl::Milliseconds(200));
  lock.reset();
  writer.join();
  EXPECT_TRUE(account.ok()) << account.status();
}

TEST(BusyTest, ALockHeldTooLongIsUnavailableWithoutSqlOrPath) {
  TempDir dir;
  const auto file = dir.path() / "store.db";
  SqliteStoreOptions options;
  options.busy_timeout = absl::Milliseconds(20);
  auto store = OpenSqliteStore(file.string(), options);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  WriteLockHolder lock(file);
  auto account = (*store)->accounts().EnsureAccount("acme", std::nullopt);
  EXPECT_EQ(account.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(account.status().message().find(file.string()), std::string::npos);
  EXPECT_EQ(account.status().message().find("INSERT"), std::string::npos);
  // Readers are not blocked by a writer in WAL mode.
  EXPECT_TRUE((*store)->accounts().ListAccounts().ok());
}

}  // namespace
}  // namespace phonebulk::store::sqlite
