#ifndef PHONEBULK_PHONE_ENGINE_PARSE_TABLES_H_
#define PHONEBULK_PHONE_ENGINE_PARSE_TABLES_H_

// The layout of the parsing tables the metadata compiler generates
// (compile_parse.cc writes generated/parse_tables.cc) and the parser
// (parse.cc) walks. Internal to src/phone/engine: callers use parse.h.
// Everything here is constant data, safe to read from any thread.
//
// Entry i of kParsePlans belongs to kPlans[i] (plan_tables.h): the same
// plan index, so the parser reaches the general description and the
// possible lengths of a plan through kPlans. parse_test checks that the two
// arrays name the same region and calling code at every index.

#include <cstdint>

#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine::internal {

// A metadata pattern that libphonenumber applies with RegExp::Consume (ICU
// lookingAt(): a match must start at the first digit, may end anywhere).
// Its top-level alternatives are split in two automata over
// kParseTransitions: `anywhere` accepts the prefixes an alternative without
// '$' matches, `at_end` the whole inputs an alternative ending in '$'
// matches. So the possible match ends on an input are the accepting
// positions of `anywhere` plus, when `at_end` accepts all of it, its end.
struct PrefixPattern {
  enum State : uint8_t {
    kAbsent = 0,      // the metadata has no such pattern
    kCompiled,        // the two automata below are exact
    kUnsupported,     // outside the compilable subset: the parser declines
  };
  State state;
  // Some alternative of `anywhere` holds a capturing group. When none does
  // and `at_end` does not match, every group of the pattern stays out of
  // the match, so libphonenumber's transform rule is not applied.
  bool anywhere_captures;
  Dfa anywhere;
  Dfa at_end;
};

// What the parser needs of one PhoneMetadata beyond plan_tables.h.
struct ParsePlan {
  char region[4];  // as kPlans[i].region, for the consistency check
  uint16_t calling_code;
  PrefixPattern international_prefix;  // international_prefix (IDD)
  PrefixPattern national_prefix;       // national_prefix_for_parsing
  bool has_transform_rule;             // national_prefix_transform_rule
};

// Generated (compile_parse.cc). kParsePlans[i] belongs to kPlans[i].
extern const uint16_t kParseTransitions[];
extern const ParsePlan kParsePlans[];
extern const uint32_t kParsePlanCount;

}  // namespace phonebulk::phone::engine::internal

#endif  // PHONEBULK_PHONE_ENGINE_PARSE_TABLES_H_
