#ifndef PHONEBULK_PHONE_VALIDATOR_H_
#define PHONEBULK_PHONE_VALIDATOR_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "phone/countries.h"
#include "phone/types.h"

namespace i18n::phonenumbers {
class PhoneNumber;
class PhoneNumberUtil;
}  // namespace i18n::phonenumbers

namespace phonebulk::phone {

// Which code answers (serve/validate --engine, PHONEBULK_ENGINE).
enum class ValidatorEngine {
  // The compiled engine (phone/engine/, docs/engine.md): libphonenumber's
  // answers from tables, falling back to libphonenumber for what it puts
  // out of scope. The default.
  kCompiled,
  // libphonenumber alone: the reference, for comparison.
  kLibphonenumber,
};

// "compiled" / "libphonenumber"; nullopt for other names.
std::optional<ValidatorEngine> ParseValidatorEngine(std::string_view name);
std::string_view ValidatorEngineName(ValidatorEngine engine);

// Numbers validated since start, by who answered (the /metrics series
// phonebulk_validator_numbers_total{answered_by}).
struct ValidatorCounts {
  int64_t compiled = 0;  // the engine alone
  // The engine's parser put the input out of scope: libphonenumber
  // parsed and answered it.
  int64_t parse_fallback = 0;
  // The engine parsed it, libphonenumber wrote the output format (one the
  // engine does not write, or put out of scope).
  int64_t format_fallback = 0;
  int64_t libphonenumber = 0;  // --engine libphonenumber
  // Blank or over-long input, answered before any parsing.
  int64_t not_parsed = 0;
};

// Offline validation of one number: parse, validity, type, formats and
// country fields, as libphonenumber answers them. Thread-safe
// (PhoneNumberUtil is, the engine's tables are constant, the counts are
// atomic).
class Validator {
 public:
  // `countries` must outlive the validator.
  explicit Validator(const Countries& countries,
                     ValidatorEngine engine = ValidatorEngine::kCompiled);

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

  ValidatorEngine engine() const { return engine_; }
  ValidatorCounts counts() const;

 private:
  struct Defaults;
  // The two ways to the same answer; `input` is ready for Parse.
  bool ValidateWithEngine(const std::string& input, const Defaults& d,
                          const OutputFormat& format, PhoneResult* r) const;
  void ValidateWithLibphonenumber(const std::string& input, const Defaults& d,
                                  const OutputFormat& format,
                                  PhoneResult* r) const;
  // The output formats other than E.164, by the engine, with the extension
  // (digits; empty for none); false when it puts the number out of scope.
  bool FormatWithEngine(int calling_code, std::string_view nsn,
                        std::string_view extension, const OutputFormat& format,
                        std::string* out) const;
  // The output formats other than E.164, by libphonenumber.
  void FormatWithLibphonenumber(const i18n::phonenumbers::PhoneNumber& n,
                                const OutputFormat& format,
                                std::string* out) const;
  // The country fields of a parsed number (see Validate's .cc).
  template <typename RegionOf>
  void FillCountry(int calling_code, const Defaults& d, RegionOf region_of,
                   PhoneResult* r) const;
  enum Counter {
    kCompiled,
    kParseFallback,
    kFormatFallback,
    kLibphonenumber,
    kNotParsed,
    kCounters
  };
  void Count(Counter c) const;

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
  const ValidatorEngine engine_;
  const i18n::phonenumbers::PhoneNumberUtil& util_;
  std::vector<CallingCodeInfo> calling_codes_;  // indexed by calling code
  // Counts striped over cache lines by thread, so that threads validating
  // millions of numbers a second do not fight over one line.
  static constexpr int kStripes = 8;
  struct alignas(64) Stripe {
    std::array<std::atomic<int64_t>, kCounters> n{};
  };
  mutable std::array<Stripe, kStripes> counts_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_VALIDATOR_H_
