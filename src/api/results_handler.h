#ifndef PHONEBULK_API_RESULTS_HANDLER_H_
#define PHONEBULK_API_RESULTS_HANDLER_H_

// Private to src/api: the query and Accept rules of
// GET /phone/bulk/v1/batches/{id}/results (docs/results-extensions.md).

#include <optional>
#include <string_view>

#include "absl/status/statusor.h"
#include "batch/service.h"

namespace phonebulk::api {

// The most phones one page may ask for: a whole batch.
inline constexpr int64_t kMaxResultsLimit = 10000;

// Reads `offset` (>= 0) and `limit` (1..10000) from a request target's
// query. nullopt when neither is there, so callers can tell "no paging"
// (the contract's answer, untouched) from "page 0". InvalidArgument names
// the query parameter.
absl::StatusOr<std::optional<batch::ResultsPage>> ParsePaging(
    std::string_view target);

enum class ResultsFormat { kJson, kCsv };

// Content negotiation for results only: CSV when the Accept header lists
// text/csv before any range that admits JSON (application/json,
// application/*, */*) or without one; JSON when it is absent or a
// JSON-admitting range comes first; nullopt (406) otherwise. q-values are
// ignored: the listed order decides, which keeps the rule predictable.
std::optional<ResultsFormat> ChooseResultsFormat(std::string_view accept);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_RESULTS_HANDLER_H_
