// The fixture of the batch and work-queue suites (store_batches_test.cc,
// store_queue_test.cc): acme with 100 credits and an empty "other" account
// on a fresh store of each backend, and helpers that create, start, claim
// and commit with constructed times (never waited for).

#ifndef PHONEBULK_STORE_BATCHES_TEST_FIXTURE_H_
#define PHONEBULK_STORE_BATCHES_TEST_FIXTURE_H_

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store::testing {

inline const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);
inline const absl::Duration kLease = absl::Minutes(1);

class BatchesTest : public AcmeStoreTest {
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
    Batch b = NewBatch(absl::StrCat("batch-", ++created_),
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

}  // namespace phonebulk::store::testing

#endif  // PHONEBULK_STORE_BATCHES_TEST_FIXTURE_H_
