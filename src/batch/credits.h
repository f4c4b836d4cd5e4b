#ifndef PHONEBULK_BATCH_CREDITS_H_
#define PHONEBULK_BATCH_CREDITS_H_

#include <cstdint>
#include <string_view>

#include "absl/status/status.h"
#include "batch/config.h"
#include "phone/types.h"

namespace phonebulk::batch {

// What processing `records` phones under `config` can cost at most: one
// credit a phone, one more a phone when ported dates are asked for, and one
// more a phone when supplementary live status is asked for. `start`
// reserves this much so that a batch can never overdraw its account.
int64_t WorstCaseCharge(const BatchConfig& config, int64_t records);

// What one processed phone costs: one credit, one more when a ported date
// (an actual date, not "unknown"/"not applicable") is returned, and one more
// when a supplementary live-status lookup was made for it.
int64_t ChargeForPhone(const phone::PhoneResult& result,
                       bool supplementary_lookup_made);

// The caller's refusal when the store found the account short (its
// ResourceExhausted `store_status`): "not enough credits <for_what>: <the
// store's reason>; add credits with 'phonebulk account credit'<then>". One
// wording, so every refusal points at the same remedy.
absl::Status NotEnoughCredits(std::string_view for_what,
                              const absl::Status& store_status,
                              std::string_view then = "");

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_CREDITS_H_
