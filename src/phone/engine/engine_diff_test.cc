// Differential test of the compiled engine (engine.h) against
// libphonenumber itself, on the same PhoneNumber (calling code + national
// significant number): every region and non-geographical entity the library
// supports, every number type's example number, each of its one-digit
// changes, and a deterministic, seeded spread of generated numbers around
// them (prefixes of the examples with random tails of every length from the
// shortest possible length - 2 to the longest + 2). Compared: validity for
// the region (and for a region of another calling code), GetNumberType,
// IsValidNumber and IsPossibleNumberWithReason. Any disagreement fails the
// test and is printed.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "phone/engine/engine.h"
#include "phone/engine/engine_testing.h"
#include "phonenumbers/phonemetadata.pb.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone::engine {
namespace {

using test_support::NumberFromNsn;
using test_support::SplitMix64;

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

// Every random tail is drawn this many times for each (example, prefix
// length, total length): enough for well over 300,000 cases in all.
constexpr int kTailsPerShape = 6;
constexpr uint64_t kSeed = 20261203;

// The example numbers of every desc of a metadata entry (general desc and
// all ten types), deduplicated.
std::vector<std::string> ExamplesOf(const PhoneMetadata& m) {
  const PhoneNumberDesc* descs[] = {
      &m.general_desc(), &m.fixed_line(),  &m.mobile(),          &m.toll_free(),
      &m.premium_rate(), &m.shared_cost(), &m.personal_number(), &m.voip(),
      &m.pager(),        &m.uan(),         &m.voicemail()};
  std::set<std::string> examples;
  for (const PhoneNumberDesc* desc : descs) {
    if (desc->has_example_number()) examples.insert(desc->example_number());
  }
  return {examples.begin(), examples.end()};
}

class DiffRun {
 public:
  explicit DiffRun(const PhoneNumberUtil& util) : util_(util) {}

  // Compares every answer of the engine with the library's on one number,
  // as a number of `region` (a region code or "001").
  void Compare(const std::string& region, int calling_code,
               const std::string& nsn, const std::string& other_region) {
    const PhoneNumber number = NumberFromNsn(calling_code, nsn);
    std::string round_trip;
    util_.GetNationalSignificantNumber(number, &round_trip);
    ASSERT_EQ(round_trip, nsn) << "the test built a different number";
    ++cases_;

    const bool lib_valid = util_.IsValidNumberForRegion(number, region);
    const bool eng_valid = IsValidNumberForRegion(calling_code, nsn, region);
    const auto lib_type = static_cast<int>(util_.GetNumberType(number));
    const auto eng_type = static_cast<int>(GetNumberType(calling_code, nsn));
    const bool lib_any = util_.IsValidNumber(number);
    const bool eng_any = IsValidNumber(calling_code, nsn);
    const auto lib_len =
        static_cast<int>(util_.IsPossibleNumberWithReason(number));
    const auto eng_len =
        static_cast<int>(IsPossibleNumberWithReason(calling_code, nsn));
    // Validity for a region of another calling code is always false; both
    // must agree on that too.
    const bool lib_other = util_.IsValidNumberForRegion(number, other_region);
    const bool eng_other =
        IsValidNumberForRegion(calling_code, nsn, other_region);
    std::string lib_region;
    util_.GetRegionCodeForNumber(number, &lib_region);
    const std::optional<NumberingPlan> plan =
        NumberingPlan::ForNumber(calling_code, nsn);
    const std::string eng_region =
        plan ? std::string(plan->region_code()) : "ZZ";

    if (lib_valid) ++valid_;
    ++types_[eng_type];
    if (lib_valid != eng_valid || lib_type != eng_type || lib_any != eng_any ||
        lib_len != eng_len || lib_other != eng_other ||
        lib_region != eng_region) {
      if (++disagreements_ <= 20) {
        ADD_FAILURE() << region << " +" << calling_code << " " << nsn
                      << ": valid lib " << lib_valid << " engine " << eng_valid
                      << "; type lib " << lib_type << " engine " << eng_type
                      << "; IsValidNumber lib " << lib_any << " engine "
                      << eng_any << "; length lib " << lib_len << " engine "
                      << eng_len << "; for " << other_region << " lib "
                      << lib_other << " engine " << eng_other << "; region lib "
                      << lib_region << " engine " << eng_region;
      }
    }
  }

  int64_t cases() const { return cases_; }
  int64_t valid() const { return valid_; }
  int64_t disagreements() const { return disagreements_; }
  const std::map<int, int64_t>& types() const { return types_; }

 private:
  const PhoneNumberUtil& util_;
  int64_t cases_ = 0;
  int64_t valid_ = 0;
  int64_t disagreements_ = 0;
  std::map<int, int64_t> types_;  // engine's type -> cases
};

// The tables were compiled from the metadata of the library this test
// runs with (an upgraded libphonenumber.so without a rebuild is caught).
TEST(EngineDiffTest, TablesComeFromTheLinkedLibrarysMetadata) {
  const auto* bytes =
      static_cast<const unsigned char*>(i18n::phonenumbers::metadata_get());
  const int size = i18n::phonenumbers::metadata_size();
  uint64_t hash = 0xcbf29ce484222325ull;
  for (int i = 0; i < size; ++i) hash = (hash ^ bytes[i]) * 0x100000001b3ull;
  EXPECT_EQ(CompiledMetadataBytes(), uint64_t(size));
  EXPECT_EQ(CompiledMetadataFingerprint(), hash);
}

// Every region and non-geographical entity of the library has a plan, and
// nothing else does.
TEST(EngineDiffTest, CoversEverySupportedRegionAndEntity) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  std::set<int> non_geo;
  util.GetSupportedGlobalNetworkCallingCodes(&non_geo);
  EXPECT_EQ(NumberingPlan::Count(), int(regions.size() + non_geo.size()));
  for (const std::string& region : regions) {
    std::optional<NumberingPlan> plan = NumberingPlan::ForRegion(region);
    ASSERT_TRUE(plan.has_value()) << region;
    EXPECT_EQ(plan->calling_code(), util.GetCountryCodeForRegion(region));
  }
  for (int code : non_geo) {
    EXPECT_TRUE(NumberingPlan::ForNonGeoEntity(code).has_value()) << code;
  }
  EXPECT_FALSE(NumberingPlan::ForRegion("ZZ").has_value());
  EXPECT_FALSE(NumberingPlan::ForRegion("001").has_value());
  EXPECT_EQ(NumberingPlan::MainForCallingCode(1)->region_code(), "US");
  EXPECT_EQ(NumberingPlan::MainForCallingCode(44)->region_code(), "GB");
  EXPECT_FALSE(NumberingPlan::MainForCallingCode(999).has_value());
  EXPECT_EQ(IsPossibleNumberWithReason(999, "12345"),
            LengthCheck::kInvalidCountryCode);
}

// The corners of the contract: calling codes the library does not know,
// region codes it does not know (or spelt otherwise), "001" with a
// geographic code, a region of another calling code, and the shortest
// numbers.
TEST(EngineDiffTest, AgreesOnUnknownCodesRegionsAndShortNumbers) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  DiffRun run(util);
  const std::vector<int> codes = {0,   1,   7,    44,        262, 376,
                                  800, 808, 870,  882,       883, 888,
                                  979, 999, 1000, 2147483647};
  const std::vector<std::string> regions = {
      "US", "CA", "GB", "RE", "YT", "001", "ZZ", "gb", "", "XK", "UK", "GBR"};
  const std::vector<std::string> nsns = {
      "0",          "1",          "00",        "12",       "800",
      "2025550123", "7400123456", "262123456", "12345678", "000000000000"};
  for (int code : codes) {
    for (const std::string& region : regions) {
      for (const std::string& nsn : nsns) {
        run.Compare(region, code, nsn, region == "GB" ? "US" : "GB");
      }
    }
  }
  std::printf(
      "engine_diff_test: %lld corner cases compared, %lld "
      "disagreements\n",
      static_cast<long long>(run.cases()),
      static_cast<long long>(run.disagreements()));
  EXPECT_EQ(run.disagreements(), 0);
}

TEST(EngineDiffTest, AgreesWithLibphonenumberOnEveryRegionAndType) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const PhoneMetadataCollection collection = test_support::EmbeddedMetadata();
  DiffRun run(util);
  SplitMix64 rng(kSeed);
  int entries = 0, examples_total = 0;
  for (const PhoneMetadata& m : collection.metadata()) {
    if (m.id() == "ZZ") continue;
    ++entries;
    const int code = m.country_code();
    // A region of another calling code, for the cross-region check.
    const std::string other = code == 44 ? "FR" : "GB";
    const auto& lengths = m.general_desc().possible_length();
    ASSERT_GT(lengths.size(), 0) << m.id();
    const int min_length = std::max(1, lengths.Get(0) - 2);
    const int max_length = std::min(19, lengths.Get(lengths.size() - 1) + 2);
    std::vector<std::string> examples = ExamplesOf(m);
    examples_total += int(examples.size());
    if (examples.empty()) examples.push_back("");
    for (const std::string& example : examples) {
      if (!example.empty()) run.Compare(m.id(), code, example, other);
      // Every one-digit change of the example: numbers next to valid ones,
      // often in another type's range.
      for (size_t i = 0; i < example.size(); ++i) {
        for (char d = '0'; d <= '9'; ++d) {
          if (example[i] == d) continue;
          std::string nsn = example;
          nsn[i] = d;
          run.Compare(m.id(), code, nsn, other);
        }
      }
      for (int length = min_length; length <= max_length; ++length) {
        const int longest_prefix = std::min<int>(length, example.size());
        for (int prefix = 0; prefix <= longest_prefix; ++prefix) {
          for (int t = 0; t < kTailsPerShape; ++t) {
            std::string nsn = example.substr(0, prefix);
            while (int(nsn.size()) < length) nsn.push_back(rng.Digit());
            run.Compare(m.id(), code, nsn, other);
            if (testing::Test::HasFatalFailure()) return;
          }
        }
      }
    }
  }
  std::printf(
      "engine_diff_test: %d metadata entries, %d example numbers, %lld cases "
      "compared (%lld valid), %lld disagreements\n",
      entries, examples_total, static_cast<long long>(run.cases()),
      static_cast<long long>(run.valid()),
      static_cast<long long>(run.disagreements()));
  std::printf("engine_diff_test: cases by type (PhoneNumberType value):");
  for (const auto& [type, count] : run.types()) {
    std::printf(" %d=%lld", type, static_cast<long long>(count));
  }
  std::printf("\n");
  EXPECT_GE(run.cases(), 300'000);
  EXPECT_EQ(run.disagreements(), 0);
  // Every PhoneNumberType, UNKNOWN (11) included, occurs among the cases.
  for (int type = 0; type <= 11; ++type) {
    EXPECT_GT(run.types().count(type), 0u) << "no case of type " << type;
  }
}

}  // namespace
}  // namespace phonebulk::phone::engine
