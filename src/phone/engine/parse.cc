// The parser of the compiled engine (parse.h): libphonenumber's
// PhoneNumberUtil::ParseHelper (phonenumberutil.cc, 8.12.57), step by step,
// on fixed-size buffers, with every step that the engine cannot answer
// exactly turned into kOutOfScope. The comments name the library function
// each step mirrors; read them side by side.
//
// What is out of scope, and why (docs/engine.md, "Parsing"):
// - an extension written in non-ASCII digits;
// - RFC 3966 phone-context parameters;
// - non-ASCII characters after the number's start other than full-width and
//   Arabic-Indic digits, and before it any character that might be a
//   decimal digit (\p{Nd}) in the ICU the library uses; invalid UTF-8;
// - a national prefix that matches in a region with a transform rule, and
//   a prefix pattern with more than one possible match length (ICU's
//   backtracking order would decide; we do not model it);
// - inputs over kMaxParseInput bytes.

#include "phone/engine/parse.h"

#include <cstring>

#include "phone/engine/engine.h"
#include "phone/engine/parse_tables.h"
#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine {
namespace {

using internal::Dfa;
using internal::kAcceptBit;
using internal::kRowMask;
using internal::PrefixPattern;

constexpr int kMinLengthForNsn = 2;
constexpr int kMaxLengthCountryCode = 3;

// One code point of the extracted number, reduced to a byte: ASCII as is,
// a digit of any supported script as '0'..'9', either plus sign as '+'.
// `wide` marks a non-ASCII original (the vanity-number normalization drops
// non-ASCII digits, so it matters there).
struct Unit {
  char c;
  bool wide;
};

struct Units {
  Unit u[kMaxParseInput];
  int n = 0;
};

// A digit string of at most kMaxParseInput digits.
struct Digits {
  char d[kMaxParseInput];
  int n = 0;
  std::string_view view() const { return {d, static_cast<size_t>(n)}; }
  void DropFront(int k) {
    std::memmove(d, d + k, static_cast<size_t>(n - k));
    n -= k;
  }
};

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Strict UTF-8 (no overlongs, surrogates or values past U+10FFFF): the
// length of the code point at s[i], 0 when invalid.
int DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = b(i);
  if (lead < 0x80) {
    *cp = lead;
    return 1;
  }
  int len;
  uint32_t min;
  if (lead >= 0xC2 && lead <= 0xDF) {
    len = 2, min = 0x80, *cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    len = 3, min = 0x800, *cp = lead & 0x0F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    len = 4, min = 0x10000, *cp = lead & 0x07;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (int k = 1; k < len; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b(i + k) & 0x3F);
  }
  if (*cp < min || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF)) {
    return 0;
  }
  return len;
}

enum class Kind { kDigit, kPlus, kAscii, kNotNumeric, kTrimmable, kUnknown };

// The unit of a non-ASCII code point that TrimUnwantedEndChars removes; it
// must not survive the trimming (nothing after it is modelled).
constexpr char kTrimmableUnit = '\x01';

// Non-ASCII code points that are neither letters nor numbers (\p{L},
// \p{N}) nor valid punctuation in a number, in every Unicode version:
// spaces and punctuation, arrows, miscellaneous symbols, pictographs.
bool IsTrimmableSymbol(uint32_t cp) {
  static constexpr uint32_t kRanges[][2] = {
      {0x2000, 0x206F}, {0x2190, 0x21FF}, {0x2600, 0x26FF},
      {0x3000, 0x3004}, {0x3008, 0x3020}, {0x1F300, 0x1F64F},
      {0x1F680, 0x1F6FF},
  };
  for (const auto& range : kRanges) {
    if (cp >= range[0] && cp <= range[1]) return true;
  }
  return false;
}

// What ExtractPossibleNumber and NormalizeDigits make of a code point.
// kNotNumeric: non-ASCII, and in a block that holds no decimal digit in any
// Unicode version (so ICU's \p{Nd} cannot match it); kTrimmable: that, and
// IsTrimmableSymbol too; kUnknown: anything else non-ASCII, which the
// parser declines.
Kind Classify(uint32_t cp, char* c) {
  if (cp < 0x80) {
    *c = static_cast<char>(cp);
    if (IsDigit(*c)) return Kind::kDigit;
    return *c == '+' ? Kind::kPlus : Kind::kAscii;
  }
  // Full-width, Arabic-Indic and extended Arabic-Indic digits.
  for (uint32_t zero : {0xFF10u, 0x0660u, 0x06F0u}) {
    if (cp >= zero && cp <= zero + 9) {
      *c = static_cast<char>('0' + (cp - zero));
      return Kind::kDigit;
    }
  }
  if (cp == 0xFF0B) {  // full-width plus, one of kPlusChars
    *c = '+';
    return Kind::kPlus;
  }
  static constexpr uint32_t kNoDigitBlocks[][2] = {
      {0x0080, 0x065F},   {0x066A, 0x06EF},   {0x2000, 0x2BFF},
      {0x3000, 0x9FFF},   {0xAC00, 0xD7A3},   {0xFF01, 0xFF0F},
      {0xFF1A, 0xFFEF},   {0x1F300, 0x1FAFF},
  };
  for (const auto& block : kNoDigitBlocks) {
    if (cp >= block[0] && cp <= block[1]) {
      *c = kTrimmableUnit;
      return IsTrimmableSymbol(cp) ? Kind::kTrimmable : Kind::kNotNumeric;
    }
  }
  return Kind::kUnknown;
}

// ExtractPossibleNumber without TrimUnwantedEndChars: the code points from
// the first digit or plus sign on. False when out of scope.
bool ExtractFromStart(std::string_view text, Units* out) {
  bool started = false;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0) return false;
    i += len;
    char c = 0;
    const Kind kind = Classify(cp, &c);
    if (kind == Kind::kUnknown) return false;
    if (!started) {
      if (kind != Kind::kDigit && kind != Kind::kPlus) continue;
      started = true;
    }
    // After the start only ASCII, digits, and symbols that trimming the
    // end may remove (TrimExtracted checks they all go).
    if (kind == Kind::kNotNumeric) return false;
    out->u[out->n++] = {c, len > 1};
  }
  return true;
}

// TrimUnwantedEndChars ("[^\p{N}\p{L}#]" at the end), then
// capture_up_to_second_number_start_pattern "(.*)[\\/] *x": greedy, so
// the number is cut at the last '/' or '\' followed by spaces and 'x'.
// Then BuildNationalNumberForParsing's cut at ";isub=". False when out of
// scope: a control character or a non-ASCII symbol is left (the regexes
// below are modelled for printable ASCII and digits only).
bool TrimExtracted(Units* units) {
  Unit* u = units->u;
  while (units->n > 0) {
    const char c = u[units->n - 1].c;
    if (IsDigit(c) || IsLetter(c) || c == '#') break;
    --units->n;
  }
  for (int k = 0; k < units->n; ++k) {
    const unsigned char c = static_cast<unsigned char>(u[k].c);
    if (c < 0x20 || c == 0x7F) return false;
  }
  for (int p = units->n - 1; p >= 0; --p) {
    if (u[p].c != '/' && u[p].c != '\\') continue;
    int q = p + 1;
    while (q < units->n && u[q].c == ' ') ++q;
    if (q < units->n && u[q].c == 'x') {
      units->n = p;
      break;
    }
  }
  static constexpr std::string_view kIsub = ";isub=";
  for (int p = 0; p + static_cast<int>(kIsub.size()) <= units->n; ++p) {
    bool found = true;
    for (size_t k = 0; k < kIsub.size() && found; ++k) {
      found = u[p + k].c == kIsub[k] && !u[p + k].wide;
    }
    if (found) {
      units->n = p;
      break;
    }
  }
  return true;
}

// The number part of valid_phone_number_pattern, case-insensitive, on
// u[0..n): [+＋]*(?:[P*]*\p{Nd}){3,}[P*a-z\p{Nd}]* with P the ASCII part
// of kValidPunctuation ("-x ().[]/~", 'x' in either case by (?i)): every
// character in the class, and three digits before the first letter that
// is not an 'x'.
bool MatchesNumberPart(const Unit* u, int n) {
  int i = 0;
  while (i < n && u[i].c == '+') ++i;
  int digits = 0;
  bool letter = false;
  for (int k = i; k < n; ++k) {
    const char c = u[k].c;
    if (IsDigit(c)) {
      digits += !letter;
    } else if (IsLetter(c)) {
      letter |= (c | 0x20) != 'x';
    } else if (std::strchr(" -().[]/~*", c) == nullptr || c == '\0') {
      return false;
    }
  }
  return digits >= 3;
}

bool EqualsIgnoringCase(const Unit* u, int n, std::string_view ascii) {
  if (n < static_cast<int>(ascii.size())) return false;
  for (size_t k = 0; k < ascii.size(); ++k) {
    const char c = u[k].c;
    if ((IsLetter(c) ? (c | 0x20) : c) != ascii[k]) return false;
  }
  return true;
}

// kPossibleCharsAfterExtLabel to the end of the gap: [:.]?[ ,-]*.
bool TailIsSeparators(const Unit* g, int k, int n) {
  if (k < n && (g[k].c == ':' || g[k].c == '.')) ++k;
  for (; k < n; ++k) {
    if (g[k].c != ' ' && g[k].c != ',' && g[k].c != '-') return false;
  }
  return true;
}

// Where an explicit extension label ("e?xt(?:ensio)?n?" or "anexo",
// ASCII only) starting at g[i] ends; -1 when none starts there. The
// choices are forced: what may follow a label never starts with a letter.
int ExplicitLabelEnd(const Unit* g, int i, int n) {
  if (EqualsIgnoringCase(g + i, n - i, "anexo")) return i + 5;
  if (i < n && (g[i].c | 0x20) == 'e') ++i;
  if (!EqualsIgnoringCase(g + i, n - i, "xt")) return -1;
  i += 2;
  if (EqualsIgnoringCase(g + i, n - i, "ensio")) i += 5;
  if (i < n && (g[i].c | 0x20) == 'n') ++i;
  return i;
}

// Whether the non-digit gap g[0..n) before the final `digits` digits (and
// a final '#' when `hash`) is matched by one of the extension pattern's
// alternatives (CreateExtnPattern(true), ASCII only), with their digit
// limits: ";ext=" (20, no '#'), [ ,]*explicit label (20), [ ,]*[x#~]|int
// (9), [- ]+ with '#' (6), " *(,,|;)" (15), " *,+" (9), each label
// followed by [:.]?[ ,-]*.
bool GapIsExtensionLabel(const Unit* g, int n, int digits, bool hash) {
  if (!hash && digits <= 20 && n == 5 && EqualsIgnoringCase(g, n, ";ext=")) {
    return true;
  }
  int i = 0;
  while (i < n && (g[i].c == ' ' || g[i].c == ',')) ++i;
  const int label = ExplicitLabelEnd(g, i, n);
  if (label >= 0 && digits <= 20 && TailIsSeparators(g, label, n)) return true;
  if (i < n && digits <= 9) {
    const int end = std::strchr("xX#~", g[i].c) != nullptr ? i + 1
                    : EqualsIgnoringCase(g + i, n - i, "int") ? i + 3
                                                               : -1;
    if (end >= 0 && TailIsSeparators(g, end, n)) return true;
  }
  if (hash && digits <= 6 && n > 0) {
    int k = 0;
    while (k < n && (g[k].c == ' ' || g[k].c == '-')) ++k;
    if (k == n) return true;
  }
  i = 0;
  while (i < n && g[i].c == ' ') ++i;
  if (digits <= 15 && EqualsIgnoringCase(g + i, n - i, ",,") &&
      TailIsSeparators(g, i + 2, n)) {
    return true;
  }
  if (digits <= 15 && i < n && g[i].c == ';' && TailIsSeparators(g, i + 1, n)) {
    return true;
  }
  int k = i;
  while (k < n && g[k].c == ',') ++k;
  return digits <= 9 && k > i && TailIsSeparators(g, k, n);
}

// The extension pattern ends at the end of the input ("...$"), and all its
// alternatives put only non-digits before the digit group, which runs to
// the end (or to a final '#'). So a match starts inside the last gap of
// non-digits before the final digits. Gives that gap [*gap, *digits_begin)
// and the digits [*digits_begin, *digits_end); false when the input does
// not end that way.
bool FinalDigits(const Unit* u, int n, int* gap, int* digits_begin,
                 int* digits_end, bool* hash) {
  int end = n;
  *hash = end > 0 && u[end - 1].c == '#';
  if (*hash) --end;
  int p = end;
  while (p > 0 && IsDigit(u[p - 1].c)) --p;
  int g = p;
  while (g > 0 && !IsDigit(u[g - 1].c)) --g;
  *gap = g, *digits_begin = p, *digits_end = end;
  return p < end && g < p;
}

// IsViablePhoneNumber on u[0..n): length >= 2 and a full match of
//   \p{Nd}{2} | NUMBER (?:EXTN)?
// (the alternation binds loosest), EXTN tried at every split.
bool IsViable(const Unit* u, int n) {
  if (n < 2) return false;
  if (n == 2 && IsDigit(u[0].c) && IsDigit(u[1].c)) return true;
  if (MatchesNumberPart(u, n)) return true;
  int gap, begin, end;
  bool hash;
  if (!FinalDigits(u, n, &gap, &begin, &end, &hash)) return false;
  for (int q = gap; q < begin; ++q) {
    if (GapIsExtensionLabel(u + q, begin - q, end - begin, hash) &&
        MatchesNumberPart(u, q)) {
      return true;
    }
  }
  return false;
}

// MaybeStripExtension: the extension pattern found (leftmost start) at the
// end of the input, kept when what precedes it is viable. Returns false
// when out of scope (an extension written in non-ASCII digits).
bool StripExtension(Units* units, ParsedNumber* result) {
  int gap, begin, end;
  bool hash;
  if (!FinalDigits(units->u, units->n, &gap, &begin, &end, &hash)) {
    return true;
  }
  for (int q = gap; q < begin; ++q) {
    if (!GapIsExtensionLabel(units->u + q, begin - q, end - begin, hash)) {
      continue;
    }
    if (!IsViable(units->u, q)) return true;
    for (int k = begin; k < end; ++k) {
      if (units->u[k].wide) return false;
      result->extension_digits[result->extension_length++] = units->u[k].c;
    }
    units->n = q;
    return true;
  }
  return true;
}

// Normalize: with three or more ASCII letters, the letters become keypad
// digits and everything but ASCII digits is dropped (NormalizeHelper with
// alpha_phone_mappings_); otherwise the digits of every script are kept
// as ASCII and the rest dropped (NormalizeDigitsOnly).
void Normalize(const Unit* u, int n, Digits* out) {
  int letters = 0;
  for (int k = 0; k < n; ++k) letters += IsLetter(u[k].c);
  static constexpr char kKeypad[] = "22233344455566677778889999";
  out->n = 0;
  for (int k = 0; k < n; ++k) {
    const char c = u[k].c;
    if (letters >= 3) {
      if (IsDigit(c) && !u[k].wide) {
        out->d[out->n++] = c;
      } else if (IsLetter(c)) {
        out->d[out->n++] = kKeypad[(c | 0x20) - 'a'];
      }
    } else if (IsDigit(c)) {
      out->d[out->n++] = c;
    }
  }
}

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
};

PrefixMatch MatchPrefix(const PrefixPattern& pattern,
                        std::string_view digits) {
  if (pattern.state != PrefixPattern::kCompiled) {
    return {PrefixMatch::kUnsupported, 0, false};
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
  if (at_end && !(ends > 0 && length == static_cast<int>(digits.size()))) {
    ++ends, length = static_cast<int>(digits.size());
  }
  if (ends == 0) return {PrefixMatch::kNone, 0, false};
  return {ends == 1 ? PrefixMatch::kOne : PrefixMatch::kMany, length, at_end};
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
int FindRegion(std::string_view region) {
  if (region.empty() || region.size() > 3 || region == "001") return -1;
  int lo = 0, hi = static_cast<int>(internal::kPlanCount);
  while (lo < hi) {
    const int mid = (lo + hi) / 2;
    const int cmp = region.compare(internal::kPlans[mid].region);
    if (cmp == 0) return mid;
    if (cmp < 0) hi = mid; else lo = mid + 1;
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

}  // namespace

namespace {

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

// The rest of MaybeStripNationalPrefixAndCarrierCode once ICU's answer is
// known: strip the match, or put the transform in its place; either is
// undone when it turns a number matching the general pattern into one
// that does not.
bool StripDecidedPrefix(int plan, const internal::DecisionNode& decision,
                        Digits* number) {
  if (decision.match_length < 0) return true;
  const std::string_view rest = number->view().substr(decision.match_length);
  if (decision.transform_length == internal::kNoTransform) {
    if (MatchesGeneral(plan, number->view()) && !MatchesGeneral(plan, rest)) {
      return true;
    }
    number->DropFront(decision.match_length);
    return true;
  }
  Digits transformed;
  transformed.n = decision.transform_length + static_cast<int>(rest.size());
  if (transformed.n > static_cast<int>(kMaxParseInput)) return false;
  std::memcpy(transformed.d,
              internal::kTransformDigits + decision.transform_offset,
              decision.transform_length);
  std::memcpy(transformed.d + decision.transform_length, rest.data(),
              rest.size());
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
    return StripDecidedPrefix(plan, Decide(parse_plan.national_prefix,
                                           number->view()), number);
  }
  const PrefixMatch match =
      MatchPrefix(parse_plan.national_prefix, number->view());
  if (match.kind == PrefixMatch::kNone) return true;  // every Consume fails
  // With several possible match ends, ICU's backtracking order would
  // pick one; not modelled. A transform rule applies when a capturing group
  // takes part in the match (libphonenumber checks the captured text is
  // non-empty); when no group can, the prefix is just stripped, as below.
  if (match.kind != PrefixMatch::kOne) return false;
  if (parse_plan.has_transform_rule &&
      (parse_plan.national_prefix.anywhere_captures || match.at_end)) {
    return false;
  }
  const std::string_view rest = number->view().substr(match.length);
  // The library keeps the prefix when stripping it turns a number matching
  // the general pattern into one that does not.
  if (MatchesGeneral(plan, number->view()) && !MatchesGeneral(plan, rest)) {
    return true;
  }
  number->DropFront(match.length);
  return true;
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
    match = {length < 0 ? PrefixMatch::kNone : PrefixMatch::kOne, length,
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
  // RFC 3966 numbers with a phone-context are rebuilt from two parts by
  // BuildNationalNumberForParsing; not modelled.
  if (text.find(";phone-context=") != std::string_view::npos) {
    return out_of_scope;
  }
  Units units;
  if (!ExtractFromStart(text, &units)) return out_of_scope;
  if (!TrimExtracted(&units)) return out_of_scope;
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
