#include "phone/enricher.h"

#include "common/strings.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone {
namespace {

using ::i18n::phonenumbers::PhoneNumberUtil;

// libphonenumber's own rule for which numbers have a place: fixed lines,
// and mobiles only in the few countries where mobile ranges are regional.
bool IsGeographical(const PhoneResult& r) {
  PhoneNumberUtil::PhoneNumberType type;
  switch (r.phone_type) {
    case PhoneType::kLandline:
      type = PhoneNumberUtil::FIXED_LINE;
      break;
    case PhoneType::kMobileOrLandline:
      type = PhoneNumberUtil::FIXED_LINE_OR_MOBILE;
      break;
    case PhoneType::kMobile:
      type = PhoneNumberUtil::MOBILE;
      break;
    default:
      return false;
  }
  auto code = ParseInt(r.country_prefix);
  return code.has_value() &&
         PhoneNumberUtil::GetInstance()->IsNumberGeographical(
             type, static_cast<int>(*code));
}

}  // namespace

Enricher::Sources Enricher::BuiltInSources(const DisposableSource* disposable) {
  Sources s;
  s.operators = &OperatorTable::BuiltIn();
  s.time_zones = &TimeZoneTable::BuiltIn();
  s.geocoder = &Geocoder::Default();
  s.disposable = disposable;
  s.gateways = &EmailGateways::BuiltIn();
  return s;
}

void Enricher::Enrich(PhoneResult* r) const {
  if (!r->valid) return;
  const std::string& digits = r->validated_phone_number;
  // Without a porting source nobody knows whether the number moved; the
  // current operator is the one the range was allocated to.
  r->is_ported = "unknown";
  // libphonenumber's carrier mapper names operators only for these types:
  // a landline range's "carrier" is the allocation holder, not who serves
  // the line, so we do the same.
  const bool carrier_known_for_type =
      r->phone_type == PhoneType::kMobile ||
      r->phone_type == PhoneType::kMobileOrLandline ||
      r->phone_type == PhoneType::kPager;
  if (sources_.operators != nullptr && carrier_known_for_type) {
    if (auto op = sources_.operators->Lookup(digits)) {
      r->original_operator_name = std::string(op->name);
      r->operator_name = r->original_operator_name;
      r->original_home_network_identity = std::string(op->mccmnc);
      r->home_network_identity = r->original_home_network_identity;
    }
  }
  if (sources_.gateways != nullptr && !r->operator_name.empty() &&
      r->country_prefix == "1" && digits.size() == 11) {
    // North American gateways address the ten-digit national number.
    if (const auto* gw =
            sources_.gateways->Find(r->country_iso, r->operator_name)) {
      std::string national = digits.substr(1);
      if (!gw->sms_domain.empty()) {
        r->email_to_sms_address = national + "@" + gw->sms_domain;
      }
      if (!gw->mms_domain.empty()) {
        r->email_to_mms_address = national + "@" + gw->mms_domain;
      }
    }
  }
  if (sources_.disposable != nullptr &&
      sources_.disposable->Contains(digits, r->country_iso, r->operator_name)) {
    r->disposable_number = "yes";
  }
}

void Enricher::AddExtensions(PhoneResult* r,
                             const Extensions& extensions) const {
  if (!r->valid) return;
  if (extensions.location && sources_.geocoder != nullptr) {
    r->location = sources_.geocoder->Describe(r->validated_phone_number);
  }
  if (extensions.time_zones && sources_.time_zones != nullptr) {
    // As libphonenumber's time-zone mapper: a number with no place gets its
    // country's zones (the calling code's entry), not its range's.
    auto zones = sources_.time_zones->Lookup(
        IsGeographical(*r) ? std::string_view(r->validated_phone_number)
                           : std::string_view(r->country_prefix));
    r->time_zones.assign(zones.begin(), zones.end());
  }
}

}  // namespace phonebulk::phone
