#ifndef PHONEBULK_PHONE_ENGINE_FORMAT_TABLES_H_
#define PHONEBULK_PHONE_ENGINE_FORMAT_TABLES_H_

// The layout of the formatting tables the metadata compiler
// (compile_format.cc) generates into the build directory and the formatter
// (format.cc) walks. Internal to src/phone/engine: callers use format.h.
// Everything here is constant data, so reading it from any number of
// threads is safe.

#include <cstdint>
#include <string_view>

#include "phone/engine/format.h"
#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine::internal {

// Where a capture group begins or ends in a national significant number of
// length n: at `value` when value >= 0, else at n + 1 + value (-1 is the
// end). The compiler only emits splits it has proven unique (see
// compile_format.cc), so these two forms are enough.
struct GroupSpan {
  int8_t begin;
  int8_t end;
};

// A format template after ICU's replacement syntax has been resolved at
// build time: bytes 1..10 stand for capture group 0..9 ("$0".."$9"), every
// other byte is literal. `size` -1 means the template could not be compiled
// exactly: a number that picks this rule is out of scope.
struct Template {
  const char* bytes;
  int16_t size;
};
inline constexpr unsigned char kGroupRefBase = 1;  // byte of "$0"
inline constexpr unsigned char kGroupRefLimit = 11;

// One NumberFormat, in metadata order within its list.
struct FormatRule {
  Dfa leading;  // prefix match of the last leading_digits_pattern
  Dfa pattern;  // full match of `pattern`
  bool has_leading;
  // False when leading_digits_pattern or pattern is outside digit_regex's
  // subset: the formatter cannot tell whether the rule applies, so a number
  // that reaches it is out of scope.
  bool selectable;
  // False when the capture groups of `pattern` could not be proven to split
  // a number in one way only; a number that picks the rule is out of scope.
  bool splittable;
  uint8_t group_count;
  uint16_t first_group;  // groups 1..group_count in kGroupSpans
  // `format` as INTERNATIONAL uses it, and with the
  // national_prefix_formatting_rule applied as NATIONAL uses it (the same
  // bytes when there is no rule).
  Template international;
  Template national;
};

// The formatting side of one Plan; kFormatPlans[i] belongs to kPlans[i].
struct FormatPlan {
  char region[4];  // the same as kPlans[i].region, checked by the tests
  uint16_t calling_code;
  // number_format: kFormatRules[national_first .. + national_count).
  uint16_t national_first;
  uint16_t national_count;
  // intl_number_format; when the metadata has none, INTERNATIONAL uses
  // number_format (intl_count is then 0 and intl_first unused).
  uint16_t intl_first;
  uint16_t intl_count;
  // What FormatOutOfCountryCallingNumber dials from this region before the
  // calling code: the preferred international prefix, or the international
  // prefix when it is a single one; nullptr when neither ("+" is used).
  const char* out_of_country_prefix;
  // False when the international prefix holds characters the compiler
  // cannot classify the way ICU would: dialling from here is out of scope.
  bool out_of_country_known;
  // preferred_extn_prefix (" x" for GB), written before an extension in
  // INTERNATIONAL and NATIONAL; nullptr when the metadata has none (the
  // library's default " ext. " is used).
  const char* extension_prefix;
};

// Generated (compile_format.cc).
extern const uint16_t kFormatTransitions[];
extern const FormatRule kFormatRules[];
extern const GroupSpan kGroupSpans[];
extern const FormatPlan kFormatPlans[];
extern const uint32_t kFormatPlanCount;

// format.cc: `rule`'s national or international template applied to `nsn`
// (which must fully match rule.pattern), appended to *out. Exposed so that
// the tests can hold every rule's split against std::regex.
FormatStatus ApplyRule(const FormatRule& rule, bool national,
                       std::string_view nsn, FormattedNumber* out);

}  // namespace phonebulk::phone::engine::internal

#endif  // PHONEBULK_PHONE_ENGINE_FORMAT_TABLES_H_
