// What a chunk commit writes, on both backends: exactly its own phones'
// results, each on its own row, whatever order the results come in and
// whatever bytes they hold, and nothing of any other chunk or batch.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);
const absl::Duration kLease = absl::Minutes(1);

class CommitTest : public testing::AcmeStoreTest {
 protected:
  CommitTest() : AcmeStoreTest(1000) {}

  std::string CreateAndStart(const std::string& id, int n, int chunk) {
    Batch b = testing::NewBatch(id, acme_, n, kT0);
    std::vector<PhoneInput> phones;
    for (int i = 0; i < n; ++i)
      phones.push_back({absl::StrCat(id, "-", i), ""});
    EXPECT_TRUE(store_->batches().CreateBatch(b, phones, chunk).ok());
    EXPECT_TRUE(
        store_->batches().StartBatch(acme_, id, kT0, n, std::nullopt).ok());
    return id;
  }

  // A blob no text column would keep: NUL, high bytes, then the position.
  static std::string Blob(const std::string& id, int index) {
    return std::string("\x01\0\xff", 3) + absl::StrCat(id, "/", index);
  }
};

TEST_P(CommitTest, WritesExactlyItsOwnRowsInAnyOrder) {
  CreateAndStart("first", 10, 4);
  CreateAndStart("second", 10, 4);
  // The first batch's chunk [4, 8), its results handed over last to first.
  ASSERT_TRUE(store_->queue().ClaimChunk(kT0, kLease).ok());  // [0, 4)
  auto claim = store_->queue().ClaimChunk(kT0, kLease);
  ASSERT_TRUE(claim.ok() && claim->has_value());
  ASSERT_EQ((*claim)->batch_id, "first");
  ASSERT_EQ((*claim)->first_index, 4);
  std::vector<ProcessedPhone> results;
  for (int index = 7; index >= 4; --index) {
    results.push_back({index, Blob("first", index), 0});
  }
  ASSERT_TRUE(store_->queue().CommitChunk(**claim, results, 4, kT0).ok());

  auto first = store_->batches().GetPhones("first");
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 10u);
  for (const PhoneRecord& p : *first) {
    if (p.index >= 4 && p.index < 8) {
      EXPECT_EQ(p.result_blob, Blob("first", p.index)) << p.index;
    } else {
      EXPECT_FALSE(p.result_blob.has_value()) << p.index;
    }
    EXPECT_EQ(p.input.number, absl::StrCat("first-", p.index));
  }
  auto second = store_->batches().GetPhones("second");
  ASSERT_TRUE(second.ok()) << second.status();
  for (const PhoneRecord& p : *second) {
    EXPECT_FALSE(p.result_blob.has_value()) << p.index;
  }
  EXPECT_EQ(store_->batches().GetBatch(acme_, "first")->records_processed, 4);
}

INSTANTIATE_TEST_SUITE_P(Backends, CommitTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
