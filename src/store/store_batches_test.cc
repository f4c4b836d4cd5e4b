// Batch lifecycle, credit settlement and the work queue's exactly-once
// rules, against a real SQLite file. Times are constructed, never waited for.

#include <gtest/gtest.h>

#include <chrono>

#include "absl/strings/str_cat.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);
const absl::Duration kLease = absl::Minutes(1);

class BatchesTest : public testing::AcmeStoreTest {
 protected:
  BatchesTest() : AcmeStoreTest(100) {}

  void SetUp() override {
    AcmeStoreTest::SetUp();
    if (SetUpStopped()) return;
    ASSERT_NO_FATAL_FAILURE(AddAccount("other", 0, &other_));
  }

  // Creates a batch of `n` phones ("p0", "p1", ...) in chunks of `chunk`.
  std::string Create(int n, int chunk, absl::Time submitted = kT0,
                     int64_t account = 0) {
    Batch b = testing::NewBatch(absl::StrCat("batch-", ++created_),
                                account != 0 ? account : acme_, n, submitted);
    b.reference_id = "ref";
    b.config_json = R"({"output_format":"E164"})";
    std::vector<PhoneInput> phones;
    for (int i = 0; i < n; ++i) {
      phones.push_back({absl::StrCat("p", i), i % 2 ? "USA" : ""});
    }
    absl::Status s = store_->batches().CreateBatch(b, phones, chunk);
    EXPECT_TRUE(s.ok()) << s;
    return b.id;
  }

  // Starts acme's batch `id` at `now`, reserving `reserve` credits, with no
  // deadline: how most tests get a batch into the queue.
  absl::Status Start(const std::string& id, int64_t reserve,
                     absl::Time now = kT0) {
    return store_->batches()
        .StartBatch(acme_, id, now, reserve, std::nullopt)
        .status();
  }

  Batch Get(const std::string& id) {
    return *store_->batches().GetBatch(acme_, id);
  }

  std::optional<ChunkClaim> Claim(absl::Time now) {
    auto claim = store_->queue().ClaimChunk(now, kLease);
    EXPECT_TRUE(claim.ok()) << claim.status();
    return claim.ok() ? *claim : std::nullopt;
  }

  // Results "r<index>" for every phone of `claim`.
  static std::vector<ProcessedPhone> ResultsFor(const ChunkClaim& claim) {
    std::vector<ProcessedPhone> out;
    for (size_t i = 0; i < claim.phones.size(); ++i) {
      const int index = claim.first_index + static_cast<int>(i);
      out.push_back({index, absl::StrCat("r", index)});
    }
    return out;
  }

  absl::Status Commit(const ChunkClaim& claim, int64_t charge,
                      absl::Time now = kT0) {
    return store_->queue()
        .CommitChunk(claim, ResultsFor(claim), charge, now)
        .status();
  }

  int64_t other_ = 0;
  int created_ = 0;
};

TEST_P(BatchesTest, CreateStoresBatchAndPhonesInOrder) {
  const std::string id = Create(5, 2);
  Batch b = Get(id);
  EXPECT_EQ(b.status, BatchStatus::kSubmitted);
  EXPECT_EQ(b.records, 5);
  EXPECT_EQ(b.reference_id, "ref");
  EXPECT_EQ(b.date_submitted, kT0);
  EXPECT_FALSE(b.date_started.has_value());
  auto phones = store_->batches().GetPhones(id);
  ASSERT_TRUE(phones.ok());
  ASSERT_EQ(phones->size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ((*phones)[i].index, i);
    EXPECT_EQ((*phones)[i].input.number, absl::StrCat("p", i));
    EXPECT_EQ((*phones)[i].input.country_iso, i % 2 ? "USA" : "");
    EXPECT_FALSE((*phones)[i].result_blob.has_value());
  }
  // A submitted batch offers no work.
  EXPECT_FALSE(Claim(kT0).has_value());
  EXPECT_EQ(store_->batches().GetPhones("missing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(BatchesTest, DuplicateIdOrUnknownAccountIsRefused) {
  Batch b;
  b.id = "dup";
  b.account_id = acme_;
  b.date_submitted = kT0;
  std::vector<PhoneInput> phones = {{"1", ""}};
  ASSERT_TRUE(store_->batches().CreateBatch(b, phones, 10).ok());
  EXPECT_EQ(store_->batches().CreateBatch(b, phones, 10).code(),
            absl::StatusCode::kAlreadyExists);
  b.id = "nobody";
  b.account_id = 4242;
  EXPECT_EQ(store_->batches().CreateBatch(b, phones, 10).code(),
            absl::StatusCode::kNotFound);
}

TEST_P(BatchesTest, CreateAndReadTenThousandPhones) {
  const Batch b = testing::NewBatch("big", acme_, 10'000, kT0);
  std::vector<PhoneInput> phones;
  for (int i = 0; i < b.records; ++i) {
    phones.push_back({absl::StrCat("4412062", 50000 + i), "GBR"});
  }
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(store_->batches().CreateBatch(b, phones, 100).ok());
  const auto created = std::chrono::steady_clock::now();
  auto read = store_->batches().GetPhones(b.id);
  const auto read_done = std::chrono::steady_clock::now();
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(read->size(), 10'000u);
  const auto ms = [](auto d) {
    return std::chrono::duration<double, std::milli>(d).count();
  };
  std::printf("CreateBatch(10k): %.1f ms, GetPhones(10k): %.1f ms\n",
              ms(created - start), ms(read_done - created));
  // The times are printed, never asserted: a loaded machine or a sanitizer
  // build is slow without being wrong (bench/ measures speed).
  EXPECT_EQ(read->front().input.number, "441206250000");
  EXPECT_EQ(read->back().input.number, "441206259999");
}

TEST_P(BatchesTest, AccountsAreIsolated) {
  const std::string id = Create(3, 2);
  EXPECT_EQ(store_->batches().GetBatch(other_, id).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->batches()
                .StartBatch(other_, id, kT0, 0, std::nullopt)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->batches()
                .StopBatch(other_, id, kT0, StopReason::kStoppedByRequest)
                .status()
                .code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->batches().ListBatches(other_)->empty());
}

TEST_P(BatchesTest, ListIsNewestFirst) {
  const std::string old_id = Create(1, 1, kT0);
  const std::string new_id = Create(1, 1, kT0 + absl::Hours(1));
  const std::string mid_id = Create(1, 1, kT0 + absl::Minutes(1));
  Create(1, 1, kT0 + absl::Hours(2), other_);
  auto list = store_->batches().ListBatches(acme_);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].id, new_id);
  EXPECT_EQ((*list)[1].id, mid_id);
  EXPECT_EQ((*list)[2].id, old_id);
}

TEST_P(BatchesTest, FullLifecycleSettlesExactly) {
  const std::string id = Create(5, 2);  // chunks of 2, 2, 1
  const absl::Time deadline = kT0 + absl::Minutes(25);
  auto started = store_->batches().StartBatch(acme_, id, kT0, 15, deadline);
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ(started->status, BatchStatus::kProcessing);
  EXPECT_EQ(started->date_started, kT0);
  EXPECT_EQ(started->deadline, deadline);
  EXPECT_EQ(started->credits_reserved, 15);
  EXPECT_EQ(Credits(), 85);
  EXPECT_EQ(store_->batches().Stats()->chunks_pending, 3);
  EXPECT_EQ(store_->batches().Stats()->batches_processing, 1);

  int64_t charged = 0;
  std::vector<int> firsts;
  for (int i = 0; i < 3; ++i) {
    auto claim = Claim(kT0 + absl::Seconds(i));
    ASSERT_TRUE(claim.has_value());
    EXPECT_EQ(claim->batch_id, id);
    EXPECT_EQ(claim->attempt, 1);
    EXPECT_EQ(claim->account_id, acme_);
    EXPECT_EQ(claim->config_json, R"({"output_format":"E164"})");
    EXPECT_EQ(claim->lease_until, kT0 + absl::Seconds(i) + kLease);
    ASSERT_FALSE(claim->phones.empty());
    EXPECT_EQ(claim->phones[0].number, absl::StrCat("p", claim->first_index));
    firsts.push_back(claim->first_index);
    const int64_t charge = 2 * static_cast<int64_t>(claim->phones.size());
    auto ended = store_->queue().CommitChunk(*claim, ResultsFor(*claim),
                                             charge, kT0 + absl::Minutes(1));
    ASSERT_TRUE(ended.ok()) << ended.status();
    charged += charge;
    if (i < 2) {
      EXPECT_EQ(Get(id).status, BatchStatus::kProcessing);
      EXPECT_FALSE(ended->has_value()) << "only the last commit ends it";
    } else {
      // The last commit hands back the batch as it ended, for the events
      // (logs) that follow a completion.
      ASSERT_TRUE(ended->has_value());
      EXPECT_EQ((*ended)->id, id);
      EXPECT_EQ((*ended)->status, BatchStatus::kCompleted);
      EXPECT_EQ((*ended)->credits_charged, charged);
      EXPECT_EQ((*ended)->records_processed, 5);
    }
  }
  EXPECT_EQ(firsts, (std::vector<int>{0, 2, 4}));
  EXPECT_FALSE(Claim(kT0 + absl::Hours(1)).has_value());

  Batch done = Get(id);
  EXPECT_EQ(done.status, BatchStatus::kCompleted);
  EXPECT_EQ(done.reason, StopReason::kNone);
  EXPECT_EQ(done.records_processed, 5);
  EXPECT_EQ(done.credits_charged, 10);
  EXPECT_EQ(done.date_ended, kT0 + absl::Minutes(1));
  EXPECT_EQ(Credits(), 100 - charged);  // 15 reserved, 10 charged, 5 back
  auto phones = store_->batches().GetPhones(id);
  ASSERT_TRUE(phones.ok());
  for (const PhoneRecord& p : *phones) {
    EXPECT_EQ(p.result_blob, absl::StrCat("r", p.index));
  }
  StoreStats stats = *store_->batches().Stats();
  EXPECT_EQ(stats.batches_completed, 1);
  EXPECT_EQ(stats.batches_processing, 0);
  EXPECT_EQ(stats.chunks_pending, 0);

  EXPECT_EQ(store_->batches()
                .StopBatch(acme_, id, kT0, StopReason::kStoppedByRequest)
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Credits(), 90);
}

TEST_P(BatchesTest, InsufficientCreditsLeaveEverythingAsItWas) {
  const std::string id = Create(3, 2);
  const absl::Status started = Start(id, 101);
  EXPECT_EQ(started.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_NE(started.message().find("needs 101 credits, balance is 100"),
            std::string::npos)
      << started;
  EXPECT_EQ(Credits(), 100);
  EXPECT_EQ(Get(id).status, BatchStatus::kSubmitted);
  // The whole balance is enough.
  EXPECT_TRUE(Start(id, 100).ok());
  EXPECT_EQ(Credits(), 0);
  EXPECT_FALSE(Get(id).deadline.has_value());
}

TEST_P(BatchesTest, StartingTwiceIsAFailedPreconditionNamingTheStatus) {
  const std::string id = Create(3, 2);
  ASSERT_TRUE(Start(id, 3).ok());
  const absl::Status again = Start(id, 3);
  EXPECT_EQ(again.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.message(), "batch is processing");
  EXPECT_EQ(Credits(), 97);  // reserved once
}

TEST_P(BatchesTest, StaleCommitAfterTakeoverIsAbortedAndWritesNothing) {
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
TEST_P(BatchesTest, StaleExtendLeaseAfterTakeoverLeavesTheNewClaimAlone) {
  const std::string id = Create(2, 2);
  ASSERT_TRUE(store_->batches().StartBatch(acme_, id, kT0, 10, std::nullopt).ok());
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

TEST_P(BatchesTest, StopSettlesOnceAndVoidsInFlightClaims) {
  const std::string id = Create(6, 2);
  ASSERT_TRUE(Start(id, 12).ok());
  auto a = Claim(kT0);
  auto b = Claim(kT0);
  ASSERT_TRUE(a && b);
  ASSERT_TRUE(Commit(*a, 3).ok());

  auto stopped = store_->batches().StopBatch(acme_, id, kT0 + absl::Minutes(2),
                                             StopReason::kStoppedByRequest);
  ASSERT_TRUE(stopped.ok()) << stopped.status();
  EXPECT_EQ(stopped->status, BatchStatus::kStopped);
  EXPECT_EQ(stopped->reason, StopReason::kStoppedByRequest);
  EXPECT_EQ(stopped->date_ended, kT0 + absl::Minutes(2));
  EXPECT_EQ(Credits(), 100 - 3);

  absl::Status voided = Commit(*b, 2);
  EXPECT_EQ(voided.code(), absl::StatusCode::kAborted);
  EXPECT_FALSE(IsStaleClaim(voided)) << "a stopped batch is not a takeover";
  EXPECT_FALSE(Claim(kT0 + absl::Hours(1)).has_value());
  auto again = store_->batches().StopBatch(acme_, id, kT0,
                                           StopReason::kStoppedByRequest);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(again.status().message(), "batch is stopped");
  EXPECT_EQ(Credits(), 97);

  Batch final_state = Get(id);
  EXPECT_EQ(final_state.records_processed, 2);
  EXPECT_EQ(final_state.credits_charged, 3);
  auto phones = *store_->batches().GetPhones(id);
  int with_results = 0;
  for (const PhoneRecord& p : phones) with_results += p.result_blob ? 1 : 0;
  EXPECT_EQ(with_results, 2);
  EXPECT_EQ(store_->batches().Stats()->batches_stopped, 1);
  EXPECT_EQ(store_->batches().Stats()->chunks_pending, 0);
}

TEST_P(BatchesTest, StoppingASubmittedBatchReturnsNothing) {
  const std::string id = Create(2, 2);
  auto stopped = store_->batches().StopBatch(acme_, id, kT0,
                                             StopReason::kStoppedByRequest);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->status, BatchStatus::kStopped);
  EXPECT_EQ(Credits(), 100);
  EXPECT_EQ(Start(id, 1).message(), "batch is stopped");
}

TEST_P(BatchesTest, ReleasedChunkIsClaimableAtOnce) {
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

TEST_P(BatchesTest, ClaimsTakeTheOldestStartedBatchFirst) {
  const std::string later = Create(1, 1);
  const std::string earlier = Create(1, 1);
  ASSERT_TRUE(Start(later, 1, kT0 + absl::Seconds(5)).ok());
  ASSERT_TRUE(Start(earlier, 1).ok());
  EXPECT_EQ(Claim(kT0 + absl::Seconds(10))->batch_id, earlier);
  EXPECT_EQ(Claim(kT0 + absl::Seconds(10))->batch_id, later);
}

TEST_P(BatchesTest, CommitMustCoverTheChunkExactly) {
  const std::string id = Create(3, 3);
  ASSERT_TRUE(Start(id, 3).ok());
  auto claim = Claim(kT0);
  ASSERT_TRUE(claim.has_value());
  std::vector<ProcessedPhone> partial = {{0, "r0"}, {1, "r1"}};
  EXPECT_EQ(store_->queue().CommitChunk(*claim, partial, 2, kT0).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::vector<ProcessedPhone> twice = {{0, "r0"}, {1, "r1"}, {1, "r1"}};
  EXPECT_EQ(store_->queue().CommitChunk(*claim, twice, 3, kT0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Get(id).records_processed, 0);
  EXPECT_TRUE(Commit(*claim, 3).ok());
}

TEST_P(BatchesTest, ExpiredBatchesAreStoppedAndSettled) {
  const std::string id = Create(4, 2);
  const std::string no_deadline = Create(2, 2);
  ASSERT_TRUE(store_->batches()
                  .StartBatch(acme_, id, kT0, 8, kT0 + absl::Minutes(5))
                  .ok());
  ASSERT_TRUE(Start(no_deadline, 2).ok());
  EXPECT_EQ(Credits(), 90);
  auto claim = Claim(kT0);
  ASSERT_TRUE(claim && claim->batch_id == id);
  ASSERT_TRUE(Commit(*claim, 2).ok());

  EXPECT_EQ(*store_->batches().StopExpiredBatches(kT0 + absl::Minutes(4)), 0);
  EXPECT_EQ(*store_->batches().StopExpiredBatches(kT0 + absl::Minutes(5)), 1);
  Batch b = Get(id);
  EXPECT_EQ(b.status, BatchStatus::kStopped);
  EXPECT_EQ(b.reason, StopReason::kMaxProcessingTime);
  EXPECT_EQ(b.date_ended, kT0 + absl::Minutes(5));
  EXPECT_EQ(Credits(), 100 - 2 - 2);  // charged 2; the other batch holds 2
  EXPECT_EQ(*store_->batches().StopExpiredBatches(kT0 + absl::Hours(1)), 0);
  EXPECT_EQ(Get(no_deadline).status, BatchStatus::kProcessing);
}

TEST_P(BatchesTest, PurgeDeletesPhonesButKeepsTheBatch) {
  const std::string old_id = Create(3, 2, kT0);
  const std::string new_id = Create(3, 2, kT0 + absl::Hours(1));
  // Regression: a batch still processing past retention used to be skipped
  // by the purge and kept its reservation (and went on charging) although
  // nobody could read it. It is now stopped, settled and purged.
  const std::string running = Create(2, 2, kT0);
  const int64_t before = Credits();
  ASSERT_TRUE(Start(running, 2).ok());
  EXPECT_EQ(Credits(), before - 2);
  EXPECT_EQ(*store_->batches().PurgeBatchesSubmittedBefore(
                kT0 + absl::Minutes(1), kT0 + absl::Minutes(2)),
            2);
  Batch old_batch = Get(old_id);
  EXPECT_TRUE(old_batch.purged);
  EXPECT_EQ(old_batch.records, 3);
  EXPECT_TRUE(store_->batches().GetPhones(old_id)->empty());
  EXPECT_FALSE(Get(new_id).purged);
  EXPECT_EQ(store_->batches().GetPhones(new_id)->size(), 3u);
  EXPECT_EQ(*store_->batches().PurgeBatchesSubmittedBefore(
                kT0 + absl::Minutes(1), kT0 + absl::Minutes(2)),
            0);

  Batch stopped = Get(running);
  EXPECT_TRUE(stopped.purged);
  EXPECT_EQ(stopped.status, BatchStatus::kStopped);
  EXPECT_EQ(stopped.date_ended, kT0 + absl::Minutes(2));
  EXPECT_EQ(Credits(), before);  // nothing processed, nothing charged
  EXPECT_FALSE(Claim(kT0).has_value());
}

TEST_P(BatchesTest, FailChunkBatchStopsAndChargesOnlyCommittedChunks) {
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

TEST_P(BatchesTest, FailChunkBatchRefusesAStaleClaim) {
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

TEST_P(BatchesTest, ChunkWithMissingPhonesIsClaimedWithADefect) {
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
TEST_P(BatchesTest, StatisticsAreCountedWhenAChunkCommits) {
  const std::string id = Create(5, 2);
  ASSERT_TRUE(Start(id, 5).ok());
  EXPECT_TRUE(store_->batches().GetStatistics(id)->empty());

  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  std::vector<ProcessedPhone> bad = ResultsFor(*first);
  bad[1].statistics_bucket = kMaxStatisticsBucket + 1;
  EXPECT_EQ(store_->queue().CommitChunk(*first, bad, 2, kT0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->batches().GetStatistics(id)->empty());

  std::vector<ProcessedPhone> results = ResultsFor(*first);
  results[0].statistics_bucket = 3;
  results[1].statistics_bucket = 1;
  ASSERT_TRUE(store_->queue().CommitChunk(*first, results, 2, kT0).ok());
  // The same claim again is stale and adds nothing.
  EXPECT_EQ(store_->queue().CommitChunk(*first, results, 2, kT0).status().code(),
            absl::StatusCode::kAborted);
  EXPECT_EQ(*store_->batches().GetStatistics(id),
            (std::vector<int64_t>{0, 1, 0, 1}));

  auto second = Claim(kT0);
  ASSERT_TRUE(second.has_value());
  results = ResultsFor(*second);
  for (ProcessedPhone& r : results) r.statistics_bucket = 3;
  ASSERT_TRUE(store_->queue().CommitChunk(*second, results, 2, kT0).ok());
  EXPECT_EQ(*store_->batches().GetStatistics(id),
            (std::vector<int64_t>{0, 1, 0, 3}));
  EXPECT_EQ(Get(id).records_processed, 4);
  EXPECT_EQ(store_->batches().GetStatistics("missing").status().code(),
            absl::StatusCode::kNotFound);
}

TEST_P(BatchesTest, APageReadsOnlyItsPhones) {
  const std::string id = Create(7, 3);
  auto page = store_->batches().GetPhonePage(id, 2, 3);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ((*page)[i].index, 2 + i);
    EXPECT_EQ((*page)[i].input.number, absl::StrCat("p", 2 + i));
  }
  EXPECT_EQ(store_->batches().GetPhonePage(id, 5, 100)->size(), 2u);
  EXPECT_TRUE(store_->batches().GetPhonePage(id, 7, 1)->empty());
  EXPECT_TRUE(store_->batches().GetPhonePage(id, 0, 0)->empty());
  EXPECT_EQ(store_->batches().GetPhonePage("missing", 0, 1).status().code(),
            absl::StatusCode::kNotFound);
}

INSTANTIATE_TEST_SUITE_P(Backends, BatchesTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
