// CopyStore between every pair of backends: what the target holds afterwards
// is what the source held, seen through the Store interface, and a target
// that holds data is refused untouched.

#include "store/store_copy.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

using testing::Backend;

const absl::Time kT0 = absl::FromUnixSeconds(1'700'000'000);
const absl::Duration kLease = absl::Seconds(30);

// More phones than one insert statement (1000 rows) and one PostgreSQL read
// page (2000 rows) hold, so both paths run more than once.
constexpr int kBigBatch = 4500;

class StoreCopyTest
    : public ::testing::TestWithParam<std::tuple<Backend, Backend>> {
 protected:
  void SetUp() override {
    from_db_ = std::make_unique<testing::TestDatabase>(std::get<0>(GetParam()));
    to_db_ = std::make_unique<testing::TestDatabase>(std::get<1>(GetParam()));
    if (!from_db_->available() || !to_db_->available()) {
      GTEST_SKIP() << "no PostgreSQL test server";
    }
    from_ = testing::OpenMigratedUrl(from_db_->url());
    to_ = testing::OpenMigratedUrl(to_db_->url());
    ASSERT_NE(from_, nullptr);
    ASSERT_NE(to_, nullptr);
  }

  std::string Create(int64_t account, int n, int chunk, std::string id) {
    // Distinct times: ListBatches orders by time, and ties by id would
    // follow each database's collation.
    Batch b = testing::NewBatch(std::move(id), account, n,
                                kT0 + absl::Seconds(++created_));
    b.reference_id = "ref-" + b.id;
    b.config_json = R"({"output_format":"E164"})";
    std::vector<PhoneInput> phones;
    for (int i = 0; i < n; ++i) {
      phones.push_back({absl::StrCat("+4412", i), i % 2 ? "GBR" : ""});
    }
    EXPECT_TRUE(from_->batches().CreateBatch(b, phones, chunk).ok());
    return b.id;
  }

  // Claims the next chunk and commits it with a result blob holding bytes
  // that text would mangle (NUL, high bytes).
  void ProcessOneChunk() {
    auto claim = from_->queue().ClaimChunk(kT0, kLease);
    ASSERT_TRUE(claim.ok() && claim->has_value());
    std::vector<ProcessedPhone> results;
    for (size_t i = 0; i < (*claim)->phones.size(); ++i) {
      const int index = (*claim)->first_index + static_cast<int>(i);
      results.push_back(
          {index, std::string("\0\xff\x01r", 4) + std::to_string(index)});
    }
    ASSERT_TRUE(from_->queue().CommitChunk(**claim, results, 1, kT0).ok());
  }

  // Fills the source with one of everything.
  void Populate() {
    auto acme = from_->accounts().EnsureAccount("acme", 300);
    auto other = from_->accounts().EnsureAccount("other", std::nullopt);
    ASSERT_TRUE(acme.ok() && other.ok());
    ASSERT_TRUE(from_->accounts().AddCredits("acme", 10'000).ok());
    Token t;
    t.account_id = acme->id;
    t.hash_hex = std::string(64, 'a');
    t.display_prefix = "pb_aaaaaaa";
    t.products = kProductPhoneValidate;
    t.allow_ips = {"10.0.0.0/8", "::1"};
    t.allow_domains = {"acme.example", "*.acme.test"};
    ASSERT_TRUE(from_->accounts().InsertToken(t).ok());
    t.hash_hex = std::string(64, 'b');
    t.display_prefix = "pb_bbbbbbb";
    t.allow_ips.clear();
    ASSERT_TRUE(from_->accounts().InsertToken(t).ok());
    ASSERT_TRUE(from_->accounts().SetTokenDisabled(t.hash_hex, true).ok());

    Create(acme->id, 3, 2, "b-submitted");
    Create(acme->id, 4, 2, "b-completed");
    ASSERT_TRUE(from_->batches()
                    .StartBatch(acme->id, "b-completed", kT0, 4, std::nullopt)
                    .ok());
    ProcessOneChunk();
    ProcessOneChunk();
    Create(other->id, kBigBatch, 250, "b-processing");
    ASSERT_TRUE(
        from_->batches()
            .StartBatch(other->id, "b-processing", kT0, 0, kT0 + absl::Hours(1))
            .ok());
    ProcessOneChunk();
    // A claim still held by a (now gone) worker of the source.
    auto held = from_->queue().ClaimChunk(kT0, kLease);
    ASSERT_TRUE(held.ok() && held->has_value());
    Create(acme->id, 2, 2, "b-stopped");
    ASSERT_TRUE(from_->batches()
                    .StopBatch(acme->id, "b-stopped", kT0,
                               StopReason::kStoppedByRequest)
                    .ok());

    IdempotencyRecord idem{acme->id, "key-1", "hash", "b-idem", kT0};
    Batch b = testing::NewBatch("b-idem", acme->id, 1,
                                kT0 + absl::Seconds(++created_));
    b.config_json = "{}";
    const PhoneInput phone{"+441206250380", ""};
    ASSERT_TRUE(from_->batches()
                    .CreateBatchIdempotent(b, {&phone, 1}, 10, idem, kT0)
                    .ok());

    auto importer = from_->porting().BeginPortingImport(false);
    ASSERT_TRUE(importer.ok());
    ASSERT_TRUE(
        (*importer)->Add({"447400123456", "Vodafone", "23415", kT0}).ok());
    ASSERT_TRUE((*importer)->Add({"447400999999", "", "", std::nullopt}).ok());
    ASSERT_TRUE((*importer)->Finish().ok());
    ASSERT_TRUE(
        from_->cache()
            .PutCachedResult("cache-key", std::string("blob\0\xfe", 6), kT0)
            .ok());
  }

  std::unique_ptr<testing::TestDatabase> from_db_;
  std::unique_ptr<testing::TestDatabase> to_db_;
  std::unique_ptr<Store> from_;
  std::unique_ptr<Store> to_;
  int created_ = 0;
};

// Tokens and accounts compared field by field (records have no ==).
std::string Describe(const std::vector<Token>& tokens) {
  std::string out;
  for (const Token& t : tokens) {
    absl::StrAppend(&out, t.id, "|", t.account_id, "|", t.account_name, "|",
                    t.hash_hex, "|", t.display_prefix, "|", t.products, "|",
                    t.disabled, "|", absl::StrJoin(t.allow_ips, ","), "|",
                    absl::StrJoin(t.allow_domains, ","), "|",
                    absl::ToUnixMicros(t.created), "\n");
  }
  return out;
}

std::string Describe(const std::vector<Account>& accounts) {
  std::string out;
  for (const Account& a : accounts) {
    absl::StrAppend(&out, a.id, "|", a.name, "|", a.credits, "|",
                    a.rate_limit_per_minute, "|", absl::ToUnixMicros(a.created),
                    "\n");
  }
  return out;
}

std::string Describe(const Batch& b) {
  auto t = [](std::optional<absl::Time> x) {
    return x ? absl::StrCat(absl::ToUnixMicros(*x)) : std::string("-");
  };
  return absl::StrCat(
      b.id, "|", b.account_id, "|", b.reference_id, "|", b.config_json, "|",
      std::string(BatchStatusName(b.status)), "|",
      std::string(StopReasonName(b.reason)), "|", b.records, "|",
      b.records_processed, "|", absl::ToUnixMicros(b.date_submitted), "|",
      t(b.date_started), "|", t(b.date_ended), "|", t(b.deadline), "|",
      b.credits_reserved, "|", b.credits_charged, "|", b.purged);
}

std::string Describe(const std::vector<PhoneRecord>& phones) {
  std::string out;
  for (const PhoneRecord& p : phones) {
    absl::StrAppend(&out, p.index, "|", p.input.number, "|",
                    p.input.country_iso, "|",
                    p.result_blob ? *p.result_blob : "(none)", "\n");
  }
  return out;
}

TEST_P(StoreCopyTest, TargetHoldsWhatTheSourceHeld) {
  Populate();
  if (HasFatalFailure()) return;
  CopyOptions options;
  options.include_cache = true;
  auto summary = CopyStore(*from_, *to_, options);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->claims_released, 1);

  EXPECT_EQ(Describe(*to_->accounts().ListAccounts()),
            Describe(*from_->accounts().ListAccounts()));
  EXPECT_EQ(Describe(*to_->accounts().ListTokens()),
            Describe(*from_->accounts().ListTokens()));
  // A named copy: ranging over *ListAccounts() would read a destroyed
  // temporary (its StatusOr dies before the loop body runs).
  const std::vector<Account> accounts = *from_->accounts().ListAccounts();
  for (const Account& a : accounts) {
    auto want = from_->batches().ListBatches(a.id);
    auto got = to_->batches().ListBatches(a.id);
    ASSERT_TRUE(want.ok() && got.ok());
    ASSERT_EQ(got->size(), want->size());
    for (size_t i = 0; i < want->size(); ++i) {
      EXPECT_EQ(Describe((*got)[i]), Describe((*want)[i]));
      EXPECT_EQ(Describe(*to_->batches().GetPhones((*want)[i].id)),
                Describe(*from_->batches().GetPhones((*want)[i].id)));
    }
  }
  const std::vector<std::string> numbers = {"447400123456", "447400999999",
                                            "447400000000"};
  EXPECT_EQ(*to_->porting().LookupPorting(numbers),
            *from_->porting().LookupPorting(numbers));
  auto cached = to_->cache().GetCachedResult("cache-key", kT0);
  ASSERT_TRUE(cached.ok() && cached->has_value());
  EXPECT_EQ(**cached, std::string("blob\0\xfe", 6));

  // The idempotency record answers on the target.
  Batch again;
  again.id = "b-new";
  again.account_id = to_->accounts().GetAccount("acme")->id;
  again.config_json = "{}";
  again.records = 1;
  again.date_submitted = kT0;
  const PhoneInput phone{"+441206250380", ""};
  auto replay = to_->batches().CreateBatchIdempotent(
      again, {&phone, 1}, 10, {again.account_id, "key-1", "hash", "b-new", kT0},
      kT0);
  ASSERT_TRUE(replay.ok()) << replay.status();
  EXPECT_EQ(replay->batch_id, "b-idem");

  // New ids continue after the copied ones.
  auto fresh = to_->accounts().EnsureAccount("fresh", std::nullopt);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_GT(fresh->id, to_->accounts().GetAccount("other")->id);
  Token t;
  t.account_id = fresh->id;
  t.hash_hex = std::string(64, 'c');
  t.display_prefix = "pb_ccccccc";
  ASSERT_TRUE(to_->accounts().InsertToken(t).ok());

  // The claimed chunk went back to the queue: the target's workers finish
  // the processing batch.
  int claims = 0;
  while (true) {
    auto claim = to_->queue().ClaimChunk(kT0, kLease);
    ASSERT_TRUE(claim.ok()) << claim.status();
    if (!claim->has_value()) break;
    std::vector<ProcessedPhone> results;
    for (size_t i = 0; i < (*claim)->phones.size(); ++i) {
      results.push_back({(*claim)->first_index + static_cast<int>(i), "r"});
    }
    ASSERT_TRUE(to_->queue().CommitChunk(**claim, results, 0, kT0).ok());
    ++claims;
  }
  EXPECT_EQ(claims, kBigBatch / 250 - 1);
  EXPECT_EQ(
      to_->batches()
          .GetBatch(from_->accounts().GetAccount("other")->id, "b-processing")
          ->status,
      BatchStatus::kCompleted);
}

TEST_P(StoreCopyTest, RefusesATargetHoldingDataAndWritesNothing) {
  Populate();
  if (HasFatalFailure()) return;
  ASSERT_TRUE(to_->accounts().EnsureAccount("already-here", std::nullopt).ok());
  auto summary = CopyStore(*from_, *to_);
  ASSERT_FALSE(summary.ok());
  EXPECT_TRUE(IsTargetNotEmpty(summary.status())) << summary.status();
  auto accounts = to_->accounts().ListAccounts();
  ASSERT_TRUE(accounts.ok());
  ASSERT_EQ(accounts->size(), 1u);
  EXPECT_EQ((*accounts)[0].name, "already-here");
}

TEST_P(StoreCopyTest, AFailureHalfwayLeavesTheTargetEmpty) {
  if (std::get<0>(GetParam()) != Backend::kSqlite) {
    GTEST_SKIP() << "needs a source that can hold an orphan row";
  }
  Populate();
  if (HasFatalFailure()) return;
  // A phone of no batch, written past the store with foreign keys off (a
  // fresh sqlite3 connection's default): the target refuses it after the
  // accounts, tokens, batches and the other phones went in.
  from_db_->QueryText(
      "INSERT INTO phones (batch_id, idx, number) VALUES ('zz-ghost', 0, "
      "'+1')");
  auto summary = CopyStore(*from_, *to_);
  ASSERT_FALSE(summary.ok());
  EXPECT_FALSE(IsTargetNotEmpty(summary.status())) << summary.status();
  EXPECT_TRUE(to_->accounts().ListAccounts()->empty());
  EXPECT_TRUE(to_->accounts().ListTokens()->empty());
  // Still empty, so a fixed source can be copied in afterwards.
  from_db_->QueryText("DELETE FROM phones WHERE batch_id = 'zz-ghost'");
  auto again = CopyStore(*from_, *to_);
  ASSERT_TRUE(again.ok()) << again.status();
  auto fresh = to_->accounts().EnsureAccount("fresh", std::nullopt);
  ASSERT_TRUE(fresh.ok()) << fresh.status();
  EXPECT_GT(fresh->id, to_->accounts().GetAccount("other")->id);
}

INSTANTIATE_TEST_SUITE_P(Pairs, StoreCopyTest,
                         ::testing::Combine(testing::AllBackends(),
                                            testing::AllBackends()),
                         [](const auto& info) {
                           auto name = [](Backend b) {
                             return b == Backend::kSqlite ? "Sqlite"
                                                          : "Postgres";
                           };
                           return absl::StrCat(name(std::get<0>(info.param)),
                                               "To",
                                               name(std::get<1>(info.param)));
                         });

}  // namespace
}  // namespace phonebulk::store
