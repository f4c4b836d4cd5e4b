#ifndef PHONEBULK_PHONE_ENGINE_ENGINE_H_
#define PHONEBULK_PHONE_ENGINE_ENGINE_H_

// The compiled numbering-plan engine (issue 13, first piece): libphonenumber's
// answers on an already parsed number -- possible length, validity, number
// type -- from tables compiled at build time out of the metadata embedded in
// the libphonenumber the build links (metadata_compiler.cc, docs/engine.md).
//
// Contract: every function here gives the answer libphonenumber 8.x gives for
// a PhoneNumber with the same country calling code and national significant
// number (NSN), following its own order of checks (PhoneNumberUtil::
// GetNumberTypeHelper, IsNumberMatchingDesc, GetRegionCodeForNumber,
// IsValidNumberForRegion, TestNumberLength). engine_diff_test.cc holds it to
// that on every region and type. An NSN is the digits libphonenumber's
// GetNationalSignificantNumber gives (Italian leading zeros included); a
// character other than '0'..'9' makes a pattern fail to match, as it would
// in the library. Parsing text into (calling code, NSN) is parse.h,
// formatting format.h.
//
// Thread safety and cost: the tables are immutable constants, so every
// function is safe to call from any number of threads with no
// synchronization. No function allocates, locks or runs a regex: each
// pattern is a walk of a minimal digit automaton, one table read per digit.

#include <cstdint>
#include <optional>
#include <string_view>

namespace phonebulk::phone::engine {

namespace internal {
struct Plan;
}  // namespace internal

// libphonenumber's PhoneNumberUtil::PhoneNumberType, same order and values,
// so that static_cast converts between the two.
enum class NumberType : uint8_t {
  kFixedLine = 0,
  kMobile,
  kFixedLineOrMobile,
  kTollFree,
  kPremiumRate,
  kSharedCost,
  kVoip,
  kPersonalNumber,
  kPager,
  kUan,
  kVoicemail,
  kUnknown,
};

// libphonenumber's PhoneNumberUtil::ValidationResult, same order and values.
enum class LengthCheck : uint8_t {
  kIsPossible = 0,
  kIsPossibleLocalOnly,
  kInvalidCountryCode,
  kTooShort,
  kInvalidLength,
  kTooLong,
};

// One compiled PhoneMetadata: a region ("GB") or a non-geographical entity
// (region "001", found by calling code). A cheap, copyable handle to
// constant data.
class NumberingPlan {
 public:
  // The plan of a geographical region code as libphonenumber spells it
  // ("GB", "US"); nullopt for an unknown code and for "001" (use
  // ForNonGeoEntity).
  static std::optional<NumberingPlan> ForRegion(std::string_view region_code);
  // The non-geographical entity of `calling_code` (800, 882, ...); nullopt
  // when the code has none.
  static std::optional<NumberingPlan> ForNonGeoEntity(int calling_code);
  // The main plan of a calling code (GetRegionCodeForCountryCode: "US" for
  // 1); nullopt for a code libphonenumber does not know.
  static std::optional<NumberingPlan> MainForCallingCode(int calling_code);
  // The plan libphonenumber's GetRegionCodeForNumber picks for the number:
  // the only one of its calling code, or among several the first whose
  // leading_digits prefix-match the NSN (or, without leading_digits, for
  // which the number is valid). nullopt where it answers "ZZ".
  static std::optional<NumberingPlan> ForNumber(int calling_code,
                                                std::string_view nsn);

  // Every compiled plan, for iteration: 0 <= index < Count().
  static int Count();
  static NumberingPlan At(int index);

  std::string_view region_code() const;  // "GB", or "001"
  int calling_code() const;

  // TestNumberLength(nsn, metadata) for type UNKNOWN: the general
  // description's possible lengths and local-only lengths.
  LengthCheck TestLength(std::string_view nsn) const;
  // GetNumberTypeHelper(nsn, metadata): kUnknown when the general pattern
  // does not match or no type does.
  NumberType Type(std::string_view nsn) const;
  // Type(nsn) != kUnknown: IsValidNumberForRegion for a number of this
  // plan's calling code.
  bool IsValid(std::string_view nsn) const;

 private:
  explicit NumberingPlan(const internal::Plan* plan) : plan_(plan) {}
  const internal::Plan* plan_;
};

// PhoneNumberUtil::GetNumberType of the number (calling_code, nsn).
NumberType GetNumberType(int calling_code, std::string_view nsn);
// PhoneNumberUtil::IsValidNumber of the number.
bool IsValidNumber(int calling_code, std::string_view nsn);
// PhoneNumberUtil::IsValidNumberForRegion(number, region_code); region_code
// "001" means the calling code's non-geographical entity.
bool IsValidNumberForRegion(int calling_code, std::string_view nsn,
                            std::string_view region_code);
// PhoneNumberUtil::IsPossibleNumberWithReason: the length test against the
// main plan of the calling code (as libphonenumber does for shared codes).
LengthCheck IsPossibleNumberWithReason(int calling_code, std::string_view nsn);

// Size and 64-bit FNV-1a hash of the serialized metadata the tables were
// compiled from; the test checks them against the libphonenumber loaded at
// run time, so a library upgrade without a rebuild is caught.
uint64_t CompiledMetadataBytes();
uint64_t CompiledMetadataFingerprint();

}  // namespace phonebulk::phone::engine

#endif  // PHONEBULK_PHONE_ENGINE_ENGINE_H_
