#include "phone/validator.h"

#include <list>
#include <string>

#include "common/strings.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// libphonenumber's region for "no default: the number must carry its own
// calling code".
const std::string& UnknownRegion() {
  static const std::string* const kZz = new std::string("ZZ");
  return *kZz;
}

bool IsAsciiSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
         c == '\v';
}

bool IsAsciiDigit(char c) { return c >= '0' && c <= '9'; }

// Rewrites `number` for parsing without a default country, as the contract
// says: "00" is the international prefix most of the world dials, so it
// becomes '+'; a bare digit string is taken to start with its calling code;
// anything else ('+', '(', letters) is left for libphonenumber to judge.
void ReadAsInternational(std::string_view number, std::string* out) {
  size_t start = 0;
  while (start < number.size() && IsAsciiSpace(number[start])) ++start;
  number.remove_prefix(start);
  out->clear();
  if (number.starts_with("00")) {
    out->push_back('+');
    out->append(number.substr(2));
  } else if (!number.empty() && IsAsciiDigit(number.front())) {
    out->push_back('+');
    out->append(number);
  } else {
    out->append(number);
  }
}

PhoneType ToPhoneType(PhoneNumberUtil::PhoneNumberType type) {
  switch (type) {
    case PhoneNumberUtil::FIXED_LINE:
      return PhoneType::kLandline;
    case PhoneNumberUtil::MOBILE:
      return PhoneType::kMobile;
    case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
      return PhoneType::kMobileOrLandline;
    case PhoneNumberUtil::TOLL_FREE:
      return PhoneType::kTollFree;
    case PhoneNumberUtil::PREMIUM_RATE:
      return PhoneType::kPremium;
    case PhoneNumberUtil::SHARED_COST:
      return PhoneType::kSharedCost;
    case PhoneNumberUtil::VOIP:
      return PhoneType::kVoip;
    case PhoneNumberUtil::PERSONAL_NUMBER:
      return PhoneType::kPersonalNumber;
    case PhoneNumberUtil::PAGER:
      return PhoneType::kPager;
    case PhoneNumberUtil::UAN:
      return PhoneType::kUniversalAccessNumber;
    case PhoneNumberUtil::VOICEMAIL:
      return PhoneType::kVoicemail;
    case PhoneNumberUtil::UNKNOWN:
      return PhoneType::kUnknown;
  }
  return PhoneType::kUnknown;
}

// libphonenumber's reason for refusing to parse.
InvalidReason FromParseError(PhoneNumberUtil::ErrorType error) {
  switch (error) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE_ERROR:
      return InvalidReason::kInvalidCountryCode;
    case PhoneNumberUtil::TOO_SHORT_AFTER_IDD:
    case PhoneNumberUtil::TOO_SHORT_NSN:
      return InvalidReason::kTooShort;
    case PhoneNumberUtil::TOO_LONG_NSN:
      return InvalidReason::kTooLong;
    case PhoneNumberUtil::NOT_A_NUMBER:
    case PhoneNumberUtil::NO_PARSING_ERROR:
      break;
  }
  return InvalidReason::kNotANumber;
}

// libphonenumber's reason why a parsed number that is not valid is not:
// its length for the country, or, when the length fits, that no range of
// the country's plan holds it.
InvalidReason FromPossibility(PhoneNumberUtil::ValidationResult possibility) {
  switch (possibility) {
    case PhoneNumberUtil::INVALID_COUNTRY_CODE:
      return InvalidReason::kInvalidCountryCode;
    case PhoneNumberUtil::TOO_SHORT:
      return InvalidReason::kTooShort;
    case PhoneNumberUtil::TOO_LONG:
      return InvalidReason::kTooLong;
    case PhoneNumberUtil::INVALID_LENGTH:
      return InvalidReason::kInvalidLength;
    case PhoneNumberUtil::IS_POSSIBLE_LOCAL_ONLY:
      return InvalidReason::kLocalOnly;
    case PhoneNumberUtil::IS_POSSIBLE:
      break;
  }
  return InvalidReason::kNoSuchRange;
}

}  // namespace

Validator::Validator(const Countries& countries)
    : countries_(countries),
      util_(*PhoneNumberUtil::GetInstance()),
      calling_codes_(kMaxCallingCode + 1) {
  std::list<std::string> regions;
  for (int code = 1; code <= kMaxCallingCode; ++code) {
    regions.clear();
    util_.GetRegionCodesForCountryCallingCode(code, &regions);
    CallingCodeInfo& info = calling_codes_[code];
    info.region_count = static_cast<int>(regions.size());
    // Non-geographic codes map to "001", which iso-codes lacks: no country.
    if (regions.size() == 1)
      info.country = countries_.ByAlpha2(regions.front());
  }
}

PhoneResult Validator::Validate(std::string_view number,
                                std::string_view default_alpha3,
                                const OutputFormat& format) const {
  PhoneResult result;

  const Country* default_country = nullptr;
  int default_calling_code = 0;
  if (!default_alpha3.empty()) {
    default_country = countries_.ByAlpha3(default_alpha3);
    if (default_country != nullptr) {
      default_calling_code =
          util_.GetCountryCodeForRegion(default_country->alpha2);
      // iso-codes knows some countries libphonenumber has no plan for (e.g.
      // Antarctica, AQ); it could parse nothing written nationally for them,
      // so such a default counts as no default at all.
      if (default_calling_code == 0) default_country = nullptr;
    }
  }

  // libphonenumber's Java and JavaScript editions refuse inputs longer than
  // 250 characters (MAX_INPUT_STRING_LENGTH) before parsing; the C++ edition
  // does not, and its regexes are quadratic in the input length (1,000
  // characters cost ~16 ms). Applying the same limit keeps one hostile batch
  // from tying up the workers.
  // The Java edition's parse answers TOO_LONG for such input, so the
  // reason is libphonenumber's too.
  const std::string_view trimmed = TrimAscii(number);
  if (trimmed.empty()) {
    result.invalid_reason = InvalidReason::kEmpty;
    return result;
  }
  if (trimmed.size() > kMaxInputLength) {
    result.invalid_reason = InvalidReason::kTooLong;
    return result;
  }

  // Reused per thread: Parse() wants a std::string, and on the hot path a
  // fresh one per number would mostly be a heap allocation.
  thread_local std::string input;
  if (default_country != nullptr) {
    input.assign(number);
  } else {
    ReadAsInternational(number, &input);
  }

  PhoneNumber parsed;
  const PhoneNumberUtil::ErrorType error = util_.Parse(
      input,
      default_country != nullptr ? default_country->alpha2 : UnknownRegion(),
      &parsed);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    result.invalid_reason = FromParseError(error);
    return result;
  }

  // E.164 ("+4412...") minus the '+': the contract fills it even for invalid
  // numbers, so that a client can see what was read.
  std::string& e164 = result.validated_phone_number;
  util_.Format(parsed, PhoneNumberUtil::E164, &e164);
  switch (format.kind) {
    case OutputFormat::Kind::kPlusE164:
      result.formatted_phone_number = e164;
      break;
    case OutputFormat::Kind::kNational:
      util_.Format(parsed, PhoneNumberUtil::NATIONAL,
                   &result.formatted_phone_number);
      break;
    case OutputFormat::Kind::kInternational:
      util_.Format(parsed, PhoneNumberUtil::INTERNATIONAL,
                   &result.formatted_phone_number);
      break;
    case OutputFormat::Kind::kDialledFrom: {
      // An unknown origin gets libphonenumber's own fallback for regions it
      // does not know: the INTERNATIONAL format.
      const Country* from = countries_.ByAlpha3(format.from_alpha3);
      util_.FormatOutOfCountryCallingNumber(
          parsed, from != nullptr ? from->alpha2 : UnknownRegion(),
          &result.formatted_phone_number);
      break;
    }
    case OutputFormat::Kind::kE164:
      break;  // Filled below, from the validated number.
  }
  if (!e164.empty() && e164.front() == '+') e164.erase(0, 1);
  if (format.kind == OutputFormat::Kind::kE164) {
    result.formatted_phone_number = e164;
  }

  // GetNumberType() is UNKNOWN exactly when IsValidNumber() is false (both
  // match the national number against the same region's patterns), so one
  // call answers both and the pattern matching, the costly part, runs once.
  // validator_test checks the equivalence against IsValidNumber().
  const PhoneNumberUtil::PhoneNumberType type = util_.GetNumberType(parsed);
  result.valid = type != PhoneNumberUtil::UNKNOWN;
  result.phone_type = ToPhoneType(type);
  // Only for the numbers that are not valid, so valid ones pay nothing.
  if (!result.valid) {
    result.invalid_reason =
        FromPossibility(util_.IsPossibleNumberWithReason(parsed));
  }
  // Without a live-status source there is nothing to verify against.
  result.confidence =
      result.valid ? Confidence::kUnknown : Confidence::kUnverified;

  const int calling_code = parsed.country_code();
  result.country_prefix = std::to_string(calling_code);
  const CallingCodeInfo* info =
      calling_code > 0 && calling_code <= kMaxCallingCode
          ? &calling_codes_[calling_code]
          : nullptr;
  const Country* country = nullptr;
  if (info != nullptr && info->region_count == 1) {
    // One region: GetRegionCodeForNumber() would return it, valid or not.
    country = info->country;
  } else if (result.valid) {
    // Shared codes (+1, +44, +7, ...): the number's pattern decides.
    std::string region;
    util_.GetRegionCodeForNumber(parsed, &region);
    country = countries_.ByAlpha2(region);
  } else if (default_country != nullptr &&
             calling_code == default_calling_code) {
    // An invalid number on a shared code says nothing about its region;
    // the caller's default is the best guess, and only when it fits.
    country = default_country;
  }
  if (country != nullptr) {
    result.country_iso = country->alpha3;
    result.country_name = country->name;
  }
  return result;
}

}  // namespace phonebulk::phone
