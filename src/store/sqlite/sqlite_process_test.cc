// Several processes on one SQLite file, as when two service instances (or
// the service and an admin command) start at once. Each child opens its own
// Store after fork(); the parent holds no connection across fork(), which
// SQLite forbids.

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/migrations.h"
#include "store/sqlite/test_util.h"
#include "store/store.h"

namespace phonebulk::store::sqlite {
namespace {

constexpr int kPhones = 600;
const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);

// Forks `n` children running `child` (its return value is the exit code) and
// returns their exit codes.
template <typename Fn>
std::vector<int> RunChildren(int n, Fn child) {
  std::vector<pid_t> pids;
  for (int i = 0; i < n; ++i) {
    const pid_t pid = fork();
    if (pid == 0) _exit(child());
    pids.push_back(pid);
  }
  std::vector<int> codes;
  for (pid_t pid : pids) {
    int status = 0;
    waitpid(pid, &status, 0);
    codes.push_back(WIFEXITED(status) ? WEXITSTATUS(status) : 128);
  }
  return codes;
}

TEST(ProcessTest, SimultaneousFirstStartsAllMigrate) {
  TempDir dir;
  const std::string url = "sqlite:" + (dir.path() / "db" / "store.db").string();
  std::vector<int> codes = RunChildren(4, [&] {
    auto store = OpenStore(url);
    if (!store.ok()) return 1;
    return (*store)->Migrate().ok() && (*store)->Ping().ok() ? 0 : 2;
  });
  EXPECT_EQ(codes, std::vector<int>(4, 0));
  auto store = OpenStore(url);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->Migrate().ok());
  EXPECT_TRUE((*store)->accounts().ListAccounts()->empty());
}

TEST(ProcessTest, WorkersInTwoProcessesProcessEveryPhoneOnce) {
  TempDir dir;
  const std::string url = "sqlite:" + (dir.path() / "store.db").string();
  int64_t account_id = 0;
  {
    auto store = OpenMigrated(dir.path() / "store.db");
    ASSERT_NE(store, nullptr);
    account_id = store->accounts().EnsureAccount("acme", std::nullopt)->id;
    ASSERT_TRUE(store->accounts().AddCredits("acme", 2 * kPhones).ok());
    std::vector<PhoneInput> phones(kPhones);
    ASSERT_TRUE(
        store->batches()
            .CreateBatch(testing::NewBatch("b", account_id, kPhones, kT0),
                         phones, 3)
            .ok());
    ASSERT_TRUE(store->batches()
                    .StartBatch(account_id, "b", kT0, 2 * kPhones, std::nullopt)
                    .ok());
  }  // every connection closed before fork()

  std::vector<int> codes = RunChildren(2, [&] {
    auto store = OpenStore(url);
    if (!store.ok()) return 1;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 3; ++t) {
      threads.emplace_back([&] {
        while (true) {
          auto claim = (*store)->queue().ClaimChunk(kT0, absl::Minutes(5));
          if (!claim.ok()) {
            ++failures;
            return;
          }
          if (!claim->has_value()) {
            auto batch = (*store)->batches().GetBatch(account_id, "b");
            if (!batch.ok()) ++failures;
            if (!batch.ok() || batch->status != BatchStatus::kProcessing) {
              return;
            }
            std::this_thread::yield();
            continue;
          }
          std::vector<ProcessedPhone> results;
          for (size_t i = 0; i < (*claim)->phones.size(); ++i) {
            const int index = (*claim)->first_index + static_cast<int>(i);
            results.push_back({index, absl::StrCat("r", index)});
          }
          if (!(*store)->queue().CommitChunk(**claim, results, 1, kT0).ok()) {
            ++failures;
          }
        }
      });
    }
    for (auto& t : threads) t.join();
    return failures.load() == 0 ? 0 : 3;
  });
  EXPECT_EQ(codes, std::vector<int>(2, 0));

  auto store = OpenMigrated(dir.path() / "store.db");
  ASSERT_NE(store, nullptr);
  auto batch = store->batches().GetBatch(account_id, "b");
  ASSERT_TRUE(batch.ok());
  EXPECT_EQ(batch->status, BatchStatus::kCompleted);
  EXPECT_EQ(batch->records_processed, kPhones);
  EXPECT_EQ(batch->credits_charged, kPhones / 3);  // one per chunk
  EXPECT_EQ(store->accounts().GetAccountById(account_id)->credits,
            2 * kPhones - kPhones / 3);
  auto phones = store->batches().GetPhones("b");
  ASSERT_TRUE(phones.ok());
  for (const PhoneRecord& p : *phones) {
    EXPECT_EQ(p.result_blob, absl::StrCat("r", p.index));
  }
}

}  // namespace
}  // namespace phonebulk::store::sqlite
