// Porting imports (merge and replace) and lookups against a real SQLite file.

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

const absl::Time kPorted =
    absl::FromCivil(absl::CivilDay(2019, 8, 21), absl::UTCTimeZone());

PortingRecord Rec(std::string number, std::string op, std::string mccmnc = "",
                  std::optional<absl::Time> date = std::nullopt) {
  return PortingRecord{std::move(number), std::move(op), std::move(mccmnc),
                       date};
}

// Numbers 447400000000 + i, so a range of i is a range of keys.
std::string Num(int i) { return std::to_string(447400000000LL + i); }

class PortingStoreTest : public testing::StoreTest {
 protected:
  void Import(const std::vector<PortingRecord>& rows, bool replace) {
    auto importer = store_->porting().BeginPortingImport(replace);
    ASSERT_TRUE(importer.ok()) << importer.status();
    for (const PortingRecord& r : rows) {
      ASSERT_TRUE((*importer)->Add(r).ok()) << r.number;
    }
    auto added = (*importer)->Finish();
    ASSERT_TRUE(added.ok()) << added.status();
    EXPECT_EQ(*added, static_cast<int64_t>(rows.size()));
  }

  std::vector<std::optional<PortingRecord>> Lookup(
      const std::vector<std::string>& numbers) {
    auto found = store_->porting().LookupPorting(numbers);
    EXPECT_TRUE(found.ok()) << found.status();
    if (!found.ok()) return {};
    EXPECT_EQ(found->size(), numbers.size());
    return *std::move(found);
  }

  // Tables whose name starts with porting_staging_, read on a connection
  // of their own because the store has no reason to expose them.
  int StagingTables() {
    const std::string n = db_->QueryText(
        GetParam() == testing::Backend::kSqlite
            ? "SELECT count(*) FROM sqlite_schema WHERE name LIKE "
              "'porting\\_staging\\_%' ESCAPE '\\'"
            : "SELECT count(*) FROM pg_tables WHERE tablename LIKE "
              "'porting\\_staging\\_%' ESCAPE '\\'");
    return n.empty() ? -1 : std::stoi(n);
  }
};

TEST_P(PortingStoreTest, LookupAnswersHitsMissesDuplicatesAndJunk) {
  Import({Rec("447400123456", "Vodafone", "23415", kPorted),
          Rec("447400654321", "", "", std::nullopt)},
         /*replace=*/false);
  auto found = Lookup({"447400123456", "447400000000", "447400654321",
                       "447400123456", "+447400123456", "", "abc"});
  ASSERT_EQ(found.size(), 7u);
  ASSERT_TRUE(found[0].has_value());
  EXPECT_EQ(*found[0], Rec("447400123456", "Vodafone", "23415", kPorted));
  EXPECT_FALSE(found[1].has_value());
  ASSERT_TRUE(found[2].has_value());
  EXPECT_EQ(*found[2], Rec("447400654321", "", "", std::nullopt));
  EXPECT_EQ(found[3], found[0]);
  // Only E.164 digits are looked up; callers strip the '+'.
  EXPECT_FALSE(found[4].has_value());
  EXPECT_FALSE(found[5].has_value());
  EXPECT_FALSE(found[6].has_value());
  EXPECT_TRUE(Lookup({}).empty());
}

// An empty table answers every number with nothing (SQLite then skips the
// lookup queries), and the first import is seen by the very next lookup:
// the emptiness is read in each lookup's snapshot, never remembered.
TEST_P(PortingStoreTest, EmptyTableFindsNothingUntilTheFirstImport) {
  auto none = Lookup({"447400123456", "447400123456", "x"});
  ASSERT_EQ(none.size(), 3u);
  for (const auto& found : none) EXPECT_FALSE(found.has_value());
  Import({Rec("447400123456", "Vodafone", "23415", kPorted)}, false);
  auto some = Lookup({"447400123456", "447400000000"});
  ASSERT_EQ(some.size(), 2u);
  ASSERT_TRUE(some[0].has_value());
  EXPECT_EQ(some[0]->operator_name, "Vodafone");
  EXPECT_FALSE(some[1].has_value());
  Import({}, /*replace=*/true);
  EXPECT_FALSE(Lookup({"447400123456"})[0].has_value());
}

TEST_P(PortingStoreTest, LookupOfManyNumbersSpansQueryChunks) {
  std::vector<PortingRecord> rows;
  for (int i = 0; i < 1000; i += 2) rows.push_back(Rec(Num(i), "op"));
  Import(rows, false);
  std::vector<std::string> numbers;
  for (int i = 0; i < 1000; ++i) numbers.push_back(Num(i));
  auto found = Lookup(numbers);
  ASSERT_EQ(found.size(), 1000u);
  for (int i = 0; i < 1000; ++i) {
    EXPECT_EQ(found[i].has_value(), i % 2 == 0) << i;
  }
}

TEST_P(PortingStoreTest, MergeOverwritesItsNumbersAndKeepsTheOthers) {
  Import({Rec("1001", "A", "23410"), Rec("1002", "B", "23415", kPorted)},
         false);
  Import({Rec("1002", "B2", "", std::nullopt), Rec("1003", "C")}, false);
  auto found = Lookup({"1001", "1002", "1003"});
  ASSERT_TRUE(found[0] && found[1] && found[2]);
  EXPECT_EQ(found[0]->operator_name, "A");
  // A merged row replaces every field, including clearing the date.
  EXPECT_EQ(*found[1], Rec("1002", "B2", "", std::nullopt));
  EXPECT_EQ(found[2]->operator_name, "C");
}

TEST_P(PortingStoreTest, ReplaceLeavesExactlyTheImportedRows) {
  Import({Rec("1001", "A"), Rec("1002", "B")}, false);
  Import({Rec("1002", "B2"), Rec("1003", "C")}, /*replace=*/true);
  auto found = Lookup({"1001", "1002", "1003"});
  EXPECT_FALSE(found[0].has_value());
  ASSERT_TRUE(found[1] && found[2]);
  EXPECT_EQ(found[1]->operator_name, "B2");
  EXPECT_EQ(found[2]->operator_name, "C");
  EXPECT_EQ(StagingTables(), 0);
  // The swapped-in table is a full porting table: merges and replaces go on.
  Import({Rec("1004", "D")}, false);
  Import({Rec("1005", "E")}, true);
  found = Lookup({"1002", "1004", "1005"});
  EXPECT_FALSE(found[0] || found[1]);
  EXPECT_TRUE(found[2]);
}

TEST_P(PortingStoreTest, TheLastRowForANumberWinsInBothModes) {
  for (bool replace : {false, true}) {
    SCOPED_TRACE(replace ? "replace" : "merge");
    // More rows than one write transaction, with the duplicates in
    // different transactions and in the same one.
    std::vector<PortingRecord> rows;
    rows.push_back(Rec("1001", "first"));
    for (int i = 0; i < kPortingImportBatchRows; ++i) {
      rows.push_back(Rec(Num(i), "x"));
    }
    rows.push_back(Rec("1001", "second"));
    rows.push_back(Rec("1002", "first"));
    rows.push_back(Rec("1002", "second"));
    Import(rows, replace);
    auto found = Lookup({"1001", "1002", Num(kPortingImportBatchRows - 1)});
    ASSERT_TRUE(found[0] && found[1] && found[2]);
    EXPECT_EQ(found[0]->operator_name, "second");
    EXPECT_EQ(found[1]->operator_name, "second");
  }
}

TEST_P(PortingStoreTest, AddRefusesNonDigitNumbersAndCarriesOn) {
  auto importer = store_->porting().BeginPortingImport(false);
  ASSERT_TRUE(importer.ok());
  for (const char* bad : {"", "+4474", "12a", "1234567890123456"}) {
    EXPECT_EQ((*importer)->Add(Rec(bad, "x")).code(),
              absl::StatusCode::kInvalidArgument)
        << bad;
  }
  ASSERT_TRUE((*importer)->Add(Rec("123456789012345", "x")).ok());
  auto added = (*importer)->Finish();
  ASSERT_TRUE(added.ok());
  EXPECT_EQ(*added, 1);
  EXPECT_EQ((*importer)->Finish().status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_P(PortingStoreTest, ReadersSeeTheOldTableUntilTheReplaceFinishes) {
  constexpr int kRows = kPortingImportBatchRows * 2 + 10;
  std::vector<PortingRecord> old_rows;
  for (int i = 0; i < kRows; ++i) old_rows.push_back(Rec(Num(i), "old"));
  Import(old_rows, false);
  const std::vector<std::string> sample = {Num(0), Num(kRows / 2),
                                           Num(kRows - 1), Num(kRows + 5)};

  auto importer = store_->porting().BeginPortingImport(true);
  ASSERT_TRUE(importer.ok());
  for (int i = 5; i < kRows + 10; ++i) {
    ASSERT_TRUE((*importer)->Add(Rec(Num(i), "new")).ok());
  }
  // Two write transactions have committed into the staging table by now.
  auto found = Lookup(sample);
  ASSERT_TRUE(found[0] && found[1] && found[2]);
  EXPECT_EQ(found[1]->operator_name, "old");
  EXPECT_EQ(found[2]->operator_name, "old");
  EXPECT_FALSE(found[3]);

  ASSERT_TRUE((*importer)->Finish().ok());
  found = Lookup(sample);
  EXPECT_FALSE(found[0]);
  ASSERT_TRUE(found[1] && found[2] && found[3]);
  EXPECT_EQ(found[1]->operator_name, "new");
  EXPECT_EQ(found[3]->operator_name, "new");
}

TEST_P(PortingStoreTest, AnAbandonedReplaceChangesNothing) {
  Import({Rec("1001", "A")}, false);
  {
    auto importer = store_->porting().BeginPortingImport(true);
    ASSERT_TRUE(importer.ok());
    EXPECT_EQ(StagingTables(), 1);
    for (int i = 0; i < kPortingImportBatchRows + 1; ++i) {
      ASSERT_TRUE((*importer)->Add(Rec(Num(i), "new")).ok());
    }
  }  // destroyed without Finish()
  auto found = Lookup({"1001", Num(0)});
  EXPECT_TRUE(found[0]);
  EXPECT_FALSE(found[1]);
  EXPECT_EQ(StagingTables(), 0);
}

TEST_P(PortingStoreTest, OfTwoConcurrentReplacesTheFirstToFinishWins) {
  auto a = store_->porting().BeginPortingImport(true);
  auto b = store_->porting().BeginPortingImport(true);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE((*a)->Add(Rec("1001", "A")).ok());
  ASSERT_TRUE((*b)->Add(Rec("1002", "B")).ok());
  ASSERT_TRUE((*a)->Finish().ok());
  EXPECT_EQ((*b)->Finish().status().code(), absl::StatusCode::kAborted);
  auto found = Lookup({"1001", "1002"});
  EXPECT_TRUE(found[0]);
  EXPECT_FALSE(found[1]);
  EXPECT_EQ(StagingTables(), 0);
}

// Readers on other threads while whole-table replaces alternate between two
// versions: every lookup (one read transaction) must see one version whole.
TEST_P(PortingStoreTest, ConcurrentReadersNeverSeeAHalfReplacedTable) {
  constexpr int kRows = kPortingImportBatchRows + 1000;  // two transactions
  auto version = [&](const std::string& op, int extra) {
    std::vector<PortingRecord> rows;
    for (int i = 0; i < kRows + extra; ++i) rows.push_back(Rec(Num(i), op));
    return rows;
  };
  Import(version("v0", 0), false);
  std::vector<std::string> sample;
  for (int i = 0; i < kRows + 10; i += 97) sample.push_back(Num(i));
  sample.push_back(Num(kRows + 5));  // only in v1

  std::atomic<bool> done{false};
  std::atomic<int> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 2; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        auto found = store_->porting().LookupPorting(sample);
        ASSERT_TRUE(found.ok()) << found.status();
        const std::string op = (*found)[0]->operator_name;
        ASSERT_TRUE(op == "v0" || op == "v1") << op;
        for (size_t i = 0; i + 1 < sample.size(); ++i) {
          ASSERT_TRUE((*found)[i].has_value()) << i;
          ASSERT_EQ((*found)[i]->operator_name, op) << i;
        }
        ASSERT_EQ(found->back().has_value(), op == "v1");
        ++reads;
      }
    });
  }
  for (int round = 0; round < 3; ++round) {
    Import(round % 2 == 0 ? version("v1", 10) : version("v0", 0), true);
  }
  done = true;
  for (std::thread& t : readers) t.join();
  EXPECT_GT(reads.load(), 0);
}

INSTANTIATE_TEST_SUITE_P(Backends, PortingStoreTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
