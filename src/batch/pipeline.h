#ifndef PHONEBULK_BATCH_PIPELINE_H_
#define PHONEBULK_BATCH_PIPELINE_H_

#include <span>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "batch/config.h"
#include "lookup/source.h"
#include "model/batch.h"
#include "phone/enricher.h"
#include "phone/types.h"
#include "phone/validator.h"

namespace phonebulk::batch {

// The validator, enricher and live-status source every caller shares.
struct Engine {
  const phone::Validator& validator;
  const phone::Enricher* enricher = nullptr;  // null: validation only
  lookup::LookupSource* live = nullptr;       // null: offline only
  // The operator's number-portability file (`phonebulk porting import`,
  // batch/porting_source.h), asked about every valid number; null: none.
  lookup::LookupSource* porting = nullptr;
};

// The per-number pipeline shared by bulk batches, the real-time endpoint and
// the offline CLI, so the three always answer alike: validate with
// libphonenumber, add offline intelligence, then apply the request's
// options. `country_iso` is the phone's own override or empty. Thread-safe.
phone::PhoneResult ProcessPhone(const Engine& engine, std::string_view number,
                                std::string_view country_iso,
                                const BatchConfig& config);

// One phone's result and what it costs (batch/credits.h).
struct PhoneOutcome {
  phone::PhoneResult result;
  int64_t charge = 1;
};

// The whole pipeline for a group of phones (a chunk, or the one number of a
// real-time call): ProcessPhone for each, then the portability file's facts
// for the valid ones, then one live-status lookup for the numbers that
// qualify (batch/live_status.h), answered or not by `deadline`; a live
// answer wins over the file. A number the source does not answer keeps its
// offline result and is not charged for a lookup. Thread-safe.
std::vector<PhoneOutcome> ProcessPhones(
    const Engine& engine, std::span<const model::PhoneInput> phones,
    const BatchConfig& config, absl::Time deadline);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_PIPELINE_H_
