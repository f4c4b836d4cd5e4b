// Unit tests of the format compiler's steps (compile_format.h): what it
// compiles, and above all what it refuses. engine_format_test checks the
// accepted rules against std::regex and libphonenumber; the refusals below
// are the cases the metadata does not contain today, where a guess would
// go unnoticed.

#include "phone/engine/compile_format.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace phonebulk::phone::engine::compile_format_internal {
namespace {

// Spans as "b:e" pairs, for readable expectations.
std::string Spans(std::string_view pattern) {
  const auto spans = ParseSplit(pattern);
  if (!spans) return "refused";
  std::string out;
  for (const internal::GroupSpan& s : *spans) {
    if (!out.empty()) out.push_back(' ');
    out.append(std::to_string(s.begin));
    out.push_back(':');
    out.append(std::to_string(s.end));
  }
  return out;
}

TEST(CompileFormatTest, SplitsFixedAndOneVariableGroup) {
  EXPECT_EQ(Spans(R"((\d{3})(\d{4}))"), "0:3 3:7");
  EXPECT_EQ(Spans(R"((\d)(\d{3})(\d{4}))"), "0:1 1:4 4:8");
  // Boundaries after the variable group count from the end (-1 = end).
  EXPECT_EQ(Spans(R"((\d{2})(\d{3,4})(\d{4}))"), "0:2 2:-5 -5:-1");
  EXPECT_EQ(Spans(R"((\d{3})(\d{2,9}))"), "0:3 3:-1");
  // Classes, literal digits and atoms outside groups keep their length.
  EXPECT_EQ(Spans(R"(1([2-9]\d{2})\d(\d{4}))"), "1:4 5:9");
  EXPECT_EQ(Spans(R"(([1-9]\d*)(\d{3}))"), "0:-4 -4:-1");
}

TEST(CompileFormatTest, RefusesSplitsItCannotProve) {
  for (const char* pattern : {
           R"((\d{3}|\d{4})(\d{4}))",  // alternation: first branch wins
           R"((\d{2,3})(\d{3,4}))",    // two variable atoms
           R"(((\d{3}))(\d{4}))",      // nested group
           R"((\d{3})?(\d{4}))",       // quantified group
           R"((?:\d{3})(\d{4}))",      // non-capturing group
           R"((\d{3,4}?)(\d{4}))",     // lazy
           R"((\d{3,4}+)(\d{4}))",     // possessive
           R"((\d*))",                 // can match empty
           R"(([^0]\d{2})(\d{4}))",    // negated class
           R"((.{3})(\d{4}))",         // any character
           R"((\d{3})(\d{4})",         // unbalanced
           R"((\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d)(\d))",  // ten groups
       }) {
    EXPECT_EQ(Spans(pattern), "refused") << pattern;
  }
}

std::string Template(std::string_view replacement, int groups) {
  const std::optional<std::string> t = ParseTemplate(replacement, groups);
  if (!t) return "refused";
  std::string out;
  for (char c : *t) {
    if (c >= internal::kGroupRefBase && c < internal::kGroupRefLimit) {
      // Appended piece by piece: GCC 12 warns (-Wrestrict, a false
      // positive) on the temporary of "<" + std::to_string(...).
      out.push_back('<');
      out.append(std::to_string(c - internal::kGroupRefBase));
      out.push_back('>');
    } else {
      out += c;
    }
  }
  return out;
}

TEST(CompileFormatTest, ReadsTemplatesAsIcuDoes) {
  EXPECT_EQ(Template("$1 $2", 2), "<1> <2>");
  EXPECT_EQ(Template("($1) $2-$3", 3), "(<1>) <2>-<3>");
  EXPECT_EQ(Template("$2 15-$3-$4", 4), "<2> 15-<3>-<4>");
  // The longest run of digits naming an existing group.
  EXPECT_EQ(Template("$12", 2), "<1>2");
  EXPECT_EQ(Template("$0", 2), "<0>");
  // ICU errors (the library then leaves the NSN unformatted) and what is
  // not reproduced: refused.
  EXPECT_EQ(Template("$1 $3", 2), "refused");
  EXPECT_EQ(Template("$1 $", 2), "refused");
  EXPECT_EQ(Template("$1 ${x}", 2), "refused");
  EXPECT_EQ(Template("$1\\$2", 2), "refused");
  EXPECT_EQ(Template("$1\xC2\xA0$2", 2), "refused");
}

TEST(CompileFormatTest, AppliesTheNationalPrefixRuleToTheFirstGroup) {
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "0$1"), "0$1 $2");
  EXPECT_EQ(ApplyNationalPrefixRule("$1-$2", "($1)"), "($1)-$2");
  EXPECT_EQ(ApplyNationalPrefixRule("$2 $3", "8 ($1)"), "8 ($2) $3");
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "0$01"), "0$1 $2");
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "0$10"), "0$10 $2");
  // No "$<digit>" in the format, or an ICU error in the rule: unchanged.
  EXPECT_EQ(ApplyNationalPrefixRule("123", "0$1"), "123");
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "0$2"), "$1 $2");
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "0$"), "$1 $2");
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "\\0$1"), std::nullopt);
  EXPECT_EQ(ApplyNationalPrefixRule("$1 $2", "${x}"), std::nullopt);
}

TEST(CompileFormatTest, ClassifiesInternationalPrefixes) {
  EXPECT_EQ(IsSingleInternationalPrefix("00"), true);
  EXPECT_EQ(IsSingleInternationalPrefix("8~10"), true);
  EXPECT_EQ(IsSingleInternationalPrefix("8\xEF\xBD\x9E"
                                        "10"),
            true);
  EXPECT_EQ(IsSingleInternationalPrefix("00|99"), false);
  EXPECT_EQ(IsSingleInternationalPrefix("0(?:0|1)"), false);
  EXPECT_EQ(IsSingleInternationalPrefix("8~"), false);
  EXPECT_EQ(IsSingleInternationalPrefix(""), false);
  // Arabic-Indic digits: ICU's \d would take them; not reproduced.
  EXPECT_EQ(IsSingleInternationalPrefix("\xD9\xA0\xD9\xA0"), std::nullopt);
}

}  // namespace
}  // namespace phonebulk::phone::engine::compile_format_internal
