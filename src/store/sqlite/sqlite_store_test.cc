// Opening, migrations, accounts and tokens, against real SQLite files.

#include "store/sqlite/sqlite_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>
#include <limits>
#include <thread>

#include "store/sqlite/migrations.h"
#include "store/sqlite/test_util.h"
#include "store/store.h"

namespace phonebulk::store::sqlite {
namespace {

TEST(OpenStoreTest, RejectsUnknownSchemes) {
  for (const char* url : {"postgres://localhost/x", "", "file:/tmp/x.db",
                          "sqlite", "SQLITE:/tmp/x.db"}) {
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
  auto batch = store->GetBatch(1, "b1");
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->reason, StopReason::kStoppedByRequest);
  // The new reason is accepted, and the references still hold.
  QueryText(file, "UPDATE batches SET reason = 'processing_failed'");
  EXPECT_EQ(store->GetBatch(1, "b1")->reason, StopReason::kProcessingFailed);
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
      [&] { account = store->EnsureAccount("acme", std::nullopt); });
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
  auto account = (*store)->EnsureAccount("acme", std::nullopt);
  EXPECT_EQ(account.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(account.status().message().find(file.string()), std::string::npos);
  EXPECT_EQ(account.status().message().find("INSERT"), std::string::npos);
  // Readers are not blocked by a writer in WAL mode.
  EXPECT_TRUE((*store)->ListAccounts().ok());
}

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenMigrated(dir_.path() / "store.db");
    ASSERT_NE(store_, nullptr);
  }
  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(AccountsTest, EnsureCreatesOnceAndUpdatesRateLimitOnlyWhenGiven) {
  auto created = store_->EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(created.ok()) << created.status();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->name, "acme");
  EXPECT_EQ(created->credits, 0);
  EXPECT_EQ(created->rate_limit_per_minute, 150);

  auto again = store_->EnsureAccount("acme", 20);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id, created->id);
  EXPECT_EQ(again->rate_limit_per_minute, 20);
  EXPECT_EQ(store_->EnsureAccount("acme", std::nullopt)->rate_limit_per_minute,
            20);

  auto other = store_->EnsureAccount("zeta", 5);
  ASSERT_TRUE(other.ok());
  EXPECT_EQ(other->rate_limit_per_minute, 5);
  EXPECT_NE(other->id, created->id);

  EXPECT_EQ(store_->GetAccount("acme")->id, created->id);
  EXPECT_EQ(store_->GetAccountById(other->id)->name, "zeta");
  EXPECT_EQ(store_->GetAccount("nobody").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->GetAccountById(12345).status().code(),
            absl::StatusCode::kNotFound);
  auto all = store_->ListAccounts();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "acme");
  EXPECT_EQ((*all)[1].name, "zeta");
}

TEST_F(AccountsTest, AddCreditsNeverGoesBelowZero) {
  ASSERT_TRUE(store_->EnsureAccount("acme", std::nullopt).ok());
  EXPECT_EQ(store_->AddCredits("acme", 100)->credits, 100);
  EXPECT_EQ(store_->AddCredits("acme", -30)->credits, 70);
  auto too_much = store_->AddCredits("acme", -71);
  EXPECT_EQ(too_much.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->GetAccount("acme")->credits, 70);
  EXPECT_EQ(store_->AddCredits("nobody", 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(AccountsTest, AddCreditsNeverWrapsPastInt64Max) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  ASSERT_TRUE(store_->EnsureAccount("acme", std::nullopt).ok());
  ASSERT_EQ(store_->AddCredits("acme", kMax)->credits, kMax);
  auto more = store_->AddCredits("acme", 1);
  EXPECT_EQ(more.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_NE(more.status().message().find("may not exceed"),
            absl::string_view::npos)
      << more.status();
  EXPECT_EQ(store_->GetAccount("acme")->credits, kMax);
  // Taking INT64_MIN from a zero balance names its true size.
  ASSERT_TRUE(store_->EnsureAccount("zero", std::nullopt).ok());
  auto take = store_->AddCredits("zero", std::numeric_limits<int64_t>::min());
  EXPECT_EQ(take.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(take.status().message().find("cannot take 9223372036854775808"),
            absl::string_view::npos)
      << take.status();
}

Token MakeToken(int64_t account_id, std::string hash, std::string prefix) {
  Token t;
  t.account_id = account_id;
  t.hash_hex = std::move(hash);
  t.display_prefix = std::move(prefix);
  return t;
}

TEST_F(AccountsTest, TokensRoundTrip) {
  auto acme = store_->EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(acme.ok());
  Token t = MakeToken(acme->id, std::string(64, 'a'), "pb_aaaa");
  t.products = kProductPhoneBulk;
  t.allow_ips = {"10.0.0.0/8", "192.168.1.1/32"};
  t.allow_domains = {"example.com"};
  auto inserted = store_->InsertToken(t);
  ASSERT_TRUE(inserted.ok()) << inserted.status();
  EXPECT_GT(inserted->id, 0);
  EXPECT_EQ(inserted->account_name, "acme");

  auto found = store_->FindTokenByHash(std::string(64, 'a'));
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, inserted->id);
  EXPECT_EQ(found->account_id, acme->id);
  EXPECT_EQ(found->display_prefix, "pb_aaaa");
  EXPECT_EQ(found->products, kProductPhoneBulk);
  EXPECT_FALSE(found->disabled);
  EXPECT_EQ(found->allow_ips, t.allow_ips);
  EXPECT_EQ(found->allow_domains, t.allow_domains);

  EXPECT_EQ(store_->InsertToken(t).status().code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(store_->InsertToken(MakeToken(999, "bb", "pb_b")).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->FindTokenByHash("nope").status().code(),
            absl::StatusCode::kNotFound);
  Token bad = MakeToken(acme->id, "cc", "pb_c");
  bad.allow_domains = {"a.com\nb.com"};
  EXPECT_EQ(store_->InsertToken(bad).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(AccountsTest, SetTokenDisabledByHashOrUniquePrefix) {
  auto acme = store_->EnsureAccount("acme", std::nullopt);
  ASSERT_TRUE(acme.ok());
  ASSERT_TRUE(store_->InsertToken(MakeToken(acme->id, "h1", "pb_one")).ok());
  ASSERT_TRUE(store_->InsertToken(MakeToken(acme->id, "h2", "pb_dup")).ok());
  ASSERT_TRUE(store_->InsertToken(MakeToken(acme->id, "h3", "pb_dup")).ok());

  ASSERT_TRUE(store_->SetTokenDisabled("h1", true).ok());
  EXPECT_TRUE(store_->FindTokenByHash("h1")->disabled);
  ASSERT_TRUE(store_->SetTokenDisabled("pb_one", false).ok());
  EXPECT_FALSE(store_->FindTokenByHash("h1")->disabled);

  EXPECT_EQ(store_->SetTokenDisabled("pb_dup", true).code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(store_->FindTokenByHash("h2")->disabled);
  ASSERT_TRUE(store_->SetTokenDisabled("h3", true).ok());
  EXPECT_TRUE(store_->FindTokenByHash("h3")->disabled);
  EXPECT_EQ(store_->SetTokenDisabled("pb_none", true).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->SetTokenDisabled("", true).code(),
            absl::StatusCode::kNotFound);

  auto all = store_->ListTokens();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].hash_hex, "h1");
  EXPECT_EQ((*all)[2].hash_hex, "h3");
  EXPECT_TRUE((*all)[2].disabled);
}

}  // namespace
}  // namespace phonebulk::store::sqlite
