#ifndef PHONEBULK_PHONE_ENGINE_DIGIT_REGEX_H_
#define PHONEBULK_PHONE_ENGINE_DIGIT_REGEX_H_

// A small regular-expression compiler for the patterns of libphonenumber's
// metadata, used at BUILD time by the metadata compiler
// (metadata_compiler.cc): pattern -> NFA (Thompson) -> DFA (subset
// construction) -> minimal DFA (partition refinement), over the ten symbols
// '0'..'9' only. National significant numbers are digit strings, so a
// ten-symbol automaton answers exactly what ICU's regex answers on them,
// without backtracking.
//
// Supported syntax (all libphonenumber's number patterns use; anything else
// is refused with InvalidArgument, never approximated):
//   digits 0-9, \d, character classes [...] of digits, ranges (3-7) and \d,
//   groups (...) and (?:...), alternation |, empty alternatives,
//   quantifiers ? * + {n} {n,} {n,m} (greedy; lazy "?" and possessive "+"
//   suffixes are refused), with bounds up to kMaxRepeat.
// Refused: negated classes [^...], '.', anchors ^ $, any other escape,
// letters and punctuation, lookaround and other (?...) forms, whitespace.
//
// The runtime engine (engine.h) never links this: it walks the tables the
// metadata compiler emits. The functions here are pure and thread-safe.

#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace phonebulk::phone::engine {

// Upper bound of a counted repetition; larger bounds are refused (no
// libphonenumber pattern comes near it, and it bounds the automaton size).
inline constexpr int kMaxRepeat = 64;

// A complete minimal DFA over the digits in canonical form: state 0 is the
// dead state (rejects, loops to itself; present even when unreachable), the
// other states are numbered in breadth-first order from `start`, following
// digits 0..9. Two patterns of the same language therefore give equal
// `DigitDfa`s, which lets the metadata compiler share tables between them.
// `start` is 0 exactly when the language is empty.
struct DigitDfa {
  std::vector<std::array<uint16_t, 10>> next;  // next[state][digit]
  std::vector<bool> accepting;                 // per state
  uint16_t start = 0;

  bool operator==(const DigitDfa&) const = default;
};

// Compiles `pattern`. InvalidArgument, naming the offending position, for
// syntax outside the subset above or a pattern too large (over 32,767
// states after minimisation, the limit of the generated tables).
absl::StatusOr<DigitDfa> CompileDigitRegex(std::string_view pattern);

// The empty language (what an absent pattern matches: nothing).
DigitDfa EmptyLanguageDfa();

// True when all of `digits` is in the language (ICU matches()). Non-digit
// characters never match.
bool FullMatch(const DigitDfa& dfa, std::string_view digits);

// True when some prefix of `digits`, possibly empty, is in the language
// (ICU lookingAt(), libphonenumber's RegExp::Consume without captures).
bool PrefixMatch(const DigitDfa& dfa, std::string_view digits);

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_DIGIT_REGEX_H_
