#include "phone/types.h"

#include <array>

#include "common/name_table.h"

namespace phonebulk::phone {
namespace {

// Indexed by the enum's value; the static_asserts below keep the tables in
// step with the enums when a value is added. Real-time words are the
// provider's, exactly as its SDKs compare them.
constexpr std::array<WireWords, 12> kPhoneTypeWords = {{
    {"mobile", "Mobile"},
    {"landline", "Landline"},
    {"mobile or landline", "Mobile or landline"},
    {"toll free", "Toll free"},
    {"premium", "Premium"},
    {"shared cost", "Shared cost"},
    {"voip", "VoIP"},
    {"personal number", "Personal number"},
    {"pager", "Pager"},
    {"universal access number", "Universal access number"},
    {"voicemail", "Voicemail only"},
    {"unknown", "Unknown"},
}};
static_assert(kPhoneTypeWords.size() ==
              static_cast<size_t>(PhoneType::kUnknown) + 1);

constexpr std::array<WireWords, kConfidenceCount> kConfidenceWords = {{
    {"verified", "Verified"},
    {"absent", "Absent"},
    {"teleservice not provisioned", "Teleservice not provisioned"},
    {"unverified", "Unverified"},
    {"unknown", "Unknown"},
    {"no coverage", "No coverage"},
    {"dead", "Dead"},
    {"unprocessed", "Unprocessed"},
}};
static_assert(kConfidenceWords.size() ==
              static_cast<size_t>(Confidence::kUnprocessed) + 1);

// Every word the string-valued fields can hold: is_ported (yes/no/unknown),
// network_status (batch/live_status.cc), disposable_number (yes/unknown),
// ported_date's words (not applicable/unknown).
constexpr std::array<WireWords, 7> kStatusWords = {{
    {"yes", "Yes"},
    {"no", "No"},
    {"unknown", "Unknown"},
    {"available", "Available"},
    {"unavailable", "Unavailable"},
    {"dead", "Dead"},
    {"not applicable", "Not applicable"},
}};

// Person-readable: these are shown to whoever reads a results file.
constexpr std::array<std::string_view, 9> kInvalidReasonWords = {{
    "",
    "no number given",
    "invalid country code",
    "not a number",
    "too short",
    "too long",
    "invalid length for the country",
    "local number only: add the area code",
    "no such number range",
}};
static_assert(kInvalidReasonWords.size() ==
              static_cast<size_t>(InvalidReason::kNoSuchRange) + 1);

// The formats with a fixed name; kDialledFrom is named by its country.
constexpr auto kOutputFormatNames = MakeNameTable<OutputFormat::Kind>({
    {OutputFormat::Kind::kE164, "E164"},
    {OutputFormat::Kind::kPlusE164, "PLUS_E164"},
    {OutputFormat::Kind::kNational, "NATIONAL"},
    {OutputFormat::Kind::kInternational, "INTERNATIONAL"},
});

// The value of the enum `E` whose bulk word is `name`, where `words` is
// indexed by the enum's value.
template <typename E>
std::optional<E> FromBulkWord(std::span<const WireWords> words,
                              std::string_view name) {
  for (size_t i = 0; i < words.size(); ++i) {
    if (words[i].bulk == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

}  // namespace

std::span<const WireWords> PhoneTypeWords() { return kPhoneTypeWords; }
std::span<const WireWords> ConfidenceWords() { return kConfidenceWords; }
std::span<const WireWords> StatusWords() { return kStatusWords; }

std::string_view PhoneTypeWord(PhoneType type, WireApi api) {
  const auto i = static_cast<size_t>(type);
  // An out-of-range value can only come from a bad cast; "unknown" is the
  // honest answer and keeps the wire format valid.
  return (i < kPhoneTypeWords.size() ? kPhoneTypeWords[i]
                                     : kPhoneTypeWords.back())
      .In(api);
}

std::string_view ConfidenceWord(Confidence confidence, WireApi api) {
  const auto i = static_cast<size_t>(confidence);
  return (i < kConfidenceWords.size()
              ? kConfidenceWords[i]
              : kConfidenceWords[static_cast<size_t>(Confidence::kUnknown)])
      .In(api);
}

std::string_view StatusWord(std::string_view internal, WireApi api) {
  for (const WireWords& words : kStatusWords) {
    if (words.bulk == internal) return words.In(api);
  }
  return internal;
}

std::string_view PhoneTypeName(PhoneType type) {
  return PhoneTypeWord(type, WireApi::kBulk);
}

std::string_view ConfidenceName(Confidence confidence) {
  return ConfidenceWord(confidence, WireApi::kBulk);
}

std::optional<PhoneType> PhoneTypeFromName(std::string_view name) {
  return FromBulkWord<PhoneType>(kPhoneTypeWords, name);
}

std::optional<Confidence> ConfidenceFromName(std::string_view name) {
  return FromBulkWord<Confidence>(kConfidenceWords, name);
}

std::span<const std::string_view> InvalidReasonWords() {
  return kInvalidReasonWords;
}

std::string_view InvalidReasonWord(InvalidReason reason) {
  const auto i = static_cast<size_t>(reason);
  return i < kInvalidReasonWords.size() ? kInvalidReasonWords[i] : "";
}

std::optional<InvalidReason> InvalidReasonFromWord(std::string_view word) {
  for (size_t i = 0; i < kInvalidReasonWords.size(); ++i) {
    if (kInvalidReasonWords[i] == word) return static_cast<InvalidReason>(i);
  }
  return std::nullopt;
}

std::string_view ValidityWord(bool valid, InvalidReason reason) {
  if (valid) return "yes";
  return reason == InvalidReason::kEmpty ? "empty" : "no";
}

std::optional<OutputFormat::Kind> FixedOutputFormatKind(std::string_view name) {
  return kOutputFormatNames.ValueOf(name);
}

std::string OutputFormat::Name() const {
  if (kind == Kind::kDialledFrom) return from_alpha3;
  return std::string(kOutputFormatNames.NameOf(kind, "E164"));
}

}  // namespace phonebulk::phone
