#ifndef PHONEBULK_PHONE_ENGINE_PARSE_H_
#define PHONEBULK_PHONE_ENGINE_PARSE_H_

// The compiled engine's parser (issue 13): text as a user typed it, plus a
// default region, into what libphonenumber's PhoneNumberUtil::Parse gives --
// the parse error, or the calling code, national number, Italian leading
// zero, number of leading zeros and extension -- or "out of scope".
//
// Contract: whenever Parse answers kParsed or kError, the answer is the one
// libphonenumber 8.x (the version the build links) gives for
// Parse(text, default_region), field by field; parse_test holds it to that
// on every region and input form. Anything the parser cannot guarantee is
// answered kOutOfScope, and the caller asks libphonenumber instead.
// docs/engine.md ("Parsing") lists what is in scope.
//
// Thread safety and cost: Parse reads constant tables only; it is safe to
// call from any number of threads with no synchronization. It allocates
// nothing (the result holds fixed-size buffers), takes no lock and runs no
// regex: each metadata pattern is a walk of a digit automaton.

#include <cstdint>
#include <string_view>

namespace phonebulk::phone::engine {

// libphonenumber's PhoneNumberUtil::ErrorType, same order and values, so
// that static_cast converts between the two.
enum class ParseError : uint8_t {
  kNone = 0,
  kInvalidCountryCode,
  kNotANumber,
  kTooShortAfterIdd,
  kTooShortNsn,
  kTooLongNsn,
};

struct ParsedNumber {
  enum class Outcome : uint8_t {
    kParsed,      // the number fields below hold libphonenumber's answer
    kError,       // `error` is libphonenumber's answer
    kOutOfScope,  // the engine is not sure: ask libphonenumber
  };
  // Longest national number libphonenumber accepts (kMaxLengthForNsn).
  static constexpr int kMaxNsnLength = 17;

  Outcome outcome = Outcome::kOutOfScope;
  ParseError error = ParseError::kNone;
  // The fields of libphonenumber's PhoneNumber, when outcome is kParsed.
  int calling_code = 0;
  uint64_t national_number = 0;
  bool italian_leading_zero = false;
  int number_of_leading_zeros = 1;  // the proto's default, as the library
  // The national significant number as digits, leading zeros included
  // (what GetNationalSignificantNumber gives for a parsed number).
  char nsn[kMaxNsnLength + 1] = {};
  uint8_t nsn_length = 0;
  // The extension's digits (at most 20), empty when there is none.
  char extension_digits[20] = {};
  uint8_t extension_length = 0;
  std::string_view extension() const {
    return {extension_digits, extension_length};
  }
  std::string_view national_significant_number() const {
    return {nsn, nsn_length};
  }
};

// Inputs longer than this many bytes are out of scope (the validator never
// passes more; libphonenumber's Java edition refuses them).
inline constexpr size_t kMaxParseInput = 250;

// PhoneNumberUtil::Parse(text, default_region). `default_region` is a
// region code as libphonenumber spells it ("GB"); "", "ZZ", "001" or an
// unknown code mean no default region, as in the library.
ParsedNumber Parse(std::string_view text, std::string_view default_region);

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_PARSE_H_
