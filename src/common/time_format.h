#ifndef PHONEBULK_COMMON_TIME_FORMAT_H_
#define PHONEBULK_COMMON_TIME_FORMAT_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

namespace phonebulk {

// "2025-09-10T01:02:03.004005Z": ISO-8601 UTC with microseconds, as the
// contract writes every time.
std::string FormatIsoTime(absl::Time t);

// Parses an ISO-8601 duration of the restricted form the contract needs:
// PnDTnHnMnS with whole numbers (e.g. "PT25M", "PT1H30M", "P1D").
// Returns nullopt when the text is not such a duration.
std::optional<absl::Duration> ParseIsoDuration(std::string_view text);

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_TIME_FORMAT_H_
