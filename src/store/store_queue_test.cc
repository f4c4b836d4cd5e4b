// The work queue's exactly-once rules on each backend: stale commits and
// lease extensions after a takeover, releases, claim order, commits that
// must cover their chunk, failing a batch from a chunk, chunks with missing
// phones. Times are constructed, never waited for.

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "store/batches_test_fixture.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

using testing::kLease;
using testing::kT0;

class QueueTest : public testing::BatchesTest {};

TEST_P(QueueTest, StaleCommitAfterTakeoverIsAbortedAndWritesNothing) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(Start(id, 10).ok());
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  // Still leased: nobody else gets it.
  EXPECT_FALSE(Claim(kT0 + kLease - absl::Microseconds(1)).has_value());
  // Lease expired: a second worker takes over with the next attempt.
  auto second = Claim(kT0 + kLease);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->chunk_index, first->chunk_index);
  EXPECT_EQ(second->attempt, first->attempt + 1);

  absl::Status stale = Commit(*first, 2);
  EXPECT_EQ(stale.code(), absl::StatusCode::kAborted);
  // Marked as the fence's refusal, which the processor counts apart.
  EXPECT_TRUE(IsStaleClaim(stale)) << stale;
  EXPECT_TRUE(
      IsStaleClaim(store_->queue().ExtendLease(*first, kT0 + kLease, kLease)));
  Batch b = Get(id);
  EXPECT_EQ(b.records_processed, 0);
  EXPECT_EQ(b.credits_charged, 0);
  EXPECT_EQ(b.status, BatchStatus::kProcessing);
  EXPECT_FALSE((*store_->batches().GetPhones(id))[0].result_blob.has_value());

  ASSERT_TRUE(Commit(*second, 2).ok());
  EXPECT_EQ(Get(id).status, BatchStatus::kCompleted);
  EXPECT_EQ(Credits(), 98);
  // A repeated commit of a finished claim is refused too.
  EXPECT_EQ(Commit(*second, 2).code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Credits(), 98);
}

// The attempt number fences ExtendLease as it fences CommitChunk: a worker
// that lost its chunk to a takeover (it stalled past its lease) and then
// renews must be told so, and must not push out the new owner's lease (nor
// touch the chunk otherwise), or the chunk would look busy for as long as the
// stale worker keeps renewing.
TEST_P(QueueTest, StaleExtendLeaseAfterTakeoverLeavesTheNewClaimAlone) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(
      store_->batches().StartBatch(acme_, id, kT0, 10, std::nullopt).ok());
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  auto second = Claim(kT0 + kLease);
  ASSERT_TRUE(second.has_value());
  ASSERT_EQ(second->chunk_index, first->chunk_index);
  ASSERT_EQ(second->attempt, first->attempt + 1);
  const std::string chunk_query = absl::StrCat(
      "SELECT state || ' ' || attempt || ' ' || lease_until_us FROM chunks "
      "WHERE batch_id = '",
      id, "' AND chunk_index = ", second->chunk_index);
  const std::string taken_over = absl::StrCat(
      "claimed ", second->attempt, " ", absl::ToUnixMicros(kT0 + 2 * kLease));
  ASSERT_EQ(db_->QueryText(chunk_query), taken_over);

  // The stale worker renews later than the new owner's lease would end.
  const absl::Time late = kT0 + kLease + absl::Seconds(30);
  ChunkClaim stale = *first;
  absl::Status extended = store_->queue().ExtendLease(stale, late, kLease);
  EXPECT_EQ(extended.code(), absl::StatusCode::kAborted) << extended;
  EXPECT_TRUE(IsStaleClaim(extended)) << extended;
  EXPECT_EQ(stale.lease_until, first->lease_until) << "a refused claim moved";
  EXPECT_EQ(db_->QueryText(chunk_query), taken_over)
      << "the stale renewal changed the new owner's chunk";
  // The new owner still renews and commits.
  ASSERT_TRUE(store_->queue().ExtendLease(*second, late, kLease).ok());
  EXPECT_EQ(second->lease_until, late + kLease);
  ASSERT_TRUE(Commit(*second, 2).ok());
  Batch b = Get(id);
  EXPECT_EQ(b.status, BatchStatus::kCompleted);
  EXPECT_EQ(b.records_processed, 2);
  EXPECT_EQ(b.credits_charged, 2);
}

TEST_P(QueueTest, ReleasedChunkIsClaimableAtOnce) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(Start(id, 2).ok());
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  ASSERT_TRUE(store_->queue().ReleaseChunk(*first).ok());
  auto second = Claim(kT0);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->attempt, 2);
  // Releasing the old claim must not hand the new one's chunk back.
  EXPECT_EQ(store_->queue().ReleaseChunk(*first).code(),
            absl::StatusCode::kAborted);
  EXPECT_FALSE(Claim(kT0).has_value());
  ASSERT_TRUE(Commit(*second, 2).ok());
}

TEST_P(QueueTest, ClaimsTakeTheOldestStartedBatchFirst) {
  const std::string later = Create(1, 1);
  const std::string earlier = Create(1, 1);
  ASSERT_TRUE(Start(later, 1, kT0 + absl::Seconds(5)).ok());
  ASSERT_TRUE(Start(earlier, 1).ok());
  EXPECT_EQ(Claim(kT0 + absl::Seconds(10))->batch_id, earlier);
  EXPECT_EQ(Claim(kT0 + absl::Seconds(10))->batch_id, later);
}

TEST_P(QueueTest, CommitMustCoverTheChunkExactly) {
  const std::string id = Create(3, 3);
  ASSERT_TRUE(Start(id, 3).ok());
  auto claim = Claim(kT0);
  ASSERT_TRUE(claim.has_value());
  std::vector<ProcessedPhone> partial = {{0, "r0"}, {1, "r1"}};
  EXPECT_EQ(
      store_->queue().CommitChunk(*claim, partial, 2, kT0).status().code(),
      absl::StatusCode::kInvalidArgument);
  std::vector<ProcessedPhone> twice = {{0, "r0"}, {1, "r1"}, {1, "r1"}};
  EXPECT_EQ(store_->queue().CommitChunk(*claim, twice, 3, kT0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(id).records_processed, 0);
  EXPECT_TRUE(Commit(*claim, 3).ok());
}

TEST_P(QueueTest, FailChunkBatchStopsAndChargesOnlyCommittedChunks) {
  const std::string id = Create(6, 2);
  ASSERT_TRUE(Start(id, 12).ok());
  EXPECT_EQ(Credits(), 88);
  auto done = Claim(kT0);
  auto poison = Claim(kT0);
  ASSERT_TRUE(done && poison);
  ASSERT_TRUE(Commit(*done, 3).ok());

  auto failed = store_->queue().FailChunkBatch(*poison, kT0 + absl::Minutes(1));
  ASSERT_TRUE(failed.ok()) << failed.status();
  EXPECT_EQ(failed->status, BatchStatus::kStopped);
  EXPECT_EQ(failed->reason, StopReason::kProcessingFailed);
  EXPECT_EQ(failed->date_ended, kT0 + absl::Minutes(1));
  // Only the committed chunk stays charged; the reservation is released.
  EXPECT_EQ(Credits(), 97);
  Batch stored = Get(id);
  EXPECT_EQ(stored.reason, StopReason::kProcessingFailed);
  EXPECT_EQ(stored.records_processed, 2);
  EXPECT_EQ(stored.credits_charged, 3);
  // Nothing of the batch is handed out again, and it cannot fail twice.
  EXPECT_FALSE(Claim(kT0 + absl::Hours(1)).has_value());
  EXPECT_EQ(store_->queue().FailChunkBatch(*poison, kT0).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(Credits(), 97);
}

TEST_P(QueueTest, FailChunkBatchRefusesAStaleClaim) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(Start(id, 2).ok());
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  auto second = Claim(kT0 + kLease);  // the lease ran out: taken over
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(store_->queue().FailChunkBatch(*first, kT0).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(Get(id).status, BatchStatus::kProcessing);
  EXPECT_EQ(Credits(), 98);
}

TEST_P(QueueTest, ChunkWithMissingPhonesIsClaimedWithADefect) {
  const std::string id = Create(4, 2);
  ASSERT_TRUE(Start(id, 4).ok());
  // Damage the file as a hand-edit or a bad restore would.
  db_->QueryText("DELETE FROM phones WHERE idx = 1 AND batch_id = '" + id +
                 "'");
  auto claim = Claim(kT0);
  ASSERT_TRUE(claim.has_value());
  EXPECT_EQ(claim->chunk_index, 0);
  EXPECT_EQ(claim->defect, "chunk 0 has 1 of its 2 phones stored");
  EXPECT_TRUE(claim->phones.empty());
  // The claim counted: handed back, it comes again with the next attempt
  // rather than failing every claim of the queue.
  ASSERT_TRUE(store_->queue().ReleaseChunk(*claim).ok());
  auto again = Claim(kT0);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->attempt, 2);
  EXPECT_FALSE(again->defect.empty());
  auto healthy = Claim(kT0);
  ASSERT_TRUE(healthy.has_value());
  EXPECT_EQ(healthy->chunk_index, 1);
  EXPECT_TRUE(healthy->defect.empty());
  EXPECT_EQ(healthy->phones.size(), 2u);
}

// Statistics are counted by the commit itself: a refused commit (stale
// claim, bad bucket) counts nothing, and a page reads only its own phones.
INSTANTIATE_TEST_SUITE_P(Backends, QueueTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
