#include "model/result_schema.h"

#include <array>

namespace phonebulk::model {
namespace {

using phone::PhoneResult;

constexpr Section kPhone = Section::kPhone;
constexpr Section kMeta = Section::kMetadata;
constexpr Presence kAlways = Presence::kAlways;

// One row per field, in Field order. Short storage keys keep 10,000-phone
// batches small on disk; they are the keys results have always been stored
// under, so no migration is needed.
constexpr std::array<FieldSpec, 23> kFields = {{
    {Field::kValidatedPhoneNumber, "validated_phone_number", "v", kPhone,
     kAlways, Value::kText, &PhoneResult::validated_phone_number, nullptr},
    {Field::kFormattedPhoneNumber, "formatted_phone_number", "f", kPhone,
     kAlways, Value::kText, &PhoneResult::formatted_phone_number, nullptr},
    {Field::kPhoneType, "phone_type", "t", kPhone, kAlways, Value::kPhoneType,
     nullptr, nullptr},
    {Field::kConfidence, "confidence", "c", kPhone, kAlways, Value::kConfidence,
     nullptr, nullptr},
    {Field::kPortedDate, "ported_date", "pd", kPhone, Presence::kWithPortedDate,
     Value::kStatusWord, &PhoneResult::ported_date, nullptr},
    {Field::kDisposableNumber, "disposable_number", "dn", kPhone,
     Presence::kWithDisposable, Value::kStatusWord,
     &PhoneResult::disposable_number, nullptr},
    // Our extension (include=validity): "valid" has always been stored, as
    // "ok"; the reason is stored since it was added, so results stored
    // before have no reason ("") and valid "yes" or "no".
    {Field::kValid, "valid", "ok", kPhone, Presence::kWithValidity,
     Value::kValidity, nullptr, &PhoneResult::valid},
    {Field::kReason, "reason", "vr", kPhone, Presence::kWithValidity,
     Value::kReason, nullptr, nullptr},
    {Field::kOriginalOperatorName, "original_operator_name", "oo", kMeta,
     kAlways, Value::kText, &PhoneResult::original_operator_name, nullptr},
    {Field::kOriginalNetworkStatus, "original_network_status", "os", kMeta,
     kAlways, Value::kStatusWord, &PhoneResult::original_network_status,
     nullptr},
    {Field::kOriginalHomeNetworkIdentity, "original_home_network_identity",
     "on", kMeta, kAlways, Value::kText,
     &PhoneResult::original_home_network_identity, nullptr},
    // Offline, the original country is the current one: no porting source
    // moves a number between countries, so these read the current members
    // and are not stored twice.
    {Field::kOriginalCountryPrefix, "original_country_prefix", "", kMeta,
     kAlways, Value::kText, &PhoneResult::country_prefix, nullptr},
    {Field::kOriginalCountryName, "original_country_name", "", kMeta, kAlways,
     Value::kText, &PhoneResult::country_name, nullptr},
    {Field::kOriginalCountryIso, "original_country_iso", "", kMeta, kAlways,
     Value::kText, &PhoneResult::country_iso, nullptr},
    {Field::kOperatorName, "operator_name", "op", kMeta, kAlways, Value::kText,
     &PhoneResult::operator_name, nullptr},
    {Field::kNetworkStatus, "network_status", "ns", kMeta, kAlways,
     Value::kStatusWord, &PhoneResult::network_status, nullptr},
    {Field::kHomeNetworkIdentity, "home_network_identity", "nw", kMeta, kAlways,
     Value::kText, &PhoneResult::home_network_identity, nullptr},
    {Field::kCountryPrefix, "country_prefix", "cp", kMeta, kAlways,
     Value::kText, &PhoneResult::country_prefix, nullptr},
    {Field::kCountryName, "country_name", "cn", kMeta, kAlways, Value::kText,
     &PhoneResult::country_name, nullptr},
    {Field::kCountryIso, "country_iso", "ci", kMeta, kAlways, Value::kText,
     &PhoneResult::country_iso, nullptr},
    {Field::kIsPorted, "is_ported", "ip", kMeta, kAlways, Value::kStatusWord,
     &PhoneResult::is_ported, nullptr},
    {Field::kEmailToSmsAddress, "email_to_sms_address", "es", kMeta, kAlways,
     Value::kText, &PhoneResult::email_to_sms_address, nullptr},
    {Field::kEmailToMmsAddress, "email_to_mms_address", "em", kMeta, kAlways,
     Value::kText, &PhoneResult::email_to_mms_address, nullptr},
}};

constexpr bool RowsFollowTheEnum() {
  for (size_t i = 0; i < kFields.size(); ++i) {
    if (static_cast<size_t>(kFields[i].field) != i) return false;
  }
  return true;
}
static_assert(RowsFollowTheEnum(), "kFields rows must be in Field order");
static_assert(kFields.back().field == Field::kEmailToMmsAddress,
              "a Field was added without a row");

// PhoneFields() and MetadataFields() are slices of the table.
constexpr size_t kPhoneCount = 8;
constexpr size_t kMetadataCount = 15;
static_assert(kFields[kPhoneCount - 1].section == Section::kPhone &&
              kFields[kPhoneCount].section == Section::kMetadata &&
              kFields[kPhoneCount + kMetadataCount - 1].section ==
                  Section::kMetadata &&
              kPhoneCount + kMetadataCount == kFields.size());

}  // namespace

std::span<const FieldSpec> Fields() { return kFields; }

const FieldSpec& Spec(Field field) {
  return kFields[static_cast<size_t>(field)];
}

std::string_view Name(Field field) { return Spec(field).name; }

std::span<const FieldSpec> PhoneFields() {
  return Fields().subspan(0, kPhoneCount);
}

std::span<const FieldSpec> MetadataFields() {
  return Fields().subspan(kPhoneCount, kMetadataCount);
}

bool Included(const FieldSpec& spec, bool ported_date, bool disposable,
              bool validity) {
  switch (spec.presence) {
    case Presence::kAlways:
      return true;
    case Presence::kWithPortedDate:
      return ported_date;
    case Presence::kWithDisposable:
      return disposable;
    case Presence::kWithValidity:
      return validity;
  }
  return true;
}

std::string_view WireValue(const FieldSpec& spec, const phone::PhoneResult& r,
                           phone::WireApi api) {
  switch (spec.value) {
    case Value::kText:
      return r.*spec.text;
    case Value::kStatusWord:
      return phone::StatusWord(r.*spec.text, api);
    case Value::kPhoneType:
      return phone::PhoneTypeWord(r.phone_type, api);
    case Value::kConfidence:
      return phone::ConfidenceWord(r.confidence, api);
    case Value::kValidity:
      return phone::ValidityWord(r.*spec.flag, r.invalid_reason);
    case Value::kReason:
      return phone::InvalidReasonWord(r.invalid_reason);
  }
  return "";
}

std::string_view UnprocessedValue(const FieldSpec& spec) {
  return spec.value == Value::kConfidence
             ? phone::ConfidenceName(phone::Confidence::kUnprocessed)
             : std::string_view();
}

bool SetFromBulkWord(const FieldSpec& spec, std::string_view word,
                     phone::PhoneResult* r) {
  switch (spec.value) {
    case Value::kText:
    case Value::kStatusWord:
      r->*spec.text = std::string(word);
      return true;
    case Value::kPhoneType: {
      auto type = phone::PhoneTypeFromName(word);
      if (type.has_value()) r->phone_type = *type;
      return type.has_value();
    }
    case Value::kConfidence: {
      auto confidence = phone::ConfidenceFromName(word);
      if (confidence.has_value()) r->confidence = *confidence;
      return confidence.has_value();
    }
    case Value::kReason: {
      auto reason = phone::InvalidReasonFromWord(word);
      if (reason.has_value()) r->invalid_reason = *reason;
      return reason.has_value();
    }
    case Value::kValidity:
      return false;
  }
  return false;
}

}  // namespace phonebulk::model
