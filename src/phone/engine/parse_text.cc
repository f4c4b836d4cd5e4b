// The text half of the parser (parse_text.h).

#include "phone/engine/parse_text.h"

#include <cstdint>
#include <cstring>

namespace phonebulk::phone::engine::internal {
namespace {

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

enum class Kind {
  kDigit,
  kPlus,
  kAscii,
  kPunctuation,
  kNotNumeric,
  kTrimmable,
  kUnknown
};

// The unit of a non-ASCII code point that TrimUnwantedEndChars removes; it
// must not survive the trimming (nothing after it is modelled).
constexpr char kTrimmableUnit = '\x01';
// The units of the non-ASCII characters of kValidPunctuation: U+00A0 and
// U+FF0E also appear in the extension pattern (as a separator, and as
// '.'), the others only as punctuation.
constexpr char kPunctuationUnit = '\x02';
constexpr char kNoBreakSpaceUnit = '\x03';
constexpr char kFullWidthStopUnit = '\x04';

// The unit of a non-ASCII character of libphonenumber's kValidPunctuation
// ("‐-―−ー－-／ <U+00A0><U+00AD><U+200B><U+2060>　（）［］⁓∼"), 0 for others.
// U+30FC (ー) is left out: it is a letter to TrimUnwantedEndChars.
char ValidPunctuationUnit(uint32_t cp) {
  if (cp == 0x00A0) return kNoBreakSpaceUnit;
  if (cp == 0xFF0E) return kFullWidthStopUnit;
  static constexpr uint32_t kPunctuation[][2] = {
      {0x2010, 0x2015}, {0x2212, 0x2212}, {0xFF0D, 0xFF0F}, {0x00AD, 0x00AD},
      {0x200B, 0x200B}, {0x2060, 0x2060}, {0x3000, 0x3000}, {0xFF08, 0xFF09},
      {0xFF3B, 0xFF3B}, {0xFF3D, 0xFF3D}, {0x2053, 0x2053}, {0x223C, 0x223C},
  };
  for (const auto& range : kPunctuation) {
    if (cp >= range[0] && cp <= range[1]) return kPunctuationUnit;
  }
  return 0;
}

// Non-ASCII code points that are neither letters nor numbers (\p{L},
// \p{N}) nor valid punctuation in a number, in every Unicode version:
// spaces and punctuation, arrows, miscellaneous symbols, pictographs.
bool IsTrimmableSymbol(uint32_t cp) {
  static constexpr uint32_t kRanges[][2] = {
      {0x2000, 0x206F},   {0x2190, 0x21FF}, {0x2600, 0x26FF},
      {0x3000, 0x3004},   {0x3008, 0x3020}, {0x1F300, 0x1F64F},
      {0x1F680, 0x1F6FF},
  };
  for (const auto& range : kRanges) {
    if (cp >= range[0] && cp <= range[1]) return true;
  }
  return false;
}

// What ExtractPossibleNumber and NormalizeDigits make of a code point.
// kPunctuation: a non-ASCII character of kValidPunctuation; kNotNumeric:
// non-ASCII, and in a block that holds no decimal digit in any Unicode version
// (so ICU's \p{Nd} cannot match it); kTrimmable: that, and IsTrimmableSymbol
// too; kUnknown: anything else non-ASCII, which the parser declines.
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
  if ((*c = ValidPunctuationUnit(cp)) != 0) return Kind::kPunctuation;
  static constexpr uint32_t kNoDigitBlocks[][2] = {
      {0x0080, 0x065F}, {0x066A, 0x06EF}, {0x2000, 0x2BFF}, {0x3000, 0x9FFF},
      {0xAC00, 0xD7A3}, {0xFF01, 0xFF0F}, {0xFF1A, 0xFFEF}, {0x1F300, 0x1FAFF},
  };
  for (const auto& block : kNoDigitBlocks) {
    if (cp >= block[0] && cp <= block[1]) {
      *c = kTrimmableUnit;
      return IsTrimmableSymbol(cp) ? Kind::kTrimmable : Kind::kNotNumeric;
    }
  }
  return Kind::kUnknown;
}

// UniLib::IsInterchangeValid, which the library's UnicodeText applies to
// the whole text before extracting the number: one code point outside
// (C0 controls but tab, LF, FF and CR; DEL and C1 controls; surrogates;
// non-characters) and the library reads nothing at all (NOT_A_NUMBER).
// Found by engine_diff_fuzz; such text is out of scope.
bool IsInterchangeValid(uint32_t cp) {
  return !(cp <= 0x08 || cp == 0x0B || (cp >= 0x0E && cp <= 0x1F) ||
           (cp >= 0x7F && cp <= 0x9F) || (cp >= 0xD800 && cp <= 0xDFFF) ||
           (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE);
}

}  // namespace

// ExtractPossibleNumber without TrimUnwantedEndChars: the code points from
// the first digit or plus sign on. False when out of scope.
bool ExtractFromStart(std::string_view text, Units* out) {
  bool started = false;
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0 || !IsInterchangeValid(cp)) return false;
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

// Appends the code points of `text` as they are: digits, plus signs and
// printable ASCII; false (out of scope) on anything else.
bool AppendVerbatim(std::string_view text, Units* out) {
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0) return false;
    i += len;
    char c = 0;
    const Kind kind = Classify(cp, &c);
    if (kind != Kind::kDigit && kind != Kind::kPlus &&
        kind != Kind::kPunctuation &&
        (kind != Kind::kAscii || (cp < 0x20 && cp != '\t') || cp == 0x7F)) {
      return false;
    }
    out->u[out->n++] = {c, len > 1};
  }
  return true;
}

bool BuildFromPhoneContext(std::string_view text, size_t context, Units* out) {
  static constexpr std::string_view kPhoneContext = ";phone-context=";
  static constexpr std::string_view kTel = "tel:";
  // What the library then makes of text that is not interchange-valid is
  // not modelled.
  for (size_t i = 0; i < text.size();) {
    uint32_t cp;
    const int len = DecodeUtf8(text, i, &cp);
    if (len == 0 || !IsInterchangeValid(cp)) return false;
    i += len;
  }
  const size_t start = context + kPhoneContext.size();
  // A context that is a number prefix ("+44") comes first; a domain is
  // ignored. The library's test, including its "- 1".
  if (start < text.size() - 1 && text[start] == '+') {
    const size_t end = text.find(';', start);
    if (!AppendVerbatim(text.substr(start, end == std::string_view::npos
                                               ? std::string_view::npos
                                               : end - start),
                        out)) {
      return false;
    }
  }
  const size_t tel = text.find(kTel);
  const size_t from = tel == std::string_view::npos ? 0 : tel + kTel.size();
  // "tel:" after the context would make the library's substr() run to
  // the end of the text: not modelled.
  if (from > context) return false;
  return AppendVerbatim(text.substr(from, context - from), out);
}

void CutSubaddress(Units* units) {
  static constexpr std::string_view kIsub = ";isub=";
  const Unit* u = units->u;
  for (int p = 0; p + static_cast<int>(kIsub.size()) <= units->n; ++p) {
    bool found = true;
    for (size_t k = 0; k < kIsub.size() && found; ++k) {
      found = u[p + k].c == kIsub[k] && !u[p + k].wide;
    }
    if (found) {
      units->n = p;
      return;
    }
  }
}

// TrimUnwantedEndChars ("[^\p{N}\p{L}#]" at the end), then
// capture_up_to_second_number_start_pattern "(.*)[\\/] *x": greedy, so
// the number is cut at the last '/' or '\' followed by spaces and 'x'.
// False when out of scope: a control character or a non-ASCII symbol is
// left (the regexes below are modelled for printable ASCII and digits
// only).
bool TrimExtracted(Units* units) {
  Unit* u = units->u;
  while (units->n > 0) {
    const char c = u[units->n - 1].c;
    if (IsDigit(c) || IsLetter(c) || c == '#') break;
    --units->n;
  }
  for (int k = 0; k < units->n; ++k) {
    const unsigned char c = static_cast<unsigned char>(u[k].c);
    if ((c < 0x20 && c != '\t' && c != kPunctuationUnit &&
         c != kNoBreakSpaceUnit && c != kFullWidthStopUnit) ||
        c == 0x7F) {
      return false;
    }
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
  return true;
}

namespace {

// The punctuation of MatchesNumberPart's class (and the units standing for
// non-ASCII punctuation); a switch, not strchr: it runs for every character.
inline bool IsNumberPartPunctuation(char c) {
  switch (c) {
    case ' ':
    case '-':
    case '(':
    case ')':
    case '.':
    case '[':
    case ']':
    case '/':
    case '~':
    case '*':
    case '\x02':
    case '\x03':
    case '\x04':
      return true;
    default:
      return false;
  }
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
    } else if (!IsNumberPartPunctuation(c)) {
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

// kPossibleCharsAfterExtLabel to the end of the gap: [:.．]?[ \xA0\t,-]*.
// [ \xA0\t] of the extension pattern.
bool IsBlank(char c) { return c == ' ' || c == kNoBreakSpaceUnit || c == '\t'; }

bool TailIsSeparators(const Unit* g, int k, int n) {
  if (k < n &&
      (g[k].c == ':' || g[k].c == '.' || g[k].c == kFullWidthStopUnit)) {
    ++k;
  }
  for (; k < n; ++k) {
    if (!IsBlank(g[k].c) && g[k].c != ',' && g[k].c != '-') return false;
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
// alternatives (CreateExtnPattern(true); labels in ASCII only), with their
// digit limits: ";ext=" (20, no '#'), [ \xA0\t,]*explicit label (20),
// [ \xA0\t,]*[x#~]|int (9), [- ]+ with '#' (6), [ \xA0\t]*(,,|;) (15),
// [ \xA0\t]*,+ (9), each label followed by [:.．]?[ \xA0\t,-]*.
bool GapIsExtensionLabel(const Unit* g, int n, int digits, bool hash) {
  if (!hash && digits <= 20 && n == 5 && EqualsIgnoringCase(g, n, ";ext=")) {
    return true;
  }
  int i = 0;
  while (i < n && (IsBlank(g[i].c) || g[i].c == ',')) ++i;
  const int label = ExplicitLabelEnd(g, i, n);
  if (label >= 0 && digits <= 20 && TailIsSeparators(g, label, n)) return true;
  if (i < n && digits <= 9) {
    const int end = std::strchr("xX#~", g[i].c) != nullptr    ? i + 1
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
  while (i < n && IsBlank(g[i].c)) ++i;
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

}  // namespace

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

}  // namespace phonebulk::phone::engine::internal
