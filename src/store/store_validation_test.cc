// Per-call credit charges and the real-time answer cache, against a real
// SQLite file. Times are constructed, never waited for.

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);

class ValidationStoreTest : public testing::AcmeStoreTest {
 protected:
  ValidationStoreTest() : AcmeStoreTest(3) {}
};

TEST_P(ValidationStoreTest, ChargeTakesCreditsAndReturnsTheBalance) {
  auto balance = store_->accounts().ChargeCredits(acme_, 1);
  ASSERT_TRUE(balance.ok()) << balance.status();
  EXPECT_EQ(*balance, 2);
  balance = store_->accounts().ChargeCredits(acme_, 2);
  ASSERT_TRUE(balance.ok()) << balance.status();
  EXPECT_EQ(*balance, 0);
  EXPECT_EQ(Credits(), 0);
}

TEST_P(ValidationStoreTest, ShortBalanceIsResourceExhaustedAndTakesNothing) {
  auto balance = store_->accounts().ChargeCredits(acme_, 4);
  EXPECT_EQ(balance.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(std::string(balance.status().message()),
            "the balance is 3 credits and 4 are needed");
  EXPECT_EQ(Credits(), 3);
}

TEST_P(ValidationStoreTest, ChargeRefusesUnknownAccountsAndBadAmounts) {
  EXPECT_EQ(store_->accounts().ChargeCredits(acme_ + 100, 1).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->accounts().ChargeCredits(acme_, 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(store_->accounts().ChargeCredits(acme_, -5).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Credits(), 3);
}

// Guards against check-then-update races: many threads spending a balance of
// 3 must succeed exactly 3 times between them.
TEST_P(ValidationStoreTest, ConcurrentChargesNeverOverdraw) {
  std::atomic<int> ok{0};
  std::atomic<int> exhausted{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&] {
      for (int k = 0; k < 4; ++k) {
        auto r = store_->accounts().ChargeCredits(acme_, 1);
        if (r.ok()) {
          ++ok;
        } else if (absl::IsResourceExhausted(r.status())) {
          ++exhausted;
        } else {
          ADD_FAILURE() << r.status();  // neither: say what it was
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(ok.load(), 3);
  EXPECT_EQ(exhausted.load(), 29);
  EXPECT_EQ(Credits(), 0);
}

TEST_P(ValidationStoreTest, CacheAnswersOnlyEntriesNotOlderThanAsked) {
  auto miss = store_->cache().GetCachedResult("k", kT0 - absl::Hours(24));
  ASSERT_TRUE(miss.ok()) << miss.status();
  EXPECT_FALSE(miss->has_value());

  ASSERT_TRUE(store_->cache().PutCachedResult("k", "blob-1", kT0).ok());
  auto hit = store_->cache().GetCachedResult("k", kT0 - absl::Hours(24));
  ASSERT_TRUE(hit.ok()) << hit.status();
  EXPECT_EQ(hit->value_or(""), "blob-1");
  // Exactly at the bound still counts; a microsecond later does not.
  EXPECT_TRUE(store_->cache().GetCachedResult("k", kT0)->has_value());
  EXPECT_FALSE(store_->cache()
                   .GetCachedResult("k", kT0 + absl::Microseconds(1))
                   ->has_value());
  EXPECT_FALSE(store_->cache().GetCachedResult("other", kT0)->has_value());
}

TEST_P(ValidationStoreTest, PutReplacesTheEntryAndItsTime) {
  ASSERT_TRUE(store_->cache().PutCachedResult("k", "old", kT0).ok());
  ASSERT_TRUE(
      store_->cache().PutCachedResult("k", "new", kT0 + absl::Hours(48)).ok());
  EXPECT_EQ(
      store_->cache().GetCachedResult("k", kT0 + absl::Hours(47))->value_or(""),
      "new");
}

TEST_P(ValidationStoreTest, BlobsKeepEveryByte) {
  const std::string blob("a\0b\xff{}", 6);
  ASSERT_TRUE(store_->cache().PutCachedResult("k", blob, kT0).ok());
  EXPECT_EQ(store_->cache().GetCachedResult("k", kT0)->value_or(""), blob);
}

TEST_P(ValidationStoreTest, PurgeDeletesOnlyOlderEntries) {
  ASSERT_TRUE(store_->cache().PutCachedResult("old", "1", kT0).ok());
  ASSERT_TRUE(
      store_->cache().PutCachedResult("edge", "2", kT0 + absl::Hours(1)).ok());
  ASSERT_TRUE(
      store_->cache().PutCachedResult("new", "3", kT0 + absl::Hours(2)).ok());
  auto purged = store_->cache().PurgeCachedResultsBefore(kT0 + absl::Hours(1));
  ASSERT_TRUE(purged.ok()) << purged.status();
  EXPECT_EQ(*purged, 1);
  EXPECT_FALSE(store_->cache().GetCachedResult("old", kT0)->has_value());
  EXPECT_TRUE(store_->cache().GetCachedResult("edge", kT0)->has_value());
  EXPECT_TRUE(store_->cache().GetCachedResult("new", kT0)->has_value());
  EXPECT_EQ(*store_->cache().PurgeCachedResultsBefore(kT0 + absl::Hours(1)), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, ValidationStoreTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
