// What only the PostgreSQL store has: a URL with a password, a server that
// is down or drops its connections, and migrations from nodes starting
// together. Runs against the test server (store/test_backend.h); skipped
// without one.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/migrations.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

using testing::Backend;
using testing::TestDatabase;

class PostgresStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!db_.available()) GTEST_SKIP() << "no PostgreSQL test server";
  }
  TestDatabase db_{Backend::kPostgres};
};

TEST(PostgresUrlTest, BadUrlIsInvalidArgument) {
  auto store = OpenStore("postgresql://host:notaport/db?nosuchoption=1");
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(PostgresUrlTest, ServerDownIsUnavailableWithoutThePassword) {
  // Port 1 on loopback: nothing listens there, the refusal is immediate.
  auto store = OpenStore("postgresql://u:s3cret-pw@127.0.0.1:1/db");
  ASSERT_TRUE(store.ok()) << store.status();  // connects lazily
  absl::Status ping = (*store)->Ping();
  EXPECT_EQ(ping.code(), absl::StatusCode::kUnavailable) << ping;
  EXPECT_EQ(ping.message().find("s3cret-pw"), std::string::npos) << ping;
  EXPECT_EQ((*store)->accounts().GetAccount("x").status().code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(PostgresStoreTest, MigrationsRecordEveryFileAndRerunIsANoOp) {
  auto store = testing::OpenMigratedUrl(db_.url());
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(store->Migrate().ok());
  EXPECT_EQ(db_.QueryText("SELECT count(*) FROM schema_migrations"),
            std::to_string(postgres::EmbeddedMigrations().size()));
  EXPECT_EQ(db_.QueryText("SELECT name FROM schema_migrations ORDER BY "
                          "version LIMIT 1"),
            "001_initial");
  EXPECT_TRUE(store->Ping().ok());
  EXPECT_NE(db_.QueryText("SELECT at_us FROM storage_probe"), "");
}

TEST_F(PostgresStoreTest, NodesStartingTogetherAllMigrate) {
  // Each store is a node's pool; the advisory lock makes them take turns.
  constexpr int kNodes = 6;
  std::vector<std::unique_ptr<Store>> stores(kNodes);
  std::vector<absl::Status> results(kNodes);
  for (int i = 0; i < kNodes; ++i) {
    auto store = OpenStore(db_.url());
    ASSERT_TRUE(store.ok());
    stores[i] = *std::move(store);
  }
  std::vector<std::thread> threads;
  for (int i = 0; i < kNodes; ++i) {
    threads.emplace_back([&, i] { results[i] = stores[i]->Migrate(); });
  }
  for (auto& t : threads) t.join();
  for (const absl::Status& s : results) EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(db_.QueryText("SELECT count(*) FROM schema_migrations"),
            std::to_string(postgres::EmbeddedMigrations().size()));
}

TEST_F(PostgresStoreTest, RefusesADatabaseFromANewerBuild) {
  auto store = testing::OpenMigratedUrl(db_.url());
  ASSERT_NE(store, nullptr);
  db_.QueryText(
      "INSERT INTO schema_migrations (version, name, applied_us) VALUES "
      "(999, '999_future', 0)");
  EXPECT_EQ(store->Migrate().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PostgresStoreTest, RecoversAfterTheServerDropsEveryConnection) {
  auto store = testing::OpenMigratedUrl(db_.url());
  ASSERT_NE(store, nullptr);
  // Several pooled connections, all idle afterwards.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] { EXPECT_TRUE(store->Ping().ok()); });
  }
  for (auto& t : threads) t.join();
  // What a server restart does to them.
  const std::string killed = db_.QueryText(
      "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE "
      "datname = current_database() AND pid <> pg_backend_pid()");
  ASSERT_NE(killed, "0");
  // The next call finds its pooled connection dead before anything was
  // sent, drops the idle ones and runs on a new connection.
  auto account = store->accounts().EnsureAccount("acme", std::nullopt);
  EXPECT_TRUE(account.ok()) << account.status();
  EXPECT_TRUE(store->Ping().ok());
}

TEST_F(PostgresStoreTest, OneRateLimitForEveryNode) {
  // Two stores are two nodes; their threads race for one account's minute.
  constexpr int kLimit = 50;
  constexpr int kThreads = 8;
  constexpr int kCallsPerThread = 10;
  std::unique_ptr<Store> nodes[2] = {testing::OpenMigratedUrl(db_.url()),
                                     testing::OpenMigratedUrl(db_.url())};
  ASSERT_TRUE(nodes[0] && nodes[1]);
  auto account = nodes[0]->accounts().EnsureAccount("acme", kLimit);
  ASSERT_TRUE(account.ok());
  const absl::Time minute = absl::FromUnixSeconds(1'750'000'020);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, node = nodes[t % 2].get()] {
      for (int i = 0; i < kCallsPerThread; ++i) {
        auto count = node->accounts().CountRequest(account->id, minute, kLimit);
        ASSERT_TRUE(count.ok()) << count.status();
        if (count->admitted) {
          ++admitted;
          EXPECT_LE(count->used, kLimit);
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(admitted.load(), kLimit);
  // The next minute starts from zero.
  auto next = nodes[1]->accounts().CountRequest(
      account->id, minute + absl::Minutes(1), kLimit);
  ASSERT_TRUE(next.ok());
  EXPECT_TRUE(next->admitted);
  EXPECT_EQ(next->used, 1);
}

TEST(SqliteRateTest, SqliteLeavesCountingToTheProcess) {
  TestDatabase db(Backend::kSqlite);
  auto store = testing::OpenMigratedUrl(db.url());
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->accounts().CountRequest(1, absl::Now(), 10).status().code(),
            absl::StatusCode::kUnimplemented);
}

}  // namespace
}  // namespace phonebulk::store
