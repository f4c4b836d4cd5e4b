#ifndef PHONEBULK_PHONE_ENGINE_PARSE_TEXT_H_
#define PHONEBULK_PHONE_ENGINE_PARSE_TEXT_H_

// The text half of the parser (parse.h): the steps of libphonenumber's
// ParseHelper that read characters and need no metadata -- building the
// number from the text (BuildNationalNumberForParsing: RFC 3966
// phone-context, or ExtractPossibleNumber with TrimUnwantedEndChars and the
// second-number cut; ";isub="), IsViablePhoneNumber, MaybeStripExtension
// and Normalize -- on fixed-size buffers. Internal to src/phone/engine;
// parse.cc runs them in the library's order. Pure functions: thread-safe.
//
// Each function reproduces the library's regular expression exactly on the
// characters it accepts (printable ASCII, digits of the supported scripts)
// and reports "out of scope" (false) where it does not model it.

#include <cstring>
#include <string_view>

#include "phone/engine/parse.h"

namespace phonebulk::phone::engine::internal {

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

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// ExtractPossibleNumber without TrimUnwantedEndChars: the code points from
// the first digit or plus sign on. False when out of scope: invalid UTF-8
// or a code point anywhere that is not interchange-valid (most control
// characters, non-characters: the library then reads nothing),
// a character before the start that might be a decimal digit in some
// script, a non-ASCII character after it that is not a digit, a plus sign
// or a symbol the end trimming may remove.
bool ExtractFromStart(std::string_view text, Units* out);

// TrimUnwantedEndChars and the second-number cut ("(.*)[\\/] *x",
// greedy). False when out of scope: a control character or a non-ASCII
// symbol is left.
bool TrimExtracted(Units* units);

// BuildNationalNumberForParsing for RFC 3966 text with ";phone-context="
// at `context`: the context when it starts with '+', then what lies
// between "tel:" (or the start) and the context, both verbatim (no
// extraction, no trimming). False when out of scope (a character outside
// digits, plus signs and printable ASCII, or "tel:" after the context).
bool BuildFromPhoneContext(std::string_view text, size_t context, Units* out);

// BuildNationalNumberForParsing's cut at ";isub=".
void CutSubaddress(Units* units);

// IsViablePhoneNumber on u[0..n).
bool IsViable(const Unit* u, int n);

// MaybeStripExtension: on success the extension's digits go to `result`
// and `units` loses them. False when out of scope (an extension written in
// non-ASCII digits).
bool StripExtension(Units* units, ParsedNumber* result);

// Normalize: with three or more ASCII letters, letters become keypad
// digits and only ASCII digits are kept; otherwise the digits of every
// script, as ASCII.
void Normalize(const Unit* u, int n, Digits* out);

}  // namespace phonebulk::phone::engine::internal

#endif  // PHONEBULK_PHONE_ENGINE_PARSE_TEXT_H_
