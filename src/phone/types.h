#ifndef PHONEBULK_PHONE_TYPES_H_
#define PHONEBULK_PHONE_TYPES_H_

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace phonebulk::phone {

// The contract's phone types. Names are the wire strings ("mobile", ...).
enum class PhoneType {
  kMobile,
  kLandline,
  kMobileOrLandline,
  kTollFree,
  kPremium,
  kSharedCost,
  kVoip,
  kPersonalNumber,
  kPager,
  kUniversalAccessNumber,
  kVoicemail,
  kUnknown,
};

// Confidences in the contract's order; `statistics` lists them in this order.
enum class Confidence {
  kVerified,
  kAbsent,
  kTeleserviceNotProvisioned,
  kUnverified,
  kUnknown,
  kNoCoverage,
  kDead,
  kUnprocessed,
};
inline constexpr int kConfidenceCount = 8;

// Which API a value is written for. The two speak different words for the
// same value: bulk answers in lower case ("mobile or landline"), the
// real-time endpoint in the provider's sentence case ("Mobile or landline",
// "VoIP"), which its SDKs match case-sensitively.
enum class WireApi { kBulk, kRealTime };

// One internal value's word in each API. The tables below are the only
// place either API's words are written down; nothing derives one from the
// other (a rule such as upper-casing each word gets "Voip" and "Voicemail"
// wrong).
struct WireWords {
  std::string_view bulk;
  std::string_view real_time;
  std::string_view In(WireApi api) const {
    return api == WireApi::kBulk ? bulk : real_time;
  }
};

// Indexed by the enum's value. kUnprocessed only occurs in stopped batches,
// never in a real-time answer; its real-time word exists for completeness.
std::span<const WireWords> PhoneTypeWords();
std::span<const WireWords> ConfidenceWords();
// The words of the string-valued fields is_ported, network_status,
// original_network_status, disposable_number and ported_date. Internally
// these fields hold the bulk word ("yes", "not applicable").
std::span<const WireWords> StatusWords();

std::string_view PhoneTypeWord(PhoneType type, WireApi api);
std::string_view ConfidenceWord(Confidence confidence, WireApi api);
// `internal` (a bulk word from StatusWords) in `api`'s words; any other text
// (a ported date, an empty string) is returned unchanged.
std::string_view StatusWord(std::string_view internal, WireApi api);

// The bulk words, which are also how results are stored: "mobile or
// landline", "teleservice not provisioned".
std::string_view PhoneTypeName(PhoneType type);
std::string_view ConfidenceName(Confidence confidence);
// Inverse of the *Name functions; nullopt for anything else.
std::optional<PhoneType> PhoneTypeFromName(std::string_view name);
std::optional<Confidence> ConfidenceFromName(std::string_view name);

// Why a number is not valid (the `reason` of include=validity), from
// libphonenumber's own verdicts: its parse errors and, for a number that
// parses but is not valid, IsPossibleNumberWithReason(). kNone: valid (or a
// result stored before reasons were kept).
enum class InvalidReason {
  kNone,
  kEmpty,               // blank input: valid is "empty", not "no"
  kInvalidCountryCode,  // INVALID_COUNTRY_CODE(_ERROR)
  kNotANumber,          // NOT_A_NUMBER
  kTooShort,            // TOO_SHORT_AFTER_IDD, TOO_SHORT_NSN, TOO_SHORT
  kTooLong,             // TOO_LONG_NSN, TOO_LONG, past the input cap
  kInvalidLength,       // INVALID_LENGTH
  kLocalOnly,           // IS_POSSIBLE_LOCAL_ONLY
  kNoSuchRange,         // IS_POSSIBLE, yet not valid: no range allocated
};

// The words of each reason, indexed by the enum's value: the same in both
// APIs, and the form results are stored in, so a word never changes (add a
// reason instead). kNone's word is "".
std::span<const std::string_view> InvalidReasonWords();
std::string_view InvalidReasonWord(InvalidReason reason);
// Inverse of InvalidReasonWord ("" is kNone); nullopt for anything else.
std::optional<InvalidReason> InvalidReasonFromWord(std::string_view word);

// The `valid` word of include=validity: "yes", "no", or "empty" for blank
// input.
std::string_view ValidityWord(bool valid, InvalidReason reason);

// How `formatted_phone_number` is written.
struct OutputFormat {
  enum class Kind {
    kE164,           // "12026298914"
    kPlusE164,       // "+12026298914"
    kNational,       // "(202) 629-8914"
    kInternational,  // "+1 202-629-8914" (our extension)
    kDialledFrom,    // as dialled from `from_alpha3`: "00 1 202-629-8914"
  };
  Kind kind = Kind::kE164;
  std::string from_alpha3;  // only for kDialledFrom, upper case

  // The canonical wire name: "E164", "PLUS_E164", ..., or the alpha-3 code.
  std::string Name() const;
  bool operator==(const OutputFormat&) const = default;
};

// The kind named `name` (upper case) when it is one of the fixed names
// OutputFormat::Name() writes: E164, PLUS_E164, NATIONAL, INTERNATIONAL.
std::optional<OutputFormat::Kind> FixedOutputFormatKind(std::string_view name);

// What validation of one submitted number yields. Strings are empty when a
// value is unknown; the JSON views leave such metadata fields out.
struct PhoneResult {
  // E.164 digits without '+', set whenever the input could be parsed.
  std::string validated_phone_number;
  std::string formatted_phone_number;
  PhoneType phone_type = PhoneType::kUnknown;
  Confidence confidence = Confidence::kUnverified;
  bool valid = false;
  // Why not valid; kNone when valid (validator.h).
  InvalidReason invalid_reason = InvalidReason::kNone;
  // Country of the number as libphonenumber sees it (empty when unknown).
  std::string country_prefix;  // calling code, e.g. "44"
  std::string country_name;    // from iso-codes, e.g. "United Kingdom"
  std::string country_iso;     // ISO 3166 alpha-3, e.g. "GBR"
  // "not applicable" / "unknown" / an ISO time; filled only on request.
  std::string ported_date;
  std::string disposable_number = "unknown";  // "yes" or "unknown"

  // Offline intelligence (phone/enricher.h). Empty when not known; the
  // original_ fields describe the range the number was allocated from, the
  // others where it is now, equal until a porting source says otherwise.
  std::string original_operator_name;
  std::string operator_name;
  std::string original_home_network_identity;  // MCC+MNC, e.g. "23415"
  std::string home_network_identity;
  // Only a live-status source knows these; offline they stay empty.
  std::string original_network_status;
  std::string network_status;
  // "yes", "no" or "unknown"; empty for numbers that are not valid.
  std::string is_ported;
  std::string email_to_sms_address;
  std::string email_to_mms_address;
  // Opt-in extensions (include=location,time_zones).
  std::string location;                 // e.g. "Colchester"
  std::vector<std::string> time_zones;  // e.g. {"Europe/London"}
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_TYPES_H_
