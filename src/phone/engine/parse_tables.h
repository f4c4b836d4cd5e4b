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

// DecisionNode::transform_length and PrefixPattern::at_end_transform_length
// when no transform applies.
inline constexpr uint8_t kNoTransform = 0xFF;

// A metadata pattern that libphonenumber applies with RegExp::Consume (ICU
// lookingAt(): a match must start at the first digit, may end anywhere).
// Its top-level alternatives are split in two automata over
// kParseTransitions: `anywhere` accepts the prefixes an alternative without
// '$' matches, `at_end` the whole inputs an alternative ending in '$'
// matches. So the possible match ends on an input are the accepting
// positions of `anywhere` plus, when `at_end` accepts all of it, its end.
struct PrefixPattern {
  enum State : uint8_t {
    kAbsent = 0,   // the metadata has no such pattern
    kCompiled,     // the two automata below are exact
    kUnsupported,  // outside the compilable subset: the parser declines
  };
  State state;
  // Some alternative of `anywhere` holds a capturing group. When none does
  // and `at_end` does not match, every group of the pattern stays out of
  // the match, so libphonenumber's transform rule is not applied.
  bool anywhere_captures;
  Dfa anywhere;
  Dfa at_end;
  // ICU's own answers (DecisionNode), when the pattern has no `$` and
  // matches finitely many strings: kDecisionNodes[trie .. trie +
  // trie_nodes); trie_nodes 0 when there is no trie.
  uint32_t trie;
  uint32_t trie_nodes;
  // With a transform rule and one `$` alternative that is one capturing
  // group (and no group elsewhere: "1|([457]\d{6})$" with "268$1"), a
  // match of that alternative -- the whole input -- becomes
  // kTransformDigits[at_end_transform_offset, + length) followed by the
  // input; ICU's result on sample inputs at build time. kNoTransform: none.
  uint16_t at_end_transform_offset;
  uint8_t at_end_transform_length;
};

// One node of a decision trie: the nodes are the digit strings that start
// some match of the pattern, the root (node 0) the empty one. The metadata
// compiler ran ICU's lookingAt() -- what RegExp::Consume runs -- on each
// and stored its match and what libphonenumber's
// MaybeStripNationalPrefixAndCarrierCode does with it. On an input, the
// answer is the node where the walk along its digits stops: past that node
// no match can read further, and a pattern without `$` matches the same
// whether the input ends there or goes on.
struct DecisionNode {
  uint16_t child[10];   // relative to the trie's first node; 0: none
  int8_t match_length;  // -1: no match
  // With a transform rule and a non-empty captured group, the match is
  // replaced by kTransformDigits[transform_offset, + transform_length);
  // otherwise (kNoTransform) it is stripped.
  uint8_t transform_length;
  uint16_t transform_offset;
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
extern const DecisionNode kDecisionNodes[];
extern const char kTransformDigits[];
extern const ParsePlan kParsePlans[];
extern const uint32_t kParsePlanCount;

}  // namespace phonebulk::phone::engine::internal

#endif  // PHONEBULK_PHONE_ENGINE_PARSE_TABLES_H_
