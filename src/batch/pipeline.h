#ifndef PHONEBULK_BATCH_PIPELINE_H_
#define PHONEBULK_BATCH_PIPELINE_H_

#include <string_view>

#include "batch/config.h"
#include "phone/enricher.h"
#include "phone/types.h"
#include "phone/validator.h"

namespace phonebulk::batch {

// The validator and the enricher every caller of ProcessPhone shares.
struct Engine {
  const phone::Validator& validator;
  const phone::Enricher* enricher = nullptr;  // null: validation only
};

// The per-number pipeline shared by bulk batches, the real-time endpoint and
// the offline CLI, so the three always answer alike: validate with
// libphonenumber, add offline intelligence, then apply the request's
// options. `country_iso` is the phone's own override or empty. Thread-safe.
phone::PhoneResult ProcessPhone(const Engine& engine, std::string_view number,
                                std::string_view country_iso,
                                const BatchConfig& config);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_PIPELINE_H_
