// Tests of the compiled formatter (format.h) against libphonenumber itself
// and, rule by rule, against std::regex:
//
// - every compiled format rule splits and fills its template as
//   std::regex_replace does (an independent backtracking matcher with the
//   same leftmost, priority-ordered semantics as ICU), on random digit
//   strings of every length its pattern accepts;
// - the differential: libphonenumber's Format (E164, INTERNATIONAL,
//   NATIONAL) and FormatOutOfCountryCallingNumber from US, GB, DE, JP, AU
//   and the number's own region, on the example number of every type of
//   every region and non-geographical entity, each one-digit change of it,
//   and seeded random numbers (prefixes of the examples with random tails
//   of every length from the shortest possible length - 1 to the longest
//   + 1), valid and invalid. Every in-scope answer must be identical; the
//   out-of-scope share is printed and bounded;
// - every example number dialled from every region, and corner cases
//   (unknown calling codes and regions, NSNs the engine refuses).

#include "phone/engine/format.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "phone/engine/engine.h"
#include "phone/engine/engine_testing.h"
#include "phone/engine/format_tables.h"
#include "phonenumbers/phonemetadata.pb.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone::engine {
namespace {

using test_support::NumberFromNsn;

using i18n::phonenumbers::PhoneMetadata;
using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberDesc;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr uint64_t kSeed = 20261203;
// Random tails drawn per (example, prefix length, total length).
constexpr int kTailsPerShape = 4;
constexpr const char* kFromRegions[] = {"US", "GB", "DE", "JP", "AU"};

class Random {
 public:
  explicit Random(uint64_t seed) : state_(seed) {}
  uint32_t Next() {
    state_ = state_ * 6364136223846793005ull + 1442695040888963407ull;
    return static_cast<uint32_t>(state_ >> 33);
  }
  char Digit() { return static_cast<char>('0' + Next() % 10); }

 private:
  uint64_t state_;
};

// The metadata of kPlans[i] (and so of kFormatPlans[i]).
std::vector<const PhoneMetadata*> MetadataInPlanOrder(
    const PhoneMetadataCollection& collection) {
  std::vector<const PhoneMetadata*> out;
  for (int i = 0; i < NumberingPlan::Count(); ++i) {
    const NumberingPlan plan = NumberingPlan::At(i);
    const PhoneMetadata* found = nullptr;
    for (const PhoneMetadata& m : collection.metadata()) {
      if (m.id() == plan.region_code() &&
          m.country_code() == plan.calling_code()) {
        found = &m;
      }
    }
    out.push_back(found);
  }
  return out;
}

TEST(EngineFormatTest, TablesFollowThePlans) {
  ASSERT_EQ(internal::kFormatPlanCount,
            static_cast<uint32_t>(NumberingPlan::Count()));
  for (int i = 0; i < NumberingPlan::Count(); ++i) {
    const NumberingPlan plan = NumberingPlan::At(i);
    EXPECT_EQ(std::string_view(internal::kFormatPlans[i].region),
              plan.region_code());
    EXPECT_EQ(internal::kFormatPlans[i].calling_code, plan.calling_code());
  }
}

// The template libphonenumber replaces with, computed with std::regex: for
// NATIONAL the first "$<digit>" replaced by the national prefix rule.
std::string StdTemplate(const i18n::phonenumbers::NumberFormat& f,
                        bool national) {
  if (!national || f.national_prefix_formatting_rule().empty()) {
    return f.format();
  }
  return std::regex_replace(f.format(), std::regex("(\\$\\d)"),
                            f.national_prefix_formatting_rule(),
                            std::regex_constants::format_first_only);
}

// Every rule against std::regex_replace on random strings its pattern
// accepts, for both templates of the national list and the intl list.
TEST(EngineFormatTest, EveryRuleSplitsLikeStdRegex) {
  const PhoneMetadataCollection collection = test_support::EmbeddedMetadata();
  const std::vector<const PhoneMetadata*> metadata =
      MetadataInPlanOrder(collection);
  Random random(kSeed);
  int rules = 0, out_of_scope = 0, strings = 0, disagreements = 0;
  int untried = 0;  // in-scope rules no random string exercised
  for (size_t p = 0; p < metadata.size(); ++p) {
    ASSERT_NE(metadata[p], nullptr);
    const internal::FormatPlan& plan = internal::kFormatPlans[p];
    for (int list = 0; list < 2; ++list) {
      const auto& formats = list == 0 ? metadata[p]->number_format()
                                      : metadata[p]->intl_number_format();
      const int first = list == 0 ? plan.national_first : plan.intl_first;
      for (int j = 0; j < formats.size(); ++j) {
        const internal::FormatRule& rule = internal::kFormatRules[first + j];
        ++rules;
        if (!rule.selectable || !rule.splittable) {
          ++out_of_scope;
          continue;
        }
        const std::regex re(formats[j].pattern());
        const int before = strings;
        for (int length = 1; length <= 17; ++length) {
          for (int draw = 0; draw < 12; ++draw) {
            std::string nsn;
            for (int k = 0; k < length; ++k) nsn.push_back(random.Digit());
            if (!std::regex_match(nsn, re)) continue;
            ++strings;
            for (bool national : {false, true}) {
              if (national && list == 1) continue;
              const std::string want = std::regex_replace(
                  nsn, re, StdTemplate(formats[j], national));
              FormattedNumber got;
              const FormatStatus status =
                  internal::ApplyRule(rule, national, nsn, &got);
              if (status != FormatStatus::kOk) continue;
              if (got.view() != want && ++disagreements <= 20) {
                ADD_FAILURE()
                    << metadata[p]->id() << " " << formats[j].pattern() << " "
                    << nsn << ": std::regex \"" << want << "\", engine \""
                    << got.view() << "\"";
              }
            }
          }
        }
        untried += strings == before;
      }
    }
  }
  std::printf(
      "rules: %d, out of scope %d, untried %d; %d strings compared, "
      "%d disagreements\n",
      rules, out_of_scope, untried, strings, disagreements);
  EXPECT_EQ(untried, 0);
  EXPECT_EQ(disagreements, 0);
  EXPECT_GT(strings, 10'000);
}

// Counts of the differential.
struct Tally {
  int64_t numbers = 0;
  int64_t valid = 0;
  int64_t answers = 0;  // engine answers compared or refused
  int64_t answers_out_of_scope = 0;
  int64_t numbers_out_of_scope = 0;  // at least one answer out of scope
  int64_t valid_out_of_scope = 0;
  int64_t disagreements = 0;
};

class Differential {
 public:
  explicit Differential(const PhoneNumberUtil& util) : util_(util) {}

  // Compares every format of (calling_code, nsn); returns false when some
  // answer was out of scope.
  void Check(int calling_code, const std::string& nsn) {
    const PhoneNumber number = NumberFromNsn(calling_code, nsn);
    // The engine's validity is the library's (engine_diff_test), and cheaper.
    const bool valid = IsValidNumber(calling_code, nsn);
    bool refused = false;
    std::string want;
    FormattedNumber got;
    for (auto style : {PhoneNumberUtil::E164, PhoneNumberUtil::INTERNATIONAL,
                       PhoneNumberUtil::NATIONAL}) {
      util_.Format(number, style, &want);
      const FormatStatus status =
          Format(calling_code, nsn, static_cast<FormatStyle>(style), &got);
      refused |= !Compare(status, got, want, calling_code, nsn, "style",
                          std::to_string(style));
    }
    const std::optional<NumberingPlan> own =
        NumberingPlan::ForNumber(calling_code, nsn);
    std::string own_region = own ? std::string(own->region_code()) : "ZZ";
    for (const char* from : kFromRegions) {
      refused |= !CheckFrom(number, calling_code, nsn, from);
    }
    refused |= !CheckFrom(number, calling_code, nsn, own_region);
    ++tally_.numbers;
    tally_.valid += valid;
    tally_.numbers_out_of_scope += refused;
    tally_.valid_out_of_scope += refused && valid;
  }

  bool CheckFrom(const PhoneNumber& number, int calling_code,
                 const std::string& nsn, const std::string& from) {
    std::string want;
    FormattedNumber got;
    util_.FormatOutOfCountryCallingNumber(number, from, &want);
    const FormatStatus status =
        FormatOutOfCountryCallingNumber(calling_code, nsn, from, &got);
    return Compare(status, got, want, calling_code, nsn, "from", from);
  }

  const Tally& tally() const { return tally_; }

 private:
  // True when in scope (whether or not it agreed).
  bool Compare(FormatStatus status, const FormattedNumber& got,
               const std::string& want, int calling_code,
               const std::string& nsn, const char* what,
               const std::string& which) {
    ++tally_.answers;
    if (status == FormatStatus::kOutOfScope) {
      ++tally_.answers_out_of_scope;
      EXPECT_EQ(got.size(), 0u);
      return false;
    }
    if (got.view() != want && ++tally_.disagreements <= 20) {
      ADD_FAILURE() << "+" << calling_code << " " << nsn << " " << what << " "
                    << which << ": libphonenumber \"" << want << "\", engine \""
                    << got.view() << "\"";
    }
    return true;
  }

  const PhoneNumberUtil& util_;
  Tally tally_;
};

// The example numbers of every type of every metadata entry.
std::vector<std::pair<int, std::string>> Examples(
    const PhoneMetadataCollection& collection) {
  std::vector<std::pair<int, std::string>> out;
  for (const PhoneMetadata& m : collection.metadata()) {
    const PhoneNumberDesc* descs[] = {&m.general_desc(),    &m.fixed_line(),
                                      &m.mobile(),          &m.toll_free(),
                                      &m.premium_rate(),    &m.shared_cost(),
                                      &m.personal_number(), &m.voip(),
                                      &m.pager(),           &m.uan(),
                                      &m.voicemail()};
    for (const PhoneNumberDesc* desc : descs) {
      if (!desc->example_number().empty()) {
        out.push_back({m.country_code(), desc->example_number()});
      }
    }
  }
  return out;
}

TEST(EngineFormatTest, AgreesWithLibphonenumber) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const PhoneMetadataCollection collection = test_support::EmbeddedMetadata();
  const std::vector<std::pair<int, std::string>> examples =
      Examples(collection);
  Differential diff(util);
  Random random(kSeed);
  for (const auto& [code, example] : examples) {
    diff.Check(code, example);
    // Every one-digit change.
    for (size_t k = 0; k < example.size(); ++k) {
      for (char d = '0'; d <= '9'; ++d) {
        if (d == example[k]) continue;
        std::string changed = example;
        changed[k] = d;
        diff.Check(code, changed);
      }
    }
    // Random tails of every length around the possible lengths.
    const std::optional<NumberingPlan> plan =
        NumberingPlan::MainForCallingCode(code);
    ASSERT_TRUE(plan.has_value());
    int min = 17, max = 1;
    for (int length = 1; length <= 17; ++length) {
      const std::string probe(length, '5');
      const LengthCheck check = plan->TestLength(probe);
      if (check == LengthCheck::kIsPossible ||
          check == LengthCheck::kIsPossibleLocalOnly) {
        min = std::min(min, length);
        max = std::max(max, length);
      }
    }
    for (int length = std::max(1, min - 1); length <= std::min(17, max + 1);
         ++length) {
      const int longest_prefix =
          std::min<int>(length, static_cast<int>(example.size()));
      for (int prefix = 0; prefix <= longest_prefix; ++prefix) {
        for (int t = 0; t < kTailsPerShape; ++t) {
          std::string nsn = example.substr(0, prefix);
          while (static_cast<int>(nsn.size()) < length) {
            nsn.push_back(random.Digit());
          }
          diff.Check(code, nsn);
        }
      }
    }
  }
  const Tally& t = diff.tally();
  std::printf(
      "%zu examples; %lld numbers (%lld valid), %lld answers compared with "
      "libphonenumber, %lld disagreements; out of scope: %lld answers "
      "(%.4f%%), %lld numbers (%.4f%%), %lld valid numbers (%.4f%%)\n",
      examples.size(), static_cast<long long>(t.numbers),
      static_cast<long long>(t.valid), static_cast<long long>(t.answers),
      static_cast<long long>(t.disagreements),
      static_cast<long long>(t.answers_out_of_scope),
      100.0 * t.answers_out_of_scope / t.answers,
      static_cast<long long>(t.numbers_out_of_scope),
      100.0 * t.numbers_out_of_scope / t.numbers,
      static_cast<long long>(t.valid_out_of_scope),
      100.0 * t.valid_out_of_scope / std::max<int64_t>(1, t.valid));
  EXPECT_EQ(t.disagreements, 0);
  EXPECT_GE(t.numbers, 300'000);
  EXPECT_GT(t.valid, 50'000);
  // Today nothing is out of scope (every rule compiles); the bound leaves
  // room for a future metadata rule the compiler cannot reproduce.
  EXPECT_LE(t.valid_out_of_scope * 1000, t.valid);     // <= 0.1%
  EXPECT_LE(t.numbers_out_of_scope * 100, t.numbers);  // <= 1%
}

// Each example number dialled from every region the library knows.
TEST(EngineFormatTest, ExamplesFromEveryRegion) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const PhoneMetadataCollection collection = test_support::EmbeddedMetadata();
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  Differential diff(util);
  int64_t compared = 0;
  for (const auto& [code, example] : Examples(collection)) {
    const PhoneNumber number = NumberFromNsn(code, example);
    for (const std::string& from : regions) {
      diff.CheckFrom(number, code, example, from);
      ++compared;
    }
  }
  std::printf("%lld example-from-region answers, %lld out of scope\n",
              static_cast<long long>(compared),
              static_cast<long long>(diff.tally().answers_out_of_scope));
  EXPECT_EQ(diff.tally().disagreements, 0);
  EXPECT_EQ(diff.tally().answers_out_of_scope, 0);
}

TEST(EngineFormatTest, CornerCases) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  Differential diff(util);
  // Unknown calling codes, the NANPA and shared codes, non-geographical
  // entities; regions the library does not know or spells otherwise.
  for (int code : {1, 7, 39, 44, 262, 800, 882, 979, 999, 998, 42, 10, 290}) {
    for (const char* nsn : {"0", "00", "012345", "1", "2015550123", "7",
                            "12345678901234567", "0000000000"}) {
      diff.Check(code, nsn);
      const PhoneNumber number = NumberFromNsn(code, nsn);
      for (const char* from : {"001", "ZZ", "gb", "", "UK", "XK", "TA", "RU",
                               "KZ", "BY", "UZ", "CA", "GG", "RE", "YT"}) {
        diff.CheckFrom(number, code, nsn, from);
      }
    }
  }
  EXPECT_EQ(diff.tally().disagreements, 0);
  EXPECT_EQ(diff.tally().answers_out_of_scope, 0);
  // What the engine refuses rather than guesses.
  FormattedNumber out;
  EXPECT_EQ(Format(44, "", FormatStyle::kNational, &out),
            FormatStatus::kOutOfScope);
  EXPECT_EQ(Format(44, "20 7946", FormatStyle::kNational, &out),
            FormatStatus::kOutOfScope);
  EXPECT_EQ(Format(44, "123456789012345678", FormatStyle::kE164, &out),
            FormatStatus::kOutOfScope);
  EXPECT_EQ(Format(0, "2079460000", FormatStyle::kE164, &out),
            FormatStatus::kOutOfScope);
  EXPECT_EQ(Format(1000, "2079460000", FormatStyle::kE164, &out),
            FormatStatus::kOutOfScope);
  EXPECT_EQ(out.size(), 0u);
  ASSERT_EQ(Format(44, "2079460000", FormatStyle::kNational, &out),
            FormatStatus::kOk);
  EXPECT_EQ(out.view(), "020 7946 0000");
}

// Format with an extension (what Parse gives for "... ext. 12"): the
// library's text, preferred_extn_prefix (GB " x", PE, RO, TW, UY) or
// " ext. ", on the example number of every region and entity and on
// unknown calling codes.
TEST(EngineFormatTest, ExtensionsAsLibphonenumber) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::vector<PhoneNumber> numbers;
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    PhoneNumber number;
    if (util.GetExampleNumber(region, &number)) numbers.push_back(number);
  }
  std::set<int> codes;
  util.GetSupportedGlobalNetworkCallingCodes(&codes);
  for (int code : codes) {
    PhoneNumber number;
    if (util.GetExampleNumberForNonGeoEntity(code, &number)) {
      numbers.push_back(number);
    }
  }
  numbers.push_back(NumberFromNsn(999, "2015550123"));
  numbers.push_back(NumberFromNsn(44, "2079460018"));
  int checked = 0;
  for (PhoneNumber number : numbers) {
    std::string nsn;
    util.GetNationalSignificantNumber(number, &nsn);
    for (const char* extension : {"", "1", "12345678901234567890"}) {
      number.set_extension(extension);
      for (auto style : {PhoneNumberUtil::E164, PhoneNumberUtil::INTERNATIONAL,
                         PhoneNumberUtil::NATIONAL}) {
        FormattedNumber out;
        if (Format(number.country_code(), nsn, extension,
                   static_cast<FormatStyle>(style),
                   &out) != FormatStatus::kOk) {
          continue;
        }
        std::string expected;
        util.Format(number, style, &expected);
        EXPECT_EQ(out.view(), expected)
            << "+" << number.country_code() << " " << nsn << " ext "
            << extension << " style " << style;
        ++checked;
      }
    }
  }
  // Nearly all answered (the longest texts may not fit the buffer).
  EXPECT_GT(checked, static_cast<int>(numbers.size()) * 8);
  FormattedNumber out;
  ASSERT_EQ(Format(44, "2079460018", "12", FormatStyle::kNational, &out),
            FormatStatus::kOk);
  EXPECT_EQ(out.view(), "020 7946 0018 x12");
}

}  // namespace
}  // namespace phonebulk::phone::engine
