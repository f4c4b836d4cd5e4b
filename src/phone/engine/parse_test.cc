// Differential test of the engine's parser (parse.h) against
// libphonenumber's PhoneNumberUtil::Parse on generated inputs
// (parse_inputs.h): every answer the engine gives in scope must be the
// library's, field by field (error, country_code, national_number,
// italian_leading_zero, number_of_leading_zeros, extension). Also measured
// and bounded: the out-of-scope share on the benchmark corpus's mix.

#include "phone/engine/parse.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <random>
#include <string>
#include <vector>

#include "phone/engine/parse_inputs.h"
#include "phone/engine/parse_tables.h"
#include "phone/engine/plan_tables.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

// Every operator new in this test binary is counted, so that a test can
// show Parse allocates nothing (the contract in parse.h).
std::atomic<int64_t> g_allocations{0};

// GCC takes free() of what this operator new returns for a mismatch.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
#endif
void* operator new(size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, size_t) noexcept { std::free(p); }

namespace phonebulk::phone::engine {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr uint64_t kSeed = 20261203;
constexpr int kDifferentialInputs = 320'000;
constexpr int kCorpusRows = 100'000;
// The bound asserted on the corpus mix's out-of-scope share: measured
// 0.02% (docs/engine.md), issue 13's goal 1%; 0.2% catches a regression.
constexpr double kMaxCorpusOutOfScope = 0.002;

// "" when the engine's in-scope answer is the library's, else what differs.
std::string Compare(const ParsedNumber& engine,
                    PhoneNumberUtil::ErrorType error,
                    const PhoneNumber& number) {
  if (engine.outcome == ParsedNumber::Outcome::kError) {
    if (static_cast<int>(engine.error) == static_cast<int>(error)) return "";
    return "error " + std::to_string(static_cast<int>(engine.error)) +
           " vs library " + std::to_string(error);
  }
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    return "parsed vs library error " + std::to_string(error);
  }
  std::string diff;
  auto field = [&diff](const char* name, auto a, auto b) {
    if (a != b) {
      diff += std::string(name) + " " + std::to_string(a) + " vs " +
              std::to_string(b) + "; ";
    }
  };
  field("country_code", engine.calling_code, number.country_code());
  field("national_number", engine.national_number, number.national_number());
  field("italian_leading_zero", engine.italian_leading_zero,
        number.italian_leading_zero());
  field("number_of_leading_zeros", engine.number_of_leading_zeros,
        number.number_of_leading_zeros());
  if (engine.extension() != number.extension()) diff += "extension; ";
  return diff;
}

struct Tally {
  int cases = 0;
  int out_of_scope = 0;
  int parsed = 0;
  int errors = 0;
  int disagreements = 0;
};

enum class Verdict { kOutOfScope, kParsed, kError, kDisagreement };

void Count(Verdict verdict, Tally* tally) {
  ++tally->cases;
  switch (verdict) {
    case Verdict::kOutOfScope:
      ++tally->out_of_scope;
      break;
    case Verdict::kParsed:
      ++tally->parsed;
      break;
    case Verdict::kError:
      ++tally->errors;
      break;
    case Verdict::kDisagreement:
      ++tally->disagreements;
      break;
  }
}

// The engine on one input, checked against the library when in scope; the
// first disagreements are reported as failures.
Verdict CheckOne(const PhoneNumberUtil& util, const ParseInput& in,
                 int* reported) {
  const ParsedNumber engine = Parse(in.text, in.region);
  if (engine.outcome == ParsedNumber::Outcome::kOutOfScope) {
    return Verdict::kOutOfScope;
  }
  PhoneNumber number;
  const PhoneNumberUtil::ErrorType error = util.Parse(
      in.text, in.region.empty() ? std::string("ZZ") : in.region, &number);
  const std::string diff = Compare(engine, error, number);
  if (!diff.empty()) {
    if (++*reported <= 20) {
      ADD_FAILURE() << "\"" << in.text << "\" region \"" << in.region
                    << "\": " << diff;
    }
    return Verdict::kDisagreement;
  }
  return engine.outcome == ParsedNumber::Outcome::kParsed ? Verdict::kParsed
                                                          : Verdict::kError;
}

// Compares every input; the totals, and in `by_kind` (when given) those of
// the inputs written from numbers ([0]) and of the junk ([1]) apart.
Tally Check(const std::vector<ParseInput>& inputs,
            Tally (*by_kind)[2] = nullptr) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  Tally tally;
  int reported = 0;
  for (const ParseInput& in : inputs) {
    const Verdict verdict = CheckOne(util, in, &reported);
    Count(verdict, &tally);
    if (by_kind != nullptr) Count(verdict, &(*by_kind)[in.junk ? 1 : 0]);
  }
  return tally;
}

void Print(const char* what, const Tally& t) {
  std::printf(
      "%s: %d cases, %d parsed and %d errors in scope, %d out of scope "
      "(%.3f%%), %d disagreements\n",
      what, t.cases, t.parsed, t.errors, t.out_of_scope,
      100.0 * t.out_of_scope / t.cases, t.disagreements);
}

TEST(ParseTest, AllocatesNothing) {
  int skipped = 0;
  const std::vector<ParseInput> inputs =
      CorpusLikeInputs(kSeed + 2, 20'000, &skipped);
  const std::vector<ParseInput> edge = DifferentialInputs(kSeed + 2, 1);
  int64_t parsed = 0;
  const int64_t before = g_allocations.load();
  for (const auto* set : {&inputs, &edge}) {
    for (const ParseInput& in : *set) {
      parsed +=
          Parse(in.text, in.region).outcome == ParsedNumber::Outcome::kParsed;
    }
  }
  EXPECT_EQ(g_allocations.load() - before, 0);
  EXPECT_GT(parsed, 0);
}

TEST(ParseTest, TablesFollowThePlanIndex) {
  ASSERT_EQ(internal::kParsePlanCount, internal::kPlanCount);
  for (uint32_t i = 0; i < internal::kPlanCount; ++i) {
    EXPECT_STREQ(internal::kParsePlans[i].region, internal::kPlans[i].region);
    EXPECT_EQ(internal::kParsePlans[i].calling_code,
              internal::kPlans[i].calling_code);
  }
}

// Hand-picked cases of each rule, the library's answer checked too.
TEST(ParseTest, KnownAnswers) {
  struct Case {
    const char* text;
    const char* region;
    ParsedNumber::Outcome outcome;
    int calling_code;
    uint64_t national_number;
    const char* extension = "";
  };
  using O = ParsedNumber::Outcome;
  const Case kCases[] = {
      {"+44 20 7031 3000", "", O::kParsed, 44, 2070313000},
      {"020 7031 3000", "GB", O::kParsed, 44, 2070313000},
      {"0044 20 7031 3000", "GB", O::kParsed, 44, 2070313000},
      {"011 44 20 7031 3000", "US", O::kParsed, 44, 2070313000},
      {"442070313000", "GB", O::kParsed, 44, 2070313000},
      {"＋４４ ２０ ７０３１ ３０００", "", O::kParsed, 44, 2070313000},
      {"٠٢٠ ٧٠٣١ ٣٠٠٠", "GB", O::kParsed, 44, 2070313000},
      {"1-800-FLOWERS", "US", O::kParsed, 1, 8003569377},
      {"+39 06 1234 5678", "", O::kParsed, 39, 612345678},
      {"n/a", "GB", O::kError, 0, 0},
      {"020 7031 3000", "ZZ", O::kError, 0, 0},
      {"+999 123 456", "", O::kError, 0, 0},
      {"+44 20 7031 3000 ext. 12", "", O::kParsed, 44, 2070313000, "12"},
      {"(530) 583-6985 x302/x2303", "US", O::kParsed, 1, 5305836985, "302"},
      {"tel:+1-202-555-0100;ext=7;isub=12", "", O::kParsed, 1, 2025550100, "7"},
      {"020 7031 3000 #", "GB", O::kError, 0, 0},  // '#' alone: not viable
      {"+44 20 7031 3000 ☎\n", "", O::kParsed, 44, 2070313000},
      {"+44 20 7031 3000 ext. １２", "", O::kOutOfScope, 0, 0},
      {"tel:020-7031-3000;phone-context=+44", "", O::kParsed, 44, 2070313000},
      {"tel:2070313000;phone-context=+٤٤", "", O::kParsed, 44, 2070313000},
      {"tel:2070313000 ☎;phone-context=+44", "", O::kOutOfScope, 0, 0},
  };
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  for (const Case& c : kCases) {
    const ParsedNumber p = Parse(c.text, c.region);
    EXPECT_EQ(p.outcome, c.outcome) << c.text;
    if (p.outcome == O::kParsed) {
      EXPECT_EQ(p.calling_code, c.calling_code) << c.text;
      EXPECT_EQ(p.national_number, c.national_number) << c.text;
      EXPECT_EQ(p.extension(), c.extension) << c.text;
    }
    if (p.outcome != O::kOutOfScope) {
      PhoneNumber number;
      const auto error =
          util.Parse(c.text, *c.region ? c.region : "ZZ", &number);
      EXPECT_EQ(Compare(p, error, number), "") << c.text;
    }
  }
}

// Inputs at the edges of the character-level rules, where only agreement
// is asserted: each must be in scope or out, and right when in.
TEST(ParseTest, AgreesOnEdgeCases) {
  static const char* const kTexts[] = {
      "１-800-FLOWERS",
      "1-800-FLOWERS １",
      "0800 AB",
      "0800 ABC 123",
      "+1 800 FLOWERS ext. 5",
      "x",
      "xx12345",
      "12345 x",
      "12345 x ",
      "12345x6",
      "12345 X 6",
      "12345 #6#",
      "12345 - 6#",
      "12345-1234567#",
      "12345,6",
      "12345,,6",
      "12345;6",
      "12345;ext=6",
      "12345;EXT=6",
      "12345 ext 123456789012345678901",
      "12345 int 6",
      "12345 INT6",
      "12345 anexo 6",
      "12345 extension: 6",
      "12345 extensio 6",
      "12345 xtn 6",
      "12345 ~6",
      "12345 , , 6",
      "123 ext 4",
      "12 ext 3",
      "+12 ext 3",
      "12/x3",
      "123\\ x45",
      "123 / x45 / x6",
      "123;isub=4",
      "tel:+44-20-7031-3000;isub=1;ext=2",
      "++++44 20 7031 3000",
      "+ 44 20",
      "+0044 20 7031 3000",
      "+0 44 20 7031 3000",
      "0044",
      "00440",
      "004",
      "44",
      "4",
      "",
      "+",
      "(+44) 20 7031 3000",
      "+44 (0)20 7031 3000",
      "[+44] 20",
      "20 7031 3000\t",
      "20 7031\t3000",
      "20 7031\n3000",
      "٠٢٠٧٠٣١٣٠٠٠",
      "۰۲۰۷۰۳۱۳۰۰۰",
      "020 7031 3000 ☎☎",
      "020 — 7031",
      "020\xc2\xa0"
      "7031 3000",
      "\xe2\x80\x8b"
      "020 7031 3000",
      "+44 20 7031 3000é",
      "123456789012345678",
      "1234567890123456789012345",
      "+800 1234 5678",
      "+882 1234 5678",
      "+979 123456789",
      "+999 1234",
      "011 44 20 7031 3000",
      "8 10 44 20 7031 3000",
      "8 800 555 35 35",
      "+7 8 800 555 35 35",
      "tel:;phone-context=+44",
      "tel:020;phone-context=+",
      "tel:02070313000;phone-context=+44",
      "02070313000;phone-context=+44",
      "tel:02070313000;phone-context=+4;x=1",
      "x;phone-context=+4420703130",
      "tel:0207 031 3000;phone-context=example.com",
      "tel:2070313000;phone-context=+44;tel:5",
      "tel:12;phone-context=+44",
      "tel:020-7031-3000;ext=5;phone-context=+44",
      "tel:020 7031 3000 ext. 5;phone-context=+44;isub=3",
      "tel:＋４４2070313000;phone-context=+",
      "tel:2070313000;phone-context=+٤٤",
  };
  static const char* const kRegions[] = {"GB", "US", "RU", "AR",  "BY", "KR",
                                         "IT", "ZZ", "",   "001", "AU", "CC"};
  std::vector<ParseInput> inputs;
  for (const char* text : kTexts) {
    for (const char* region : kRegions) inputs.push_back({text, region});
  }
  const Tally tally = Check(inputs);
  Print("edge cases", tally);
  EXPECT_EQ(tally.disagreements, 0);
}

// Inputs engine_diff_fuzz (tests/fuzz) found the engine answering
// differently, and their neighbours: each must be in scope or out, and
// right when in.
TEST(ParseTest, AgreesOnInputsFoundByFuzzing) {
  using namespace std::string_literals;
  const std::string kTexts[] = {
      // NUL and other control characters before and inside the number.
      "\x0f\x0f\x0f\0\0\0\0\0\x17\0"
      "0018"s,
      "\0"
      "0018"s,
      "\x0f"
      "0018",
      "\x17"
      "0018",
      "00\0"
      "18"s,
      "0018\0"s,
      "+44 20 7946 0018\0"s,
      "+44 20 7946\0 0018"s,
  };
  static const char* const kRegions[] = {"AZ", "GB", "US", "ZZ", ""};
  std::vector<ParseInput> inputs;
  for (const std::string& text : kTexts) {
    for (const char* region : kRegions) inputs.push_back({text, region});
  }
  const Tally tally = Check(inputs);
  Print("found by fuzzing", tally);
  EXPECT_EQ(tally.disagreements, 0);
}

TEST(ParseTest, AgreesWithLibphonenumberOnEveryRegionAndForm) {
  const auto start = std::chrono::steady_clock::now();
  const std::vector<ParseInput> inputs =
      DifferentialInputs(kSeed, kDifferentialInputs);
  ASSERT_GE(inputs.size(), 300'000u);
  Tally by_kind[2];
  const Tally tally = Check(inputs, &by_kind);
  const Tally& forms_tally = by_kind[0];
  Print("differential", tally);
  Print("  of which written from numbers", forms_tally);
  Print("  of which junk", by_kind[1]);
  std::printf("  in %.1f s\n", std::chrono::duration<double>(
                                   std::chrono::steady_clock::now() - start)
                                   .count());
  EXPECT_EQ(tally.disagreements, 0);
  // The forms are meant to exercise the parser, not the fallback: nearly
  // all written from numbers must be answered in scope.
  EXPECT_GT(tally.parsed + tally.errors, tally.cases * 3 / 4);
  EXPECT_LT(forms_tally.out_of_scope, forms_tally.cases / 100);
}

// Every node of every decision trie (the digit strings that start a match
// of an international or national prefix pattern, parse_tables.h), with
// seeded random tails of 0 to 12 digits, parsed with the plan's region:
// ICU's choice of match and the transform rules, node by node.
TEST(ParseTest, AgreesOnEveryPrefixPatternNode) {
  std::mt19937_64 rng(kSeed);
  std::vector<ParseInput> inputs;
  for (uint32_t i = 0; i < internal::kParsePlanCount; ++i) {
    const internal::ParsePlan& plan = internal::kParsePlans[i];
    if (std::strcmp(plan.region, "001") == 0) continue;
    for (const internal::PrefixPattern* pattern :
         {&plan.international_prefix, &plan.national_prefix}) {
      if (pattern->trie_nodes == 0) continue;
      const internal::DecisionNode* trie =
          internal::kDecisionNodes + pattern->trie;
      // Depth first, rebuilding each node's digits.
      std::vector<std::pair<uint16_t, std::string>> stack = {{0, ""}};
      while (!stack.empty()) {
        auto [node, digits] = stack.back();
        stack.pop_back();
        for (int d = 0; d < 10; ++d) {
          if (trie[node].child[d] != 0) {
            stack.push_back({trie[node].child[d], digits + char('0' + d)});
          }
        }
        for (int k = 0; k < 2; ++k) {
          std::string text = digits;
          const int tail = static_cast<int>(rng() % 13);
          for (int t = 0; t < tail; ++t) text.push_back(char('0' + rng() % 10));
          inputs.push_back({text, plan.region});
        }
      }
    }
  }
  const Tally tally = Check(inputs);
  Print("prefix pattern nodes", tally);
  EXPECT_EQ(tally.disagreements, 0);
  EXPECT_GT(tally.parsed + tally.errors, tally.cases * 9 / 10);
}

// Inputs that a national prefix pattern's `$` alternative matches whole
// (seeded walks of its automaton: the local numbers of the NANPA islands,
// CC, CX, GG, IM, JE, MG, NF, SM, which a transform rule completes), as
// they are and with a digit added or dropped, parsed with the plan's
// region: ICU's transforms as the metadata compiler recorded them.
TEST(ParseTest, AgreesOnEveryDollarAlternative) {
  std::mt19937_64 rng(kSeed);
  std::vector<ParseInput> inputs;
  for (uint32_t i = 0; i < internal::kParsePlanCount; ++i) {
    const internal::ParsePlan& plan = internal::kParsePlans[i];
    const internal::Dfa& dfa = plan.national_prefix.at_end;
    if (dfa.start == 0 || std::strcmp(plan.region, "001") == 0) continue;
    const uint16_t* table = internal::kParseTransitions + dfa.offset;
    for (int sample = 0; sample < 300; ++sample) {
      std::string digits;
      uint16_t state = dfa.start;
      while (digits.size() < 20 &&
             !((state & internal::kAcceptBit) && rng() % 3 == 0)) {
        const int first = static_cast<int>(rng() % 10);
        int d = first;
        while (table[(state & internal::kRowMask) * 10 + d] == 0) {
          d = (d + 1) % 10;
          if (d == first) break;
        }
        const uint16_t next = table[(state & internal::kRowMask) * 10 + d];
        if (next == 0) break;
        digits.push_back(static_cast<char>('0' + d));
        state = next;
      }
      inputs.push_back({digits, plan.region});
      inputs.push_back({digits + char('0' + rng() % 10), plan.region});
      inputs.push_back({digits.substr(1), plan.region});
    }
  }
  const Tally tally = Check(inputs);
  Print("`$` alternatives", tally);
  EXPECT_EQ(tally.disagreements, 0);
  EXPECT_GT(tally.parsed + tally.errors, tally.cases * 9 / 10);
}

TEST(ParseTest, CorpusMixIsMostlyInScope) {
  int skipped = 0;
  const std::vector<ParseInput> inputs =
      CorpusLikeInputs(kSeed + 1, kCorpusRows, &skipped);
  const Tally tally = Check(inputs);
  Print("corpus mix", tally);
  std::printf("  (%d of %d rows answered by the validator before parsing)\n",
              skipped, kCorpusRows);
  EXPECT_EQ(tally.disagreements, 0);
  EXPECT_LE(tally.out_of_scope, kMaxCorpusOutOfScope * tally.cases);
}

}  // namespace
}  // namespace phonebulk::phone::engine
