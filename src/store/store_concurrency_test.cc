// Many workers in two Store instances (two pools, as two processes would
// have) on one file: every phone is processed exactly once and no SQLITE_BUSY
// ever reaches a caller.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

constexpr int kPhones = 1000;
constexpr int kChunk = 5;
constexpr int kThreadsPerStore = 4;
const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);

class ConcurrencyTest : public ::testing::TestWithParam<testing::Backend> {
 protected:
  void SetUp() override {
    db_ = std::make_unique<testing::TestDatabase>(GetParam());
    if (!db_->available()) GTEST_SKIP() << "no PostgreSQL test server";
    for (auto& store : stores_) {
      store = testing::OpenMigratedUrl(db_->url());
      ASSERT_NE(store, nullptr);
    }
    auto account = stores_[0]->accounts().EnsureAccount("acme", std::nullopt);
    ASSERT_TRUE(account.ok());
    account_ = account->id;
    ASSERT_TRUE(stores_[0]->accounts().AddCredits("acme", 10 * kPhones).ok());
    std::vector<PhoneInput> phones(kPhones);
    for (int i = 0; i < kPhones; ++i) phones[i].number = absl::StrCat(i);
    ASSERT_TRUE(stores_[0]
                    ->batches()
                    .CreateBatch(
                        testing::NewBatch("concurrent", account_, kPhones, kT0),
                        phones, kChunk)
                    .ok());
    ASSERT_TRUE(
        stores_[1]
            ->batches()
            .StartBatch(account_, "concurrent", kT0, 2 * kPhones, std::nullopt)
            .ok());
  }

  // Runs kThreadsPerStore workers per store until the batch completes. Each
  // worker's clock is `now(claims so far)`; returns how often each phone was
  // in a successful commit. Aborted commits are allowed only when
  // `allow_aborts` (leases expire by design then).
  std::vector<int> RunWorkers(absl::Duration lease,
                              std::function<absl::Time(int64_t)> now,
                              bool allow_aborts) {
    std::vector<int> committed(kPhones, 0);
    absl::Mutex mu;
    std::atomic<int64_t> claims{0};
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (auto& store : stores_) {
      for (int t = 0; t < kThreadsPerStore; ++t) {
        threads.emplace_back([&, s = store.get()] {
          while (true) {
            const absl::Time at = now(claims++);
            auto claim = s->queue().ClaimChunk(at, lease);
            if (!claim.ok()) {
              ADD_FAILURE() << claim.status();
              ++errors;
              return;
            }
            if (!claim->has_value()) {
              auto batch = s->batches().GetBatch(account_, "concurrent");
              if (!batch.ok()) {
                ADD_FAILURE() << batch.status();
                return;
              }
              if (batch->status != BatchStatus::kProcessing) return;
              std::this_thread::yield();  // others hold the remaining chunks
              continue;
            }
            const ChunkClaim& c = **claim;
            std::vector<ProcessedPhone> results;
            for (size_t i = 0; i < c.phones.size(); ++i) {
              const int index = c.first_index + static_cast<int>(i);
              EXPECT_EQ(c.phones[i].number, absl::StrCat(index));
              results.push_back({index, absl::StrCat("r", index)});
            }
            absl::Status s_commit =
                s->queue()
                    .CommitChunk(c, results,
                                 static_cast<int64_t>(results.size()), at)
                    .status();
            if (s_commit.ok()) {
              absl::MutexLock lock(&mu);
              for (const auto& r : results) ++committed[r.index];
            } else if (!(allow_aborts && absl::IsAborted(s_commit))) {
              ADD_FAILURE() << s_commit;
              ++errors;
            }
          }
        });
      }
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(errors.load(), 0);
    return committed;
  }

  void ExpectCompletedExactlyOnce(const std::vector<int>& committed) {
    for (int i = 0; i < kPhones; ++i) {
      ASSERT_EQ(committed[i], 1) << "phone " << i;
    }
    auto batch = stores_[0]->batches().GetBatch(account_, "concurrent");
    ASSERT_TRUE(batch.ok());
    EXPECT_EQ(batch->status, BatchStatus::kCompleted);
    EXPECT_EQ(batch->records_processed, batch->records);
    EXPECT_EQ(batch->credits_charged, kPhones);
    EXPECT_EQ(stores_[1]->accounts().GetAccountById(account_)->credits,
              9 * kPhones);
    auto phones = stores_[1]->batches().GetPhones("concurrent");
    ASSERT_TRUE(phones.ok());
    for (const PhoneRecord& p : *phones) {
      EXPECT_EQ(p.result_blob, absl::StrCat("r", p.index));
    }
  }

  std::unique_ptr<testing::TestDatabase> db_;
  std::unique_ptr<Store> stores_[2];
  int64_t account_ = 0;
};

TEST_P(ConcurrencyTest, EightWorkersOnTwoStoresProcessEveryPhoneOnce) {
  std::vector<int> committed = RunWorkers(
      absl::Minutes(5), [](int64_t) { return kT0; }, /*allow_aborts=*/false);
  ExpectCompletedExactlyOnce(committed);
}

// Leases far shorter than the claim rate, so chunks are constantly taken
// over mid-flight: stale commits must lose and each phone still be
// committed exactly once.
TEST_P(ConcurrencyTest, TakeoversNeverCommitAPhoneTwice) {
  std::vector<int> committed = RunWorkers(
      absl::Seconds(3), [](int64_t n) { return kT0 + absl::Seconds(n); },
      /*allow_aborts=*/true);
  ExpectCompletedExactlyOnce(committed);
}

INSTANTIATE_TEST_SUITE_P(Backends, ConcurrencyTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
