// Batch domain tests: the state machine, credits, the result codec, and the
// service and processor working together on a real SQLite file with a fake
// clock (so retention and max_processing_time need no waiting).
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "batch/credits.h"
#include "batch/processor.h"
#include "batch/result_codec.h"
#include "batch/service.h"
#include "batch/status.h"
#include "phone/countries.h"
#include "phone/validator.h"
#include "store/test_backend.h"

namespace phonebulk::batch {
namespace {

TEST(StateMachineTest, Transitions) {
  EXPECT_TRUE(CheckCanStart(BatchStatus::kSubmitted).ok());
  for (auto s : {BatchStatus::kProcessing, BatchStatus::kCompleted,
                 BatchStatus::kStopped}) {
    absl::Status st = CheckCanStart(s);
    EXPECT_TRUE(absl::IsFailedPrecondition(st));
    EXPECT_NE(std::string(st.message()).find(BatchStatusName(s)),
              std::string::npos);
  }
  EXPECT_TRUE(CheckCanStop(BatchStatus::kSubmitted).ok());
  EXPECT_TRUE(CheckCanStop(BatchStatus::kProcessing).ok());
  EXPECT_FALSE(CheckCanStop(BatchStatus::kCompleted).ok());
  EXPECT_FALSE(CheckCanStop(BatchStatus::kStopped).ok());
  EXPECT_EQ(StopReasonName(StopReason::kMaxProcessingTime),
            "max_processing_time_reached");
  EXPECT_EQ(StopReasonName(StopReason::kStoppedByRequest),
            "stopped_by_request");
}

TEST(CreditsTest, WorstCaseAndPerPhone) {
  BatchConfig plain;
  EXPECT_EQ(WorstCaseCharge(plain, 10), 10);
  BatchConfig ported;
  ported.get_ported_date = true;
  EXPECT_EQ(WorstCaseCharge(ported, 10), 20);
  BatchConfig live = ported;
  live.supplementary_live_status = SupplementaryLiveStatus{{"USA"}, {}};
  EXPECT_EQ(WorstCaseCharge(live, 10), 30);
  BatchConfig empty_live;
  empty_live.supplementary_live_status = SupplementaryLiveStatus{};
  EXPECT_EQ(WorstCaseCharge(empty_live, 10), 10);

  phone::PhoneResult r;
  EXPECT_EQ(ChargeForPhone(r, false), 1);
  r.ported_date = "unknown";
  EXPECT_EQ(ChargeForPhone(r, false), 1);
  r.ported_date = "not applicable";
  EXPECT_EQ(ChargeForPhone(r, false), 1);
  r.ported_date = "2019-08-21T00:00:00.000000Z";
  EXPECT_EQ(ChargeForPhone(r, false), 2);
  EXPECT_EQ(ChargeForPhone(r, true), 3);
}

TEST(ResultCodecTest, RoundTrip) {
  phone::PhoneResult r;
  r.validated_phone_number = "441206250380";
  r.formatted_phone_number = "01206 250380";
  r.phone_type = phone::PhoneType::kMobileOrLandline;
  r.confidence = phone::Confidence::kUnknown;
  r.valid = true;
  r.country_prefix = "44";
  r.country_name = "United Kingdom";
  r.country_iso = "GBR";
  r.ported_date = "unknown";
  auto back = DecodeResult(EncodeResult(r));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->validated_phone_number, r.validated_phone_number);
  EXPECT_EQ(back->formatted_phone_number, r.formatted_phone_number);
  EXPECT_EQ(back->phone_type, r.phone_type);
  EXPECT_EQ(back->confidence, r.confidence);
  EXPECT_TRUE(back->valid);
  EXPECT_EQ(back->country_name, "United Kingdom");
  EXPECT_EQ(back->ported_date, "unknown");
  EXPECT_EQ(back->disposable_number, "unknown");
  EXPECT_FALSE(DecodeResult("not json").ok());
}

// Service + processor on a real SQLite file.
class BatchFlowTest : public store::testing::SqliteAcmeTest {
 protected:
  BatchFlowTest() : SqliteAcmeTest(1000) {}

  void SetUpOnStore() override {
    ServiceOptions options;
    options.chunk_size = 3;
    options.retention = absl::Hours(24 * 28);
    service_ =
        std::make_unique<BatchService>(store_->batches(), clock_, options);
    ProcessorOptions popts;
    popts.retention = options.retention;
    processor_ = std::make_unique<Processor>(
        *store_, Engine{validator_, nullptr}, clock_, popts);
  }
  void TearDown() override {
    processor_.reset();
    service_.reset();
    store_.reset();
  }

  std::string CreateBatch(int phones, BatchConfig config = {}) {
    CreateBatchRequest req;
    req.config = config;
    for (int i = 0; i < phones; ++i) {
      req.phones.push_back({"+4420794600" + std::to_string(10 + i), ""});
    }
    auto view = service_->Create(account_id_, std::move(req));
    EXPECT_TRUE(view.ok()) << view.status();
    return view->batch.id;
  }
  // Runs `sql` on the database file from outside the store, as a hand-edit
  // or a damaged restore would change it.
  void Damage(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file().c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }
  void Drain() {
    while (processor_->RunOnce()) {
    }
  }

  FakeClock clock_;
  phone::Validator validator_{phone::Countries::Default()};
  std::unique_ptr<BatchService> service_;
  std::unique_ptr<Processor> processor_;
};

TEST_F(BatchFlowTest, CompletesAndChargesExactly) {
  std::string id = CreateBatch(10);
  // Nothing is processed before start.
  EXPECT_FALSE(processor_->RunOnce());
  auto results = service_->Results(account_id_, id);
  ASSERT_TRUE(results.ok());
  EXPECT_TRUE(results->phones.empty());

  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  EXPECT_EQ(Credits(), 990);  // the worst case is reserved
  Drain();
  auto done = service_->Get(account_id_, id);
  ASSERT_TRUE(done.ok());
  EXPECT_EQ(done->batch.status, BatchStatus::kCompleted);
  EXPECT_EQ(done->batch.records_processed, 10);
  EXPECT_EQ(done->batch.credits_charged, 10);
  EXPECT_EQ(Credits(), 990);
  results = service_->Results(account_id_, id);
  ASSERT_EQ(results->phones.size(), 10u);
  EXPECT_EQ(results->phones[3].number, "+442079460013");
  EXPECT_EQ(results->phones[3].result->validated_phone_number, "442079460013");
  EXPECT_EQ(results->statistics[static_cast<int>(phone::Confidence::kUnknown)],
            10);
}

// A database upgraded from a release that stored results as JSON holds both
// layouts, even within one batch: every row reads the same either way.
TEST_F(BatchFlowTest, ResultsStoredAsJsonByEarlierReleasesStillRead) {
  std::string id = CreateBatch(6);
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  Drain();
  auto binary = service_->Results(account_id_, id);
  ASSERT_TRUE(binary.ok()) << binary.status();
  ASSERT_EQ(binary->phones.size(), 6u);
  for (int idx : {0, 3, 5}) {
    std::string hex;
    for (unsigned char c :
         EncodeResultAsJsonForTesting(*binary->phones[idx].result)) {
      hex += absl::StrFormat("%02x", c);
    }
    Damage(absl::StrCat("UPDATE phones SET result_blob = x'", hex,
                        "' WHERE idx = ", idx));
  }
  auto mixed = service_->Results(account_id_, id);
  ASSERT_TRUE(mixed.ok()) << mixed.status();
  ASSERT_EQ(mixed->phones.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(EncodeResult(*mixed->phones[i].result),
              EncodeResult(*binary->phones[i].result))
        << i;
  }
  EXPECT_EQ(mixed->phones[3].result->validated_phone_number, "442079460013");
}

// Statistics are read as the commits counted them, whatever page is asked;
// a batch whose counts do not add up (committed before they were kept) is
// counted from its stored results instead.
TEST_F(BatchFlowTest, StatisticsComeFromTheCommitsNotFromDecoding) {
  std::string id = CreateBatch(10);
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  Drain();
  const int unknown = static_cast<int>(phone::Confidence::kUnknown);
  const int verified = static_cast<int>(phone::Confidence::kVerified);
  ResultsPage page;
  page.offset = 4;
  page.limit = 2;
  auto results = service_->Results(account_id_, id, {}, page);
  ASSERT_TRUE(results.ok()) << results.status();
  ASSERT_EQ(results->phones.size(), 2u);
  EXPECT_EQ(results->phones[0].number, "+442079460014");
  EXPECT_EQ(results->total_phones, 10);
  EXPECT_EQ(results->statistics[unknown], 10);

  // Moved from one bucket to another with the same sum: the read trusts
  // the counts and decodes nothing.
  Damage("UPDATE batch_statistics SET bucket = " + std::to_string(verified) +
         " WHERE bucket = " + std::to_string(unknown));
  results = service_->Results(account_id_, id, {}, page);
  EXPECT_EQ(results->statistics[verified], 10);
  EXPECT_EQ(results->statistics[unknown], 0);

  // No counts at all, as for a batch of an older version: counted again.
  Damage("DELETE FROM batch_statistics");
  results = service_->Results(account_id_, id, {}, page);
  EXPECT_EQ(results->statistics[unknown], 10);
  EXPECT_EQ(results->statistics[verified], 0);
  EXPECT_EQ(results->phones.size(), 2u);
}

TEST_F(BatchFlowTest, PortedDateReservationIsReleased) {
  BatchConfig config;
  config.get_ported_date = true;
  std::string id = CreateBatch(4, config);
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  EXPECT_EQ(Credits(), 992);  // 2 per phone reserved
  Drain();
  // Offline no date is returned: one credit a phone, the rest released.
  EXPECT_EQ(Credits(), 996);
  auto results = service_->Results(account_id_, id);
  EXPECT_EQ(results->phones[0].result->ported_date, "unknown");
}

TEST_F(BatchFlowTest, StopKeepsDoneWorkAndChargesOnlyIt) {
  std::string id = CreateBatch(9);  // three chunks of three
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  ASSERT_TRUE(processor_->RunOnce());
  auto stopped = service_->Stop(account_id_, id);
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(stopped->batch.status, BatchStatus::kStopped);
  EXPECT_EQ(stopped->batch.reason, StopReason::kStoppedByRequest);
  Drain();  // nothing more is processed
  EXPECT_EQ(Credits(), 997);
  auto results = service_->Results(account_id_, id);
  ASSERT_EQ(results->phones.size(), 9u);
  EXPECT_TRUE(results->phones[0].result.has_value());
  EXPECT_FALSE(results->phones[8].result.has_value());
  EXPECT_EQ(
      results->statistics[static_cast<int>(phone::Confidence::kUnprocessed)],
      6);
  EXPECT_TRUE(
      absl::IsFailedPrecondition(service_->Stop(account_id_, id).status()));
  EXPECT_TRUE(
      absl::IsFailedPrecondition(service_->Start(account_id_, id).status()));
}

TEST_F(BatchFlowTest, MaxProcessingTimeStopsWithReason) {
  BatchConfig config;
  config.max_processing_time = "PT1M";
  config.max_processing_duration = absl::Minutes(1);
  std::string id = CreateBatch(9, config);
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  ASSERT_TRUE(processor_->RunOnce());
  clock_.Advance(absl::Minutes(1));
  auto stopped = store_->batches().StopExpiredBatches(clock_.Now());
  ASSERT_TRUE(stopped.ok());
  EXPECT_EQ(*stopped, 1);
  auto view = service_->Get(account_id_, id);
  EXPECT_EQ(view->batch.status, BatchStatus::kStopped);
  EXPECT_EQ(view->batch.reason, StopReason::kMaxProcessingTime);
  EXPECT_EQ(view->batch.records_processed, 3);
  EXPECT_EQ(Credits(), 997);
}

TEST_F(BatchFlowTest, InsufficientCreditsReserveNothing) {
  std::string id = CreateBatch(10);
  ASSERT_TRUE(store_->accounts().AddCredits("acme", -995).ok());
  auto started = service_->Start(account_id_, id);
  EXPECT_TRUE(absl::IsResourceExhausted(started.status())) << started.status();
  EXPECT_EQ(Credits(), 5);
  EXPECT_EQ(service_->Get(account_id_, id)->batch.status,
            BatchStatus::kSubmitted);
}

TEST_F(BatchFlowTest, RetentionAndIsolation) {
  std::string id = CreateBatch(2);
  EXPECT_TRUE(absl::IsNotFound(service_->Get(account_id_ + 1, id).status()));
  EXPECT_TRUE(service_->List(account_id_ + 1)->empty());
  clock_.Advance(absl::Hours(24 * 28));
  auto old = service_->Get(account_id_, id);
  EXPECT_TRUE(absl::IsFailedPrecondition(old.status()));
  EXPECT_NE(old.status().message().find("older than"), std::string::npos);
  EXPECT_TRUE(service_->List(account_id_)->empty());
  ASSERT_EQ(
      *store_->batches().PurgeBatchesSubmittedBefore(
          clock_.Now() - absl::Hours(24 * 28) + absl::Seconds(1), clock_.Now()),
      1);
  EXPECT_TRUE(
      absl::IsFailedPrecondition(service_->Results(account_id_, id).status()));
}

TEST_F(BatchFlowTest, UnreadableConfigFailsTheBatchAfterBoundedAttempts) {
  std::string id = CreateBatch(9);  // three chunks of three
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  ASSERT_TRUE(processor_->RunOnce());  // one chunk done and charged
  EXPECT_EQ(Credits(), 991);
  Damage(
      "UPDATE batches SET config_json = '{\"output_format\": 7' WHERE id "
      "= '" +
      id + "'");

  // Each attempt claims the same chunk again; the third fails the batch.
  for (int attempt = 1; attempt <= 3; ++attempt) {
    ASSERT_TRUE(processor_->RunOnce()) << attempt;
  }
  EXPECT_FALSE(processor_->RunOnce());  // nothing left to claim: no loop
  auto view = service_->Get(account_id_, id);
  ASSERT_TRUE(view.ok()) << view.status();
  EXPECT_EQ(view->batch.status, BatchStatus::kStopped);
  EXPECT_EQ(view->batch.reason, StopReason::kProcessingFailed);
  EXPECT_EQ(StopReasonName(view->batch.reason), "processing_failed");
  EXPECT_TRUE(view->config_unreadable);
  EXPECT_EQ(view->batch.records_processed, 3);
  // Only the chunk processed before the damage is charged.
  EXPECT_EQ(view->batch.credits_charged, 3);
  EXPECT_EQ(Credits(), 997);
  const ProcessorCounters& counters = processor_->counters();
  EXPECT_EQ(
      counters.batches_failed[static_cast<int>(PoisonCause::kUnreadableConfig)],
      1);
  EXPECT_EQ(
      counters.batches_failed[static_cast<int>(PoisonCause::kCorruptChunk)], 0);
  auto results = service_->Results(account_id_, id);
  ASSERT_TRUE(results.ok()) << results.status();
  EXPECT_EQ(
      results->statistics[static_cast<int>(phone::Confidence::kUnprocessed)],
      6);
}

TEST_F(BatchFlowTest, ChunkWithMissingRowsFailsTheBatch) {
  std::string id = CreateBatch(6);
  ASSERT_TRUE(service_->Start(account_id_, id).ok());
  Damage("DELETE FROM phones WHERE idx = 4 AND batch_id = '" + id + "'");
  int claims = 0;
  while (processor_->RunOnce()) ++claims;
  // The healthy chunk once, the damaged one three times.
  EXPECT_EQ(claims, 4);
  auto view = service_->Get(account_id_, id);
  ASSERT_TRUE(view.ok());
  EXPECT_EQ(view->batch.status, BatchStatus::kStopped);
  EXPECT_EQ(view->batch.reason, StopReason::kProcessingFailed);
  EXPECT_FALSE(view->config_unreadable);
  EXPECT_EQ(view->batch.records_processed, 3);
  EXPECT_EQ(Credits(), 997);
  EXPECT_EQ(processor_->counters()
                .batches_failed[static_cast<int>(PoisonCause::kCorruptChunk)],
            1);
}

}  // namespace
}  // namespace phonebulk::batch
