// The parser of the compiled engine (parse.h): libphonenumber's
// PhoneNumberUtil::ParseHelper (phonenumberutil.cc, 8.12.57), step by step,
// on fixed-size buffers, with every step that the engine cannot answer
// exactly turned into kOutOfScope. The comments name the library function
// each step mirrors; read them side by side. The character-level steps are
// in parse_text.h; here are the steps that read the metadata.
//
// Prefix patterns (IDD, national_prefix_for_parsing) run in the library
// with RegExp::Consume, ICU's lookingAt(): which match ICU takes is read
// from a decision trie where the metadata compiler recorded ICU's own
// answer; where there is none (patterns with `$` or too many matches), the
// automata give every possible match end, and only a single one is used,
// with a transform rule only where it is known which group took part.
// Out of scope here (docs/engine.md, "Parsing"): several possible match
// ends without a trie; a transform rule whose group may take part without
// a trie (BR, GA); inputs over kMaxParseInput bytes; and what parse_text.h
// declines.

#include "phone/engine/parse.h"

#include <bit>
#include <cstdint>
#include <cstring>

#include "phone/engine/engine.h"
#include "phone/engine/parse_tables.h"
#include "phone/engine/parse_text.h"
#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine {
namespace {

using internal::Dfa;
using internal::Digits;
using internal::ExtractFromStart;
using internal::IsViable;
using internal::kAcceptBit;
using internal::kRowMask;
using internal::Normalize;
using internal::PrefixPattern;
using internal::StripExtension;
using internal::TrimExtracted;
using internal::Unit;
using internal::Units;

// libphonenumber's kMinLengthForNsn and kMaxLengthCountryCode.
constexpr int kMinLengthForNsn = 2;
constexpr int kMaxLengthCountryCode = 3;

bool Accepts(const uint16_t* transitions, const Dfa& dfa,
             std::string_view digits) {
  const uint16_t* table = transitions + dfa.offset;
  uint32_t state = dfa.start;
  for (char c : digits) {
    state = table[(state & kRowMask) * 10 + unsigned(c - '0')];
    if (state == 0) return false;
  }
  return (state & kAcceptBit) != 0;
}

// Where RegExp::Consume (ICU lookingAt()) of a compiled prefix pattern may
// end on `digits`: kNone, or kOne with the length, or -- when several ends
// are possible and ICU's backtracking order would pick -- kMany.
// `at_end`: an alternative ending in '$' matches (then its capturing
// groups may take part in the match).
struct PrefixMatch {
  enum { kNone, kOne, kMany, kUnsupported } kind;
  int length;
  bool at_end;
  bool only_at_end;  // ... and no other alternative can match there
};

PrefixMatch MatchPrefix(const PrefixPattern& pattern, std::string_view digits) {
  if (pattern.state != PrefixPattern::kCompiled) {
    return {PrefixMatch::kUnsupported, 0, false, false};
  }
  const uint16_t* table = internal::kParseTransitions + pattern.anywhere.offset;
  int ends = 0, length = 0;
  uint32_t state = pattern.anywhere.start;
  for (size_t k = 0;; ++k) {
    if (state & kAcceptBit) ++ends, length = static_cast<int>(k);
    if (k == digits.size() || state == 0) break;
    state = table[(state & kRowMask) * 10 + unsigned(digits[k] - '0')];
  }
  const bool at_end =
      Accepts(internal::kParseTransitions, pattern.at_end, digits);
  const bool only_at_end =
      at_end && !(ends > 0 && length == static_cast<int>(digits.size()));
  if (only_at_end) ++ends, length = static_cast<int>(digits.size());
  if (ends == 0) return {PrefixMatch::kNone, 0, false, false};
  return {ends == 1 ? PrefixMatch::kOne : PrefixMatch::kMany, length, at_end,
          only_at_end};
}

// ICU's answer on `digits` from a pattern's decision trie (trie_nodes > 0):
// the node where the walk along the digits stops.
const internal::DecisionNode& Decide(const PrefixPattern& pattern,
                                     std::string_view digits) {
  const internal::DecisionNode* trie = internal::kDecisionNodes + pattern.trie;
  const internal::DecisionNode* node = trie;
  for (char c : digits) {
    const uint16_t child = node->child[c - '0'];
    if (child == 0) break;
    node = trie + child;
  }
  return *node;
}

// IsMatch(matcher, number, general_desc): the general pattern, fully.
bool MatchesGeneral(int plan, std::string_view digits) {
  return Accepts(internal::kTransitions,
                 internal::kPlans[plan].desc[internal::kGeneral].pattern,
                 digits);
}

LengthCheck TestLength(int plan, std::string_view digits) {
  return NumberingPlan::At(plan).TestLength(digits);
}

// The plan index of a geographical region code, -1 when libphonenumber has
// no metadata for it (GetMetadataForRegion answers null: "ZZ", "001", "",
// unknown or lower-case codes). kPlans is sorted by region.
// A region code as Plan::region holds it (4 NUL-padded bytes), read big
// endian: the integers order as the strings do, so the search compares
// integers (no strlen or memcmp call per step).
uint32_t RegionKey(const char* bytes) {
  static_assert(sizeof(internal::Plan::region) == sizeof(uint32_t));
  uint32_t key;
  std::memcpy(&key, bytes, sizeof key);
  return std::endian::native == std::endian::little ? __builtin_bswap32(key)
                                                    : key;
}

int FindRegion(std::string_view region) {
  if (region.empty() || region.size() > 3 || region == "001" ||
      region.find('\0') != std::string_view::npos) {
    return -1;
  }
  char padded[sizeof(internal::Plan::region)] = {};
  std::memcpy(padded, region.data(), region.size());
  const uint32_t key = RegionKey(padded);
  int lo = 0, hi = static_cast<int>(internal::kPlanCount);
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    const uint32_t plan = RegionKey(internal::kPlans[mid].region);
    if (key == plan) return mid;
    if (key < plan)
      hi = mid;
    else
      lo = mid + 1;
  }
  return -1;
}

// The plan GetMetadataForRegionOrCallingCode picks for a calling code: its
// main region's, or its non-geographical entity's; -1 for unknown codes.
int MainPlan(int calling_code) {
  if (calling_code < 1 || calling_code >= internal::kCallingCodeLimit) {
    return -1;
  }
  const internal::CallingCodeSlot slot = internal::kCallingCodes[calling_code];
  return slot.count == 0 ? -1 : internal::kCallingCodePlans[slot.first];
}

// One call of Parse: ParseHelper's state. `plan` values are kPlans
// indices, -1 for none. Every step returns false when the input is out of
// scope.
class Parser {
 public:
  explicit Parser(int default_plan) : default_plan_(default_plan) {}

  ParsedNumber Run(std::string_view text);

 private:
  // MaybeStripNationalPrefixAndCarrierCode without the carrier code (Parse
  // does not keep it): strips in place.
  bool StripNationalPrefix(int plan, Digits* number) const;
  // MaybeStripInternationalPrefixAndNormalize: true in `*international`
  // when a plus sign or the default region's IDD was stripped.
  bool StripInternationalPrefix(const Unit* u, int n, Digits* number,
                                bool* international) const;
  // MaybeExtractCountryCode: *calling_code 0 when none was found.
  bool ExtractCountryCode(const Unit* u, int n, Digits* number,
                          int* calling_code, ParseError* error) const;

  const int default_plan_;
};

ParsedNumber Error(ParseError error) {
  ParsedNumber result;
  result.outcome = ParsedNumber::Outcome::kError;
  result.error = error;
  return result;
}

// The rest of MaybeStripNationalPrefixAndCarrierCode once ICU's match is
// known (`length` digits): strip it, or put the transform in its place;
// either is undone when it turns a number matching the general pattern
// into one that does not. False when the result does not fit.
bool ApplyPrefix(int plan, int length, uint8_t transform_length,
                 uint16_t transform_offset, Digits* number) {
  const std::string_view rest = number->view().substr(length);
  if (transform_length == internal::kNoTransform) {
    if (MatchesGeneral(plan, number->view()) && !MatchesGeneral(plan, rest)) {
      return true;
    }
    number->DropFront(length);
    return true;
  }
  Digits transformed;
  transformed.n = transform_length + static_cast<int>(rest.size());
  if (transformed.n > static_cast<int>(kMaxParseInput)) return false;
  std::memcpy(transformed.d, internal::kTransformDigits + transform_offset,
              transform_length);
  std::memcpy(transformed.d + transform_length, rest.data(), rest.size());
  if (MatchesGeneral(plan, number->view()) &&
      !MatchesGeneral(plan, transformed.view())) {
    return true;
  }
  *number = transformed;
  return true;
}

bool Parser::StripNationalPrefix(int plan, Digits* number) const {
  const internal::ParsePlan& parse_plan = internal::kParsePlans[plan];
  if (number->n == 0 ||
      parse_plan.national_prefix.state == PrefixPattern::kAbsent) {
    return true;
  }
  if (parse_plan.national_prefix.trie_nodes > 0) {
    const internal::DecisionNode& decision =
        Decide(parse_plan.national_prefix, number->view());
    if (decision.match_length < 0) return true;
    return ApplyPrefix(plan, decision.match_length, decision.transform_length,
                       decision.transform_offset, number);
  }
  const PrefixMatch match =
      MatchPrefix(parse_plan.national_prefix, number->view());
  if (match.kind == PrefixMatch::kNone) return true;  // every Consume fails
  // With several possible match ends, ICU's backtracking order would
  // pick one; not modelled. A transform rule applies when a capturing group
  // takes part in the match (libphonenumber checks the captured text is
  // non-empty); when no group can, the prefix is just stripped, as below.
  if (match.kind != PrefixMatch::kOne) return false;
  const PrefixPattern& pattern = parse_plan.national_prefix;
  if (!parse_plan.has_transform_rule) {
    return ApplyPrefix(plan, match.length, internal::kNoTransform, 0, number);
  }
  if (match.at_end) {
    // Only the `$` alternative, one group around it all, matched: the
    // transform the metadata compiler saw ICU make, if it could.
    if (!match.only_at_end || pattern.anywhere_captures ||
        pattern.at_end_transform_length == internal::kNoTransform) {
      return false;
    }
    // The group is the whole input: the result is the prefix followed by
    // all of it, as a transform of an empty match.
    return ApplyPrefix(plan, 0, pattern.at_end_transform_length,
                       pattern.at_end_transform_offset, number);
  }
  if (pattern.anywhere_captures) return false;
  return ApplyPrefix(plan, match.length, internal::kNoTransform, 0, number);
}

bool Parser::StripInternationalPrefix(const Unit* u, int n, Digits* number,
                                      bool* international) const {
  *international = false;
  number->n = 0;
  if (n == 0) return true;
  if (u[0].c == '+') {  // plus_chars_pattern_ "[+＋]+"
    int i = 0;
    while (i < n && u[i].c == '+') ++i;
    Normalize(u + i, n - i, number);
    *international = true;
    return true;
  }
  Normalize(u, n, number);
  // Without a default region the IDD pattern is "NonMatch", which no digit
  // string matches.
  if (default_plan_ < 0) return true;
  const PrefixPattern& idd =
      internal::kParsePlans[default_plan_].international_prefix;
  PrefixMatch match;
  if (idd.trie_nodes > 0) {  // ICU's own choice
    const int length = Decide(idd, number->view()).match_length;
    match = {length < 0 ? PrefixMatch::kNone : PrefixMatch::kOne, length, false,
             false};
  } else {
    match = MatchPrefix(idd, number->view());
  }
  if (match.kind == PrefixMatch::kNone) return true;
  if (match.kind != PrefixMatch::kOne) return false;
  // ParsePrefixAsIdd: not stripped when a 0 follows (no calling code
  // starts with 0).
  if (match.length < number->n && number->d[match.length] == '0') {
    return true;
  }
  number->DropFront(match.length);
  *international = true;
  return true;
}

bool Parser::ExtractCountryCode(const Unit* u, int n, Digits* number,
                                int* calling_code, ParseError* error) const {
  *calling_code = 0;
  *error = ParseError::kNone;
  bool international;
  if (!StripInternationalPrefix(u, n, number, &international)) return false;
  if (international) {
    if (number->n <= kMinLengthForNsn) {
      *error = ParseError::kTooShortAfterIdd;
      return true;
    }
    // ExtractCountryCode: the shortest prefix that is a known code.
    if (number->d[0] != '0') {
      int code = 0;
      for (int i = 1; i <= kMaxLengthCountryCode && i <= number->n; ++i) {
        code = code * 10 + (number->d[i - 1] - '0');
        if (MainPlan(code) >= 0) {
          number->DropFront(i);
          *calling_code = code;
          return true;
        }
      }
    }
    *error = ParseError::kInvalidCountryCode;
    return true;
  }
  if (default_plan_ < 0) return true;
  // The number may start with the default region's own calling code,
  // written without a plus sign.
  const int code = internal::kPlans[default_plan_].calling_code;
  char code_text[4];
  int code_length = 0;
  for (int c = code; c > 0; c /= 10) ++code_length;
  for (int c = code, k = code_length - 1; k >= 0; c /= 10, --k) {
    code_text[k] = static_cast<char>('0' + c % 10);
  }
  if (!number->view().starts_with(std::string_view(code_text, code_length))) {
    return true;
  }
  Digits potential;
  potential.n = number->n - code_length;
  std::memcpy(potential.d, number->d + code_length,
              static_cast<size_t>(potential.n));
  if (!StripNationalPrefix(default_plan_, &potential)) return false;
  if ((!MatchesGeneral(default_plan_, number->view()) &&
       MatchesGeneral(default_plan_, potential.view())) ||
      TestLength(default_plan_, number->view()) == LengthCheck::kTooLong) {
    *number = potential;
    *calling_code = code;
  }
  return true;
}

ParsedNumber Parser::Run(std::string_view text) {
  const ParsedNumber out_of_scope;
  if (text.size() > kMaxParseInput) return out_of_scope;
  // BuildNationalNumberForParsing.
  Units units;
  const size_t context = text.find(";phone-context=");
  if (context != std::string_view::npos) {
    if (!internal::BuildFromPhoneContext(text, context, &units)) {
      return out_of_scope;
    }
  } else if (!ExtractFromStart(text, &units) || !TrimExtracted(&units)) {
    return out_of_scope;
  }
  internal::CutSubaddress(&units);
  if (!IsViable(units.u, units.n)) return Error(ParseError::kNotANumber);
  // CheckRegionForParsing.
  const bool plus = units.u[0].c == '+';
  if (default_plan_ < 0 && !plus) {
    return Error(ParseError::kInvalidCountryCode);
  }
  ParsedNumber result;
  if (!StripExtension(&units, &result)) return out_of_scope;
  Digits number;
  int calling_code;
  ParseError error;
  if (!ExtractCountryCode(units.u, units.n, &number, &calling_code, &error)) {
    return out_of_scope;
  }
  if (error != ParseError::kNone) {
    if (error != ParseError::kInvalidCountryCode || !plus) return Error(error);
    // Retried without the plus signs (their error, if any, is ignored).
    int i = 0;
    while (i < units.n && units.u[i].c == '+') ++i;
    if (!ExtractCountryCode(units.u + i, units.n - i, &number, &calling_code,
                            &error)) {
      return out_of_scope;
    }
    if (calling_code == 0) return Error(ParseError::kInvalidCountryCode);
  }
  int plan = default_plan_;
  if (calling_code != 0) {
    plan = MainPlan(calling_code);
  } else if (plan >= 0) {
    calling_code = internal::kPlans[plan].calling_code;
  }
  if (plan < 0) return out_of_scope;  // unreachable: see CheckRegion above
  if (number.n < kMinLengthForNsn) return Error(ParseError::kTooShortNsn);
  Digits potential = number;
  if (!StripNationalPrefix(plan, &potential)) return out_of_scope;
  // The stripped form is kept only when its length is possible.
  const LengthCheck length = TestLength(plan, potential.view());
  if (length != LengthCheck::kTooShort &&
      length != LengthCheck::kIsPossibleLocalOnly &&
      length != LengthCheck::kInvalidLength) {
    number = potential;
  }
  if (number.n < kMinLengthForNsn) return Error(ParseError::kTooShortNsn);
  if (number.n > ParsedNumber::kMaxNsnLength) {
    return Error(ParseError::kTooLongNsn);
  }
  result.outcome = ParsedNumber::Outcome::kParsed;
  result.calling_code = calling_code;
  std::memcpy(result.nsn, number.d, static_cast<size_t>(number.n));
  result.nsn_length = static_cast<uint8_t>(number.n);
  for (int k = 0; k < number.n; ++k) {
    result.national_number = result.national_number * 10 + (number.d[k] - '0');
  }
  // SetItalianLeadingZerosForPhoneNumber: an all-zero number keeps its last
  // zero uncounted.
  if (number.n > 1 && number.d[0] == '0') {
    result.italian_leading_zero = true;
    int zeros = 1;
    while (zeros < number.n - 1 && number.d[zeros] == '0') ++zeros;
    result.number_of_leading_zeros = zeros;
  }
  return result;
}

}  // namespace

ParsedNumber Parse(std::string_view text, std::string_view default_region) {
  return Parser(FindRegion(default_region)).Run(text);
}

}  // namespace phonebulk::phone::engine
