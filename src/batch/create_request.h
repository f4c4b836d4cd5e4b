#ifndef PHONEBULK_BATCH_CREATE_REQUEST_H_
#define PHONEBULK_BATCH_CREATE_REQUEST_H_

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/config.h"
#include "phone/countries.h"
#include "model/batch.h"

namespace phonebulk::batch {

inline constexpr size_t kMaxPhonesPerBatch = 10'000;
inline constexpr size_t kMaxNumberLength = 1'000;

// A validated `POST /phone/bulk/v1/batches` body.
struct CreateBatchRequest {
  BatchConfig config;
  std::string batch_reference_id;  // empty when not given
  std::vector<model::PhoneInput> phones;
};

// Parses and validates a create body (untrusted input: fuzzed). On any
// problem returns InvalidArgument whose message is a sentence naming the
// field, e.g. "phones[17].country_iso: 'XYZ' is not an ISO 3166 alpha-3 code".
// Rejects invalid UTF-8, unknown fields, wrong types, 0 or > 10,000 phones,
// numbers over 1,000 characters, unknown countries and formats, and
// durations outside PT1M..PT24H. Country codes are normalised to upper case.
absl::StatusOr<CreateBatchRequest> ParseCreateBatchRequest(
    std::string_view body, const phone::Countries& countries);

// Parses an output_format value: "E164", "PLUS_E164", "NATIONAL",
// "INTERNATIONAL" or an alpha-3 country code (any case). nullopt otherwise.
std::optional<phone::OutputFormat> ParseOutputFormat(
    std::string_view text, const phone::Countries& countries);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_CREATE_REQUEST_H_
