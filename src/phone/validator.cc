#include "phone/validator.h"

#include <functional>
#include <list>
#include <optional>
#include <string>

#include "common/strings.h"
#include "phone/engine/engine.h"
#include "phone/engine/format.h"
#include "phone/engine/parse.h"
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

// The confidence of an answer from the numbering plan alone: without a
// live-status source there is nothing to verify a valid number against.
Confidence OfflineConfidence(bool valid) {
  return valid ? Confidence::kUnknown : Confidence::kUnverified;
}

}  // namespace

std::optional<ValidatorEngine> ParseValidatorEngine(std::string_view name) {
  if (name == "compiled") return ValidatorEngine::kCompiled;
  if (name == "libphonenumber") return ValidatorEngine::kLibphonenumber;
  return std::nullopt;
}

std::string_view ValidatorEngineName(ValidatorEngine engine) {
  return engine == ValidatorEngine::kCompiled ? "compiled" : "libphonenumber";
}

// What the default country of a call means for parsing and for the country
// fields.
struct Validator::Defaults {
  const Country* country = nullptr;  // null: no usable default
  int calling_code = 0;
  // The region libphonenumber parses with: the country's alpha-2, or "ZZ".
  const std::string* region = nullptr;
};

Validator::Validator(const Countries& countries, ValidatorEngine engine)
    : countries_(countries),
      engine_(engine),
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

void Validator::Count(Counter c) const {
  // A stripe per thread, picked once: the thread's address is as good a
  // spread as any and costs nothing to read.
  thread_local const size_t stripe =
      std::hash<const void*>{}(&stripe) / 64 % kStripes;
  counts_[stripe].n[c].fetch_add(1, std::memory_order_relaxed);
}

ValidatorCounts Validator::counts() const {
  std::array<int64_t, kCounters> sum{};
  for (const Stripe& s : counts_) {
    for (int c = 0; c < kCounters; ++c) {
      sum[c] += s.n[c].load(std::memory_order_relaxed);
    }
  }
  ValidatorCounts out;
  out.compiled = sum[kCompiled];
  out.parse_fallback = sum[kParseFallback];
  out.format_fallback = sum[kFormatFallback];
  out.libphonenumber = sum[kLibphonenumber];
  out.not_parsed = sum[kNotParsed];
  return out;
}

PhoneResult Validator::Validate(std::string_view number,
                                std::string_view default_alpha3,
                                const OutputFormat& format) const {
  PhoneResult result;
  Defaults d;
  d.region = &UnknownRegion();
  if (!default_alpha3.empty()) {
    d.country = countries_.ByAlpha3(default_alpha3);
    if (d.country != nullptr) {
      d.calling_code = util_.GetCountryCodeForRegion(d.country->alpha2);
      // iso-codes knows some countries libphonenumber has no plan for (e.g.
      // Antarctica, AQ); it could parse nothing written nationally for them,
      // so such a default counts as no default at all.
      if (d.calling_code == 0) d.country = nullptr;
    }
    if (d.country != nullptr) d.region = &d.country->alpha2;
  }

  // libphonenumber's Java and JavaScript editions refuse inputs longer than
  // 250 characters (MAX_INPUT_STRING_LENGTH) before parsing; the C++ edition
  // does not, and its regexes are quadratic in the input length (1,000
  // characters cost ~16 ms). Applying the same limit keeps one hostile batch
  // from tying up the workers.
  // The Java edition's parse answers TOO_LONG for such input, so the
  // reason is libphonenumber's too.
  const std::string_view trimmed = TrimAscii(number);
  if (trimmed.empty() || trimmed.size() > kMaxInputLength) {
    result.invalid_reason =
        trimmed.empty() ? InvalidReason::kEmpty : InvalidReason::kTooLong;
    Count(kNotParsed);
    return result;
  }

  // Reused per thread: Parse() wants a std::string, and on the hot path a
  // fresh one per number would mostly be a heap allocation.
  thread_local std::string input;
  if (d.country != nullptr) {
    input.assign(number);
  } else {
    ReadAsInternational(number, &input);
  }
  if (engine_ == ValidatorEngine::kCompiled) {
    if (ValidateWithEngine(input, d, format, &result)) return result;
    Count(kParseFallback);
  } else {
    Count(kLibphonenumber);
  }
  ValidateWithLibphonenumber(input, d, format, &result);
  return result;
}

// The country fields: one region for the calling code names it whatever the
// number; on a shared code (+1, +44, +7, ...) a valid number's own region
// (`region_of()`, GetRegionCodeForNumber) does; an invalid one there says
// nothing, and the caller's default is the best guess when it fits.
template <typename RegionOf>
void Validator::FillCountry(int calling_code, const Defaults& d,
                            RegionOf region_of, PhoneResult* r) const {
  r->country_prefix = std::to_string(calling_code);
  const CallingCodeInfo* info =
      calling_code > 0 && calling_code <= kMaxCallingCode
          ? &calling_codes_[calling_code]
          : nullptr;
  const Country* country = nullptr;
  if (info != nullptr && info->region_count == 1) {
    country = info->country;
  } else if (r->valid) {
    country = countries_.ByAlpha2(region_of());
  } else if (d.country != nullptr && calling_code == d.calling_code) {
    country = d.country;
  }
  if (country != nullptr) {
    r->country_iso = country->alpha3;
    r->country_name = country->name;
  }
}

// The number libphonenumber's Parse would have built, from the engine's
// parse: what libphonenumber's Format needs (no second Parse).
PhoneNumber ToPhoneNumber(const engine::ParsedNumber& p) {
  PhoneNumber n;
  n.set_country_code(p.calling_code);
  n.set_national_number(p.national_number);
  if (p.italian_leading_zero) {
    n.set_italian_leading_zero(true);
    if (p.number_of_leading_zeros != 1) {
      n.set_number_of_leading_zeros(p.number_of_leading_zeros);
    }
  }
  if (!p.extension().empty()) n.set_extension(std::string(p.extension()));
  return n;
}

bool Validator::FormatWithEngine(int calling_code, std::string_view nsn,
                                 std::string_view extension,
                                 const OutputFormat& format,
                                 std::string* out) const {
  engine::FormattedNumber text;
  engine::FormatStatus status = engine::FormatStatus::kOutOfScope;
  switch (format.kind) {
    case OutputFormat::Kind::kNational:
      status = engine::Format(calling_code, nsn, extension,
                              engine::FormatStyle::kNational, &text);
      break;
    case OutputFormat::Kind::kInternational:
      status = engine::Format(calling_code, nsn, extension,
                              engine::FormatStyle::kInternational, &text);
      break;
    case OutputFormat::Kind::kDialledFrom: {
      // The engine's FormatOutOfCountryCallingNumber writes no extension.
      if (!extension.empty()) return false;
      // An unknown origin: libphonenumber's fallback, INTERNATIONAL.
      const Country* from = countries_.ByAlpha3(format.from_alpha3);
      status = engine::FormatOutOfCountryCallingNumber(
          calling_code, nsn, from != nullptr ? from->alpha2 : "ZZ", &text);
      break;
    }
    case OutputFormat::Kind::kE164:
    case OutputFormat::Kind::kPlusE164:
      break;  // written by the caller
  }
  if (status != engine::FormatStatus::kOk) return false;
  out->assign(text.view());
  return true;
}

bool Validator::ValidateWithEngine(const std::string& input, const Defaults& d,
                                   const OutputFormat& format,
                                   PhoneResult* r) const {
  const engine::ParsedNumber p = engine::Parse(input, *d.region);
  using Outcome = engine::ParsedNumber::Outcome;
  if (p.outcome == Outcome::kOutOfScope) return false;
  if (p.outcome == Outcome::kError) {
    r->invalid_reason =
        FromParseError(static_cast<PhoneNumberUtil::ErrorType>(p.error));
    Count(kCompiled);
    return true;
  }
  const int cc = p.calling_code;
  const std::string_view nsn = p.national_significant_number();
  // E.164 is the calling code and the national significant number, which is
  // all libphonenumber's Format(E164) writes for a parsed number.
  std::string& e164 = r->validated_phone_number;
  e164 = std::to_string(cc);
  e164.append(nsn);
  bool engine_only = true;
  switch (format.kind) {
    case OutputFormat::Kind::kE164:
      r->formatted_phone_number = e164;
      break;
    case OutputFormat::Kind::kPlusE164:
      r->formatted_phone_number = "+" + e164;
      break;
    default:
      if (!FormatWithEngine(cc, nsn, p.extension(), format,
                            &r->formatted_phone_number)) {
        FormatWithLibphonenumber(ToPhoneNumber(p), format,
                                 &r->formatted_phone_number);
        engine_only = false;
      }
  }
  const engine::NumberType type = engine::GetNumberType(cc, nsn);
  r->valid = type != engine::NumberType::kUnknown;
  r->phone_type =
      ToPhoneType(static_cast<PhoneNumberUtil::PhoneNumberType>(type));
  if (!r->valid) {
    r->invalid_reason =
        FromPossibility(static_cast<PhoneNumberUtil::ValidationResult>(
            engine::IsPossibleNumberWithReason(cc, nsn)));
  }
  r->confidence = OfflineConfidence(r->valid);
  FillCountry(
      cc, d,
      [&]() -> std::string {
        std::optional<engine::NumberingPlan> plan =
            engine::NumberingPlan::ForNumber(cc, nsn);
        return plan ? std::string(plan->region_code()) : std::string();
      },
      r);
  Count(engine_only ? kCompiled : kFormatFallback);
  return true;
}

void Validator::ValidateWithLibphonenumber(const std::string& input,
                                           const Defaults& d,
                                           const OutputFormat& format,
                                           PhoneResult* r) const {
  PhoneNumber parsed;
  const PhoneNumberUtil::ErrorType error =
      util_.Parse(input, *d.region, &parsed);
  if (error != PhoneNumberUtil::NO_PARSING_ERROR) {
    r->invalid_reason = FromParseError(error);
    return;
  }

  // E.164 ("+4412...") minus the '+': the contract fills it even for invalid
  // numbers, so that a client can see what was read.
  std::string& e164 = r->validated_phone_number;
  util_.Format(parsed, PhoneNumberUtil::E164, &e164);
  if (format.kind == OutputFormat::Kind::kPlusE164) {
    r->formatted_phone_number = e164;
  } else if (format.kind != OutputFormat::Kind::kE164) {
    FormatWithLibphonenumber(parsed, format, &r->formatted_phone_number);
  }
  if (!e164.empty() && e164.front() == '+') e164.erase(0, 1);
  if (format.kind == OutputFormat::Kind::kE164) {
    r->formatted_phone_number = e164;
  }

  // GetNumberType() is UNKNOWN exactly when IsValidNumber() is false (both
  // match the national number against the same region's patterns), so one
  // call answers both and the pattern matching, the costly part, runs once.
  // validator_test checks the equivalence against IsValidNumber().
  const PhoneNumberUtil::PhoneNumberType type = util_.GetNumberType(parsed);
  r->valid = type != PhoneNumberUtil::UNKNOWN;
  r->phone_type = ToPhoneType(type);
  // Only for the numbers that are not valid, so valid ones pay nothing.
  if (!r->valid) {
    r->invalid_reason =
        FromPossibility(util_.IsPossibleNumberWithReason(parsed));
  }
  r->confidence = OfflineConfidence(r->valid);
  FillCountry(
      parsed.country_code(), d,
      [&] {
        std::string region;
        util_.GetRegionCodeForNumber(parsed, &region);
        return region;
      },
      r);
}

void Validator::FormatWithLibphonenumber(const PhoneNumber& n,
                                         const OutputFormat& format,
                                         std::string* out) const {
  switch (format.kind) {
    case OutputFormat::Kind::kNational:
      util_.Format(n, PhoneNumberUtil::NATIONAL, out);
      break;
    case OutputFormat::Kind::kInternational:
      util_.Format(n, PhoneNumberUtil::INTERNATIONAL, out);
      break;
    case OutputFormat::Kind::kDialledFrom: {
      // An unknown origin gets libphonenumber's own fallback for regions it
      // does not know: the INTERNATIONAL format.
      const Country* from = countries_.ByAlpha3(format.from_alpha3);
      util_.FormatOutOfCountryCallingNumber(
          n, from != nullptr ? from->alpha2 : UnknownRegion(), out);
      break;
    }
    case OutputFormat::Kind::kE164:
    case OutputFormat::Kind::kPlusE164:
      util_.Format(n, PhoneNumberUtil::E164, out);
      break;
  }
}

}  // namespace phonebulk::phone
