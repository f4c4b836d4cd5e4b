#ifndef PHONEBULK_BATCH_CONFIG_H_
#define PHONEBULK_BATCH_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "phone/types.h"

namespace phonebulk::batch {

// Countries (alpha-3) whose numbers get a supplementary live-status lookup.
struct SupplementaryLiveStatus {
  std::vector<std::string> mobile;
  std::vector<std::string> landline;
  bool operator==(const SupplementaryLiveStatus&) const = default;
};

// A batch's `defaults`, after validation. Stored with the batch as JSON
// (Serialize/ParseStored) and shown back in `metadata.batch_config`.
struct BatchConfig {
  phone::OutputFormat output_format;  // E164 unless given
  std::string country_iso;            // alpha-3 upper case; empty = none
  bool get_ported_date = false;
  std::optional<SupplementaryLiveStatus> supplementary_live_status;
  // As given ("PT25M") and as a duration; both unset when not given.
  std::optional<std::string> max_processing_time;
  std::optional<absl::Duration> max_processing_duration;

  bool operator==(const BatchConfig&) const = default;
};

// Compact JSON for storage; ParseStored(Serialize(c)) == c.
std::string SerializeConfig(const BatchConfig& config);
absl::StatusOr<BatchConfig> ParseStoredConfig(std::string_view json);

// The contract's pattern for Reference-Id and batch_reference_id:
// 1..256 characters of ^[\w\-\/\:\.\,\(\) ]+$ (ASCII word characters).
bool IsValidReferenceId(std::string_view text);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_CONFIG_H_
