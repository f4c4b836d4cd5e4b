#ifndef PHONEBULK_PHONE_VALIDATOR_H_
#define PHONEBULK_PHONE_VALIDATOR_H_

#include <string_view>
#include <vector>

#include "phone/countries.h"
#include "phone/types.h"

namespace i18n::phonenumbers {
class PhoneNumberUtil;
}

namespace phonebulk::phone {

// Offline validation of one number with libphonenumber: parse, validity,
// type, formats and country fields. Thread-safe (PhoneNumberUtil is).
class Validator {
 public:
  // `countries` must outlive the validator.
  explicit Validator(const Countries& countries);

  // Validates `number`. `default_alpha3` is the country assumed for numbers
  // written without a calling code (empty: read as international: a leading
  // "00" becomes '+', a leading digit gets a '+', anything else is parsed as
  // written). `default_alpha3` must be empty or a known alpha-3 code.
  //
  // Never fails: unparseable input yields confidence kUnverified with empty
  // strings; a parseable but invalid number still gets
  // validated_phone_number. A valid number gets confidence kUnknown (no
  // network lookup is made here) and ported_date "unknown" is left for the
  // caller to decide.
  //
  // invalid_reason says why a number is not valid, in libphonenumber's own
  // terms: kEmpty for blank input, the parse error when it does not parse,
  // IsPossibleNumberWithReason() when it parses but is not valid (kNoSuchRange
  // when the length fits), kTooLong past the input cap. kNone when valid,
  // also when valid for another country than `default_alpha3`.
  PhoneResult Validate(std::string_view number, std::string_view default_alpha3,
                       const OutputFormat& format) const;

 private:
  // What a country calling code alone says about a number's country, worked
  // out once in the constructor so that the hot path needs no region list.
  struct CallingCodeInfo {
    int region_count = 0;              // regions libphonenumber maps it to
    const Country* country = nullptr;  // the only region, if iso-codes has it
  };
  // Inputs longer than this (after trimming) are not parsed; see Validate().
  static constexpr size_t kMaxInputLength = 250;
  // Calling codes have at most three digits.
  static constexpr int kMaxCallingCode = 999;

  const Countries& countries_;
  const i18n::phonenumbers::PhoneNumberUtil& util_;
  std::vector<CallingCodeInfo> calling_codes_;  // indexed by calling code
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_VALIDATOR_H_
