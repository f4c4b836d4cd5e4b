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
// (SerializeConfig/ParseStoredConfig), and that same JSON is shown back in
// `metadata.batch_config`: one codec for both.
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

// Compact JSON in the contract's `metadata.batch_config` shape, for storage
// and for the status view; ParseStoredConfig(SerializeConfig(c)) == c.
std::string SerializeConfig(const BatchConfig& config);
absl::StatusOr<BatchConfig> ParseStoredConfig(std::string_view json);

// The one reader of OutputFormat::Name()'s names: "E164", "PLUS_E164",
// "NATIONAL", "INTERNATIONAL" in any ASCII case, or any three ASCII letters
// as a dialled-from alpha-3 code (upper-cased, not checked against the
// country table: a request's parser does that, ParseOutputFormat in
// create_request.h; storage must not). nullopt for anything else.
std::optional<phone::OutputFormat> ParseOutputFormatName(std::string_view text);

// The contract's pattern for Reference-Id and batch_reference_id:
// 1..256 characters of ^[\w\-\/\:\.\,\(\) ]+$ (ASCII word characters).
bool IsValidReferenceId(std::string_view text);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_CONFIG_H_
