// CachingLookupSource: what it asks the source it wraps, and what it
// answers, on a fake clock (no waiting).

#include "lookup/cache.h"

#include <gtest/gtest.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "common/clock.h"

namespace phonebulk::lookup {
namespace {

// Answers every number except those in `silent`, with the number's digits
// as its operator name so an answer shows whose it is; records every batch
// of numbers it was asked. Not thread-safe (the tests are one thread).
class RecordingSource : public LookupSource {
 public:
  std::vector<std::optional<LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time) override {
    asked.emplace_back(e164_digits.begin(), e164_digits.end());
    std::vector<std::optional<LookupAnswer>> out;
    for (const std::string& n : e164_digits) {
      if (silent.count(n)) {
        out.push_back(std::nullopt);
        continue;
      }
      LookupAnswer a;
      a.number = n;
      a.status = LiveStatus::kLive;
      a.operator_name = "op-" + n;
      out.push_back(a);
    }
    return out;
  }
  LookupStats stats() const override { return {}; }
  std::string_view kind() const override { return "recording"; }

  std::vector<std::vector<std::string>> asked;
  std::set<std::string> silent;
};

class CacheTest : public ::testing::Test {
 protected:
  CacheTest() {
    auto inner = std::make_unique<RecordingSource>();
    inner_ = inner.get();
    cache_ = std::make_unique<CachingLookupSource>(std::move(inner), clock_,
                                                   absl::Hours(24), 3);
  }
  std::vector<std::optional<LookupAnswer>> Ask(
      std::vector<std::string> numbers) {
    return cache_->Lookup(numbers, clock_.Now() + absl::Seconds(1));
  }

  FakeClock clock_;
  RecordingSource* inner_ = nullptr;  // owned by cache_
  std::unique_ptr<CachingLookupSource> cache_;
};

TEST_F(CacheTest, ARepeatWithinTheTtlIsAnsweredWithoutAsking) {
  ASSERT_EQ(Ask({"447400000001"})[0]->operator_name, "op-447400000001");
  clock_.Advance(absl::Hours(24) - absl::Seconds(1));
  auto again = Ask({"447400000001"});
  ASSERT_TRUE(again[0].has_value());
  EXPECT_EQ(again[0]->operator_name, "op-447400000001");
  EXPECT_EQ(inner_->asked.size(), 1u);
  EXPECT_EQ(cache_->hits(), 1);
}

TEST_F(CacheTest, AnAnswerAsOldAsTheTtlIsAskedAgain) {
  Ask({"447400000001"});
  clock_.Advance(absl::Hours(24));
  auto again = Ask({"447400000001"});
  ASSERT_TRUE(again[0].has_value());
  ASSERT_EQ(inner_->asked.size(), 2u) << "an expired answer was served";
  EXPECT_EQ(inner_->asked[1], std::vector<std::string>{"447400000001"});
  EXPECT_EQ(cache_->hits(), 0);
}

TEST_F(CacheTest, HitsAndMissesMixedEachGetTheirOwnAnswer) {
  Ask({"447400000002"});
  // The hit sits between two misses: the fresh answers must land on the
  // misses' positions, not on the first positions of the answer.
  auto mixed = Ask({"447400000001", "447400000002", "447400000003"});
  ASSERT_EQ(mixed.size(), 3u);
  for (size_t i = 0; i < mixed.size(); ++i) {
    ASSERT_TRUE(mixed[i].has_value()) << i;
  }
  EXPECT_EQ(mixed[0]->operator_name, "op-447400000001");
  EXPECT_EQ(mixed[1]->operator_name, "op-447400000002");
  EXPECT_EQ(mixed[2]->operator_name, "op-447400000003");
  ASSERT_EQ(inner_->asked.size(), 2u);
  EXPECT_EQ(inner_->asked[1],
            (std::vector<std::string>{"447400000001", "447400000003"}));
}

TEST_F(CacheTest, ANumberWithoutAnAnswerIsAskedAgainNextTime) {
  inner_->silent.insert("447400000009");
  EXPECT_FALSE(Ask({"447400000009"})[0].has_value());
  inner_->silent.clear();
  auto later = Ask({"447400000009"});
  ASSERT_TRUE(later[0].has_value()) << "a missing answer was cached";
  EXPECT_EQ(inner_->asked.size(), 2u);
}

TEST_F(CacheTest, TheOldestEntryIsForgottenBeyondTheCap) {
  Ask({"1", "2", "3"});  // the cap is 3
  Ask({"4"});            // "1" is forgotten
  Ask({"2", "3", "4"});  // all hits
  EXPECT_EQ(inner_->asked.size(), 2u);
  Ask({"1"});
  EXPECT_EQ(inner_->asked.size(), 3u);
  EXPECT_EQ(cache_->hits(), 3);
}

}  // namespace
}  // namespace phonebulk::lookup
