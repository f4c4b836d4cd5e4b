#ifndef PHONEBULK_BATCH_LIVE_STATUS_H_
#define PHONEBULK_BATCH_LIVE_STATUS_H_

#include "batch/config.h"
#include "lookup/source.h"
#include "phone/types.h"

namespace phonebulk::batch {

// Which numbers get a live-status lookup (docs/live-status.md):
//  - valid mobile and mobile-or-landline numbers, whenever a source is
//    configured (part of the normal charge);
//  - valid landline numbers of the countries in
//    supplementary_live_status.landline, and mobile numbers of the countries
//    in supplementary_live_status.mobile: these are supplementary lookups and
//    cost one extra credit each when the source answers.
struct LookupPlan {
  bool lookup = false;
  bool supplementary = false;
};
LookupPlan PlanLookup(const phone::PhoneResult& result,
                      const BatchConfig& config);

// The confidence a source's status stands for: live -> verified, absent,
// dead, no_teleservice -> teleservice not provisioned, no_coverage -> no
// coverage, unknown.
phone::Confidence ConfidenceFor(lookup::LiveStatus status);

// Overrides `result`'s offline values with what the source said: confidence,
// network status, current operator and network, porting state, and (when
// `get_ported_date`) the ported date or "not applicable". Fields the source
// left out keep their offline values.
void ApplyAnswer(const lookup::LookupAnswer& answer, bool get_ported_date,
                 phone::PhoneResult* result);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_LIVE_STATUS_H_
