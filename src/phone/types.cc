#include "phone/types.h"

#include <array>

namespace phonebulk::phone {
namespace {

// Indexed by the enum's value; the static_asserts below keep the tables in
// step with the enums when a value is added.
constexpr std::array<std::string_view, 12> kPhoneTypeNames = {
    "mobile",
    "landline",
    "mobile or landline",
    "toll free",
    "premium",
    "shared cost",
    "voip",
    "personal number",
    "pager",
    "universal access number",
    "voicemail",
    "unknown",
};
static_assert(kPhoneTypeNames.size() ==
              static_cast<size_t>(PhoneType::kUnknown) + 1);

constexpr std::array<std::string_view, kConfidenceCount> kConfidenceNames = {
    "verified",   "absent",      "teleservice not provisioned",
    "unverified", "unknown",     "no coverage",
    "dead",       "unprocessed",
};
static_assert(kConfidenceNames.size() ==
              static_cast<size_t>(Confidence::kUnprocessed) + 1);

bool IsAsciiLower(char c) { return c >= 'a' && c <= 'z'; }

}  // namespace

std::string_view PhoneTypeName(PhoneType type) {
  const auto i = static_cast<size_t>(type);
  // An out-of-range value can only come from a bad cast; "unknown" is the
  // honest answer and keeps the wire format valid.
  return i < kPhoneTypeNames.size() ? kPhoneTypeNames[i] : "unknown";
}

std::string_view ConfidenceName(Confidence confidence) {
  const auto i = static_cast<size_t>(confidence);
  return i < kConfidenceNames.size() ? kConfidenceNames[i] : "unknown";
}

std::string TitleCase(std::string_view lower) {
  std::string out(lower);
  bool word_start = true;
  for (char& c : out) {
    if (word_start && IsAsciiLower(c)) c = static_cast<char>(c - 'a' + 'A');
    word_start = (c == ' ');
  }
  return out;
}

std::optional<PhoneType> PhoneTypeFromName(std::string_view name) {
  for (size_t i = 0; i < kPhoneTypeNames.size(); ++i) {
    if (kPhoneTypeNames[i] == name) return static_cast<PhoneType>(i);
  }
  return std::nullopt;
}

std::optional<Confidence> ConfidenceFromName(std::string_view name) {
  for (size_t i = 0; i < kConfidenceNames.size(); ++i) {
    if (kConfidenceNames[i] == name) return static_cast<Confidence>(i);
  }
  return std::nullopt;
}

std::string OutputFormat::Name() const {
  switch (kind) {
    case Kind::kE164:
      return "E164";
    case Kind::kPlusE164:
      return "PLUS_E164";
    case Kind::kNational:
      return "NATIONAL";
    case Kind::kInternational:
      return "INTERNATIONAL";
    case Kind::kDialledFrom:
      return from_alpha3;
  }
  return "E164";
}

}  // namespace phonebulk::phone
