#include "phone/engine/digit_regex.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace phonebulk::phone::engine {
namespace {

DigitDfa MustCompile(const std::string& pattern) {
  absl::StatusOr<DigitDfa> dfa = CompileDigitRegex(pattern);
  EXPECT_TRUE(dfa.ok()) << pattern << ": " << dfa.status();
  return dfa.ok() ? *dfa : EmptyLanguageDfa();
}

struct MatchCase {
  std::string pattern;
  std::vector<std::string> matches;
  std::vector<std::string> rejects;
};

// One row per supported construct (digit_regex.h), full-match semantics.
TEST(DigitRegexTest, EachSupportedConstructMatchesItsLanguage) {
  const std::vector<MatchCase> cases = {
      {"7", {"7"}, {"", "8", "77"}},
      {"\\d", {"0", "9"}, {"", "00"}},
      {"[147]", {"1", "4", "7"}, {"2", "14"}},
      {"[2-5]", {"2", "3", "5"}, {"1", "6"}},
      {"[13-57]", {"1", "3", "5", "7"}, {"2", "6"}},
      {"[\\d]", {"0", "9"}, {"01"}},
      {"12|34", {"12", "34"}, {"1234", "14", ""}},
      {"1(?:2|3)4", {"124", "134"}, {"14", "1234"}},
      {"1(2|3)4", {"124", "134"}, {"14"}},
      {"1(?:|2)", {"1", "12"}, {"2", "122"}},
      {"12?", {"1", "12"}, {"122", "2"}},
      {"12*", {"1", "12", "1222"}, {"2", "13"}},
      {"12+", {"12", "1222"}, {"1", "13"}},
      {"\\d{3}", {"000", "999"}, {"12", "1234"}},
      {"\\d{2,}", {"12", "12345678"}, {"1", ""}},
      {"\\d{2,4}", {"12", "123", "1234"}, {"1", "12345"}},
      {"(?:12){2}", {"1212"}, {"12", "121212"}},
      {"(?:1[2-4]|5(?:6|7\\d)){1,2}",
       {"12", "56", "578", "1356", "57914"},
       {"1", "5", "5799", "121212"}},
      {"", {""}, {"0"}},
  };
  for (const MatchCase& c : cases) {
    DigitDfa dfa = MustCompile(c.pattern);
    for (const std::string& s : c.matches) {
      EXPECT_TRUE(FullMatch(dfa, s)) << c.pattern << " should match " << s;
    }
    for (const std::string& s : c.rejects) {
      EXPECT_FALSE(FullMatch(dfa, s)) << c.pattern << " should reject " << s;
    }
  }
}

TEST(DigitRegexTest, NonDigitInputNeverMatches) {
  DigitDfa dfa = MustCompile("\\d*");
  EXPECT_FALSE(FullMatch(dfa, "12a"));
  EXPECT_FALSE(FullMatch(dfa, "+1"));
  EXPECT_FALSE(PrefixMatch(MustCompile("1"), "a1"));
}

// Anything outside the subset fails compilation (and so the build): the
// compiler never guesses.
TEST(DigitRegexTest, RefusesUnsupportedSyntax) {
  const std::vector<std::string> refused = {
      "[^1]",  ".",     "^1",    "1$",     "\\s",   "\\D",   "a",
      "(?=1)", "(?!1)", "(?i)1", "1*?",    "1++",   "1??",   "[a-z]",
      "(1",    "1)",    "[12",   "[]",     "{2}",   "1{3,2}", "1{999}",
      "1{,2}", " 1",    "1|+",   "*",      "[2-1]", "1{2",  "(?<n>1)",
  };
  for (const std::string& pattern : refused) {
    absl::StatusOr<DigitDfa> dfa = CompileDigitRegex(pattern);
    EXPECT_FALSE(dfa.ok()) << "accepted \"" << pattern << "\"";
    if (!dfa.ok()) {
      EXPECT_EQ(dfa.status().code(), absl::StatusCode::kInvalidArgument);
    }
  }
}

// Minimal and canonical: equal languages give equal automata, which the
// metadata compiler relies on to share tables.
TEST(DigitRegexTest, EqualLanguagesGiveEqualMinimalAutomata) {
  EXPECT_EQ(MustCompile("1|1"), MustCompile("1"));
  EXPECT_EQ(MustCompile("[0-9]"), MustCompile("\\d"));
  EXPECT_EQ(MustCompile("(?:12|13)"), MustCompile("1[23]"));
  EXPECT_EQ(MustCompile("\\d{2,3}"), MustCompile("\\d\\d\\d?"));
  EXPECT_EQ(MustCompile("(?:1|2)*"), MustCompile("[12]*"));
  // \d{3}: the dead state plus one state per digit read.
  EXPECT_EQ(MustCompile("\\d{3}").next.size(), 5u);
  // The dead state is row 0 and rejects forever.
  DigitDfa dfa = MustCompile("12");
  EXPECT_FALSE(dfa.accepting[0]);
  for (uint16_t next : dfa.next[0]) EXPECT_EQ(next, 0);
  EXPECT_EQ(EmptyLanguageDfa().start, 0);
  EXPECT_FALSE(FullMatch(EmptyLanguageDfa(), ""));
}

TEST(DigitRegexTest, PrefixMatchIsLookingAt) {
  DigitDfa dfa = MustCompile("1[2-4]|56");
  EXPECT_TRUE(PrefixMatch(dfa, "12"));
  EXPECT_TRUE(PrefixMatch(dfa, "1299"));
  EXPECT_TRUE(PrefixMatch(dfa, "5600"));
  EXPECT_FALSE(PrefixMatch(dfa, "1"));
  EXPECT_FALSE(PrefixMatch(dfa, "155"));
  EXPECT_TRUE(PrefixMatch(MustCompile("1?"), "9"));  // empty prefix
}

// The automata agree with a backtracking engine (std::regex, ECMAScript
// shares this subset's meaning) on random digit strings, for patterns in
// the shape of libphonenumber's.
TEST(DigitRegexTest, AgreesWithBacktrackingRegexOnRandomDigits) {
  const std::vector<std::string> patterns = {
      "(?:1(?:1[0-8]|2\\d|3[0-6])|2(?:0[1-9]|[1-9]\\d))\\d{6}",
      "7(?:[1-3]\\d\\d|4(?:[0-46-9]\\d|5[0-689])|5(?:0[0-8]|[13-9]\\d|2[0-35-9]))\\d{6}",
      "(?:[2-9]\\d{2}|8(?:00|33|44|55|66|77|88))[2-9]\\d{6}",
      "[1-9]\\d{4,9}|0\\d{2,3}(?:\\d{3})?",
      "(?:2|(?:3|4)?5?)?\\d{0,3}9+",
  };
  std::mt19937 rng(42);
  for (const std::string& pattern : patterns) {
    DigitDfa dfa = MustCompile(pattern);
    std::regex re(pattern);
    for (int i = 0; i < 3000; ++i) {
      std::string digits(rng() % 13, '0');
      for (char& c : digits) c = char('0' + rng() % 10);
      // Steer half the inputs into the pattern's ranges.
      if (i % 2 == 0 && !digits.empty()) digits[0] = pattern[0] == '7' ? '7' : '2';
      EXPECT_EQ(FullMatch(dfa, digits), std::regex_match(digits, re))
          << pattern << " on " << digits;
    }
  }
}

}  // namespace
}  // namespace phonebulk::phone::engine
