// Settlement happens once: the rule behind every refund. Each backend ends a
// batch in one function (EndBatch) whose UPDATE only takes a batch that is
// still submitted or processing. The public store methods read the batch in
// the same transaction and refuse an ended one first, so a second settlement
// can only come from a caller whose view went stale: these tests play that
// caller, on each backend, with the backend's own EndBatch on a connection
// of its own, and check the account's balance did not move.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "store/batches_test_fixture.h"
#include "store/postgres/pg_connection.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/connection.h"
#include "store/sqlite/sqlite_store.h"

namespace phonebulk::store::testing {
namespace {

class EndBatchTest : public BatchesTest {
 protected:
  // Ends `stale` (read before the batch ended) as stopped through the
  // backend's EndBatch, as a racing stop or expiry would.
  absl::Status EndStale(const Batch& stale) {
    const absl::Time at = kT0 + absl::Minutes(3);
    if (GetParam() == Backend::kSqlite) {
      const std::string url = db_->url();
      auto conn = sqlite::Connection::Open(url.substr(url.find(':') + 1),
                                           absl::Seconds(10));
      if (!conn.ok()) return conn.status();
      return sqlite::EndBatch(**conn, stale, BatchStatus::kStopped,
                              StopReason::kStoppedByRequest, at)
          .status();
    }
    auto conn = postgres::Connection::Open(db_->url());
    if (!conn.ok()) return conn.status();
    return postgres::EndBatch(**conn, stale, BatchStatus::kStopped,
                              StopReason::kStoppedByRequest, at)
        .status();
  }
};

TEST_P(EndBatchTest, AStaleViewOfACompletedBatchSettlesNothing) {
  const std::string id = Create(4, 2);
  ASSERT_TRUE(Start(id, 4).ok());
  const Batch stale = Get(id);  // processing, 4 reserved
  ASSERT_EQ(stale.status, BatchStatus::kProcessing);
  for (int i = 0; i < 2; ++i) {
    auto claim = Claim(kT0);
    ASSERT_TRUE(claim.has_value());
    ASSERT_TRUE(Commit(*claim, 1).ok());  // one of the two phones charged
  }
  ASSERT_EQ(Get(id).status, BatchStatus::kCompleted);
  ASSERT_EQ(Credits(), 100 - 2);  // 2 charged, the other 2 given back

  absl::Status again = EndStale(stale);
  EXPECT_EQ(again.code(), absl::StatusCode::kAborted) << again;
  EXPECT_EQ(Credits(), 100 - 2) << "a completed batch was settled twice";
  const Batch after = Get(id);
  EXPECT_EQ(after.status, BatchStatus::kCompleted);
  EXPECT_EQ(after.credits_charged, 2);
}

TEST_P(EndBatchTest, AStaleViewOfAStoppedBatchSettlesNothing) {
  const std::string id = Create(4, 2);
  ASSERT_TRUE(Start(id, 4).ok());
  const Batch stale = Get(id);
  ASSERT_TRUE(store_->batches()
                  .StopBatch(acme_, id, kT0 + absl::Minutes(1),
                             StopReason::kStoppedByRequest)
                  .ok());
  ASSERT_EQ(Credits(), 100);  // nothing charged, all given back

  absl::Status again = EndStale(stale);
  EXPECT_EQ(again.code(), absl::StatusCode::kAborted) << again;
  EXPECT_EQ(Credits(), 100) << "a stopped batch was settled twice";
}

// The control: the same call on a view that is not stale does settle, so
// the two tests above fail for the reason they name and no other.
TEST_P(EndBatchTest, ACurrentViewSettlesOnce) {
  const std::string id = Create(4, 2);
  ASSERT_TRUE(Start(id, 4).ok());
  ASSERT_EQ(Credits(), 96);
  ASSERT_TRUE(EndStale(Get(id)).ok());
  EXPECT_EQ(Credits(), 100);
  EXPECT_EQ(Get(id).status, BatchStatus::kStopped);
}

// The public face of the same rule: stopping or expiring a batch that has
// completed changes nothing.
TEST_P(EndBatchTest, ACompletedBatchIsNeitherStoppedNorExpired) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(store_->batches()
                  .StartBatch(acme_, id, kT0, 4, kT0 + absl::Minutes(5))
                  .ok());
  auto claim = Claim(kT0);
  ASSERT_TRUE(claim.has_value());
  ASSERT_TRUE(Commit(*claim, 2).ok());
  ASSERT_EQ(Get(id).status, BatchStatus::kCompleted);
  ASSERT_EQ(Credits(), 98);

  auto stop = store_->batches().StopBatch(acme_, id, kT0 + absl::Minutes(1),
                                          StopReason::kStoppedByRequest);
  EXPECT_EQ(stop.status().code(), absl::StatusCode::kFailedPrecondition);
  auto expired = store_->batches().StopExpiredBatches(kT0 + absl::Hours(1));
  ASSERT_TRUE(expired.ok()) << expired.status();
  EXPECT_EQ(*expired, 0);
  EXPECT_EQ(Credits(), 98);
  EXPECT_EQ(Get(id).status, BatchStatus::kCompleted);
}

INSTANTIATE_TEST_SUITE_P(Backends, EndBatchTest, AllBackends(), BackendName);

}  // namespace
}  // namespace phonebulk::store::testing
