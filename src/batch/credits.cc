#include "batch/credits.h"

#include <string>

namespace phonebulk::batch {

int64_t WorstCaseCharge(const BatchConfig& config, int64_t records) {
  int64_t per_phone = 1;
  if (config.get_ported_date) ++per_phone;
  const auto& sls = config.supplementary_live_status;
  if (sls.has_value() && (!sls->mobile.empty() || !sls->landline.empty())) {
    ++per_phone;
  }
  return per_phone * records;
}

int64_t ChargeForPhone(const phone::PhoneResult& result,
                       bool supplementary_lookup_made) {
  int64_t charge = 1;
  // A returned date starts with a digit; the two words do not cost extra.
  if (!result.ported_date.empty() && result.ported_date[0] >= '0' &&
      result.ported_date[0] <= '9') {
    ++charge;
  }
  if (supplementary_lookup_made) ++charge;
  return charge;
}

absl::Status NotEnoughCredits(std::string_view for_what,
                              const absl::Status& store_status,
                              std::string_view then) {
  std::string message = "not enough credits ";
  message.append(for_what).append(": ");
  message.append(store_status.message().data(), store_status.message().size());
  message.append("; add credits with 'phonebulk account credit'").append(then);
  return absl::ResourceExhaustedError(message);
}

}  // namespace phonebulk::batch
