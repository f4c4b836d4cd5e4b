#include "batch/live_status.h"

#include <algorithm>
#include <string>

namespace phonebulk::batch {
namespace {

bool Listed(const std::vector<std::string>& countries,
            const std::string& alpha3) {
  return !alpha3.empty() && std::find(countries.begin(), countries.end(),
                                      alpha3) != countries.end();
}

// The contract's network_status values: "available" for a subscriber the
// network can reach, "unavailable" for one it knows but cannot, and nothing
// when the source does not know.
std::string NetworkStatusFor(lookup::LiveStatus status) {
  switch (status) {
    case lookup::LiveStatus::kLive:
      return "available";
    case lookup::LiveStatus::kAbsent:
    case lookup::LiveStatus::kNoCoverage:
    case lookup::LiveStatus::kNoTeleservice:
      return "unavailable";
    case lookup::LiveStatus::kDead:
      return "dead";
    case lookup::LiveStatus::kUnknown:
      return "";
  }
  return "";
}

}  // namespace

LookupPlan PlanLookup(const phone::PhoneResult& r, const BatchConfig& config) {
  LookupPlan plan;
  if (!r.valid) return plan;
  const bool mobile = r.phone_type == phone::PhoneType::kMobile;
  const bool either = r.phone_type == phone::PhoneType::kMobileOrLandline;
  const bool landline = r.phone_type == phone::PhoneType::kLandline;
  plan.lookup = mobile || either;
  if (config.supplementary_live_status.has_value()) {
    const SupplementaryLiveStatus& sls = *config.supplementary_live_status;
    if (((mobile || either) && Listed(sls.mobile, r.country_iso)) ||
        ((landline || either) && Listed(sls.landline, r.country_iso))) {
      plan.lookup = true;
      plan.supplementary = true;
    }
  }
  return plan;
}

phone::Confidence ConfidenceFor(lookup::LiveStatus status) {
  switch (status) {
    case lookup::LiveStatus::kLive:
      return phone::Confidence::kVerified;
    case lookup::LiveStatus::kAbsent:
      return phone::Confidence::kAbsent;
    case lookup::LiveStatus::kDead:
      return phone::Confidence::kDead;
    case lookup::LiveStatus::kNoTeleservice:
      return phone::Confidence::kTeleserviceNotProvisioned;
    case lookup::LiveStatus::kNoCoverage:
      return phone::Confidence::kNoCoverage;
    case lookup::LiveStatus::kUnknown:
      return phone::Confidence::kUnknown;
  }
  return phone::Confidence::kUnknown;
}

void ApplyAnswer(const lookup::LookupAnswer& a, bool get_ported_date,
                 phone::PhoneResult* r) {
  r->confidence = ConfidenceFor(a.status);
  std::string network = NetworkStatusFor(a.status);
  if (!network.empty()) {
    r->network_status = network;
    // The source reports one network state for the subscriber; without a
    // port it is also the original network's.
    if (a.ported != true) r->original_network_status = network;
  }
  if (!a.original_operator_name.empty()) {
    r->original_operator_name = a.original_operator_name;
  }
  if (!a.operator_name.empty()) r->operator_name = a.operator_name;
  if (!a.mccmnc.empty()) r->home_network_identity = a.mccmnc;
  if (a.ported.has_value()) r->is_ported = *a.ported ? "yes" : "no";
  if (get_ported_date) {
    if (a.ported == true && !a.ported_date.empty()) {
      r->ported_date = a.ported_date;
    } else if (a.ported == false) {
      r->ported_date = "not applicable";
    }
  }
}

}  // namespace phonebulk::batch
