#ifndef PHONEBULK_BATCH_VALIDATE_REQUEST_H_
#define PHONEBULK_BATCH_VALIDATE_REQUEST_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "batch/config.h"
#include "phone/countries.h"
#include "rapidjson/document.h"

namespace phonebulk::batch {

// cache_value_days may ask for answers up to 30 days old (the provider's
// specification's range); the store keeps cached answers no longer than
// that (Processor purges older ones).
inline constexpr int kMaxCacheValueDays = 30;

// A validated `POST /phone/validate/v2` body.
struct ValidateRequest {
  std::string number;  // as sent; never empty or only spaces
  // output_format, country_iso (the country to assume; empty = none),
  // get_ported_date and supplementary_live_status, in the shape the shared
  // per-number pipeline (batch/pipeline.h) takes them.
  BatchConfig config;
  // Whether the answer carries `disposable_number`. Off by default: unlike
  // the bulk results, the real-time answer only has it on request.
  bool get_disposable_number = false;
  // Answer from a stored result younger than this many days for the same
  // number and options. 0 (the default) means always a fresh answer.
  int cache_value_days = 0;
};

// Parses and validates a real-time body (untrusted input):
// {"number": string (required, not empty or only spaces, <= 1,000
// characters), "country_iso"?, "output_format"?, "get_ported_date"?,
// "get_disposable_number"?, "supplementary_live_status"?,
// "cache_value_days"? (integer 0..30)}. Unlike a bulk phone, an empty
// number is refused: a one-number call without one is a client's mistake.
// On any problem returns InvalidArgument whose message names the field,
// e.g. "country_iso: 'XYZ' is not an ISO 3166 alpha-3 code". Rejects invalid
// UTF-8, unknown or repeated fields and wrong types, with the same rules and
// sentences as the bulk create body (batch/create_request.h). Country codes
// are normalised to upper case.
absl::StatusOr<ValidateRequest> ParseValidateRequest(
    std::string_view body, const phone::Countries& countries);
// The same for a body already parsed into a JSON value (the XML and
// MessagePack bodies are turned into one); the same rules and sentences.
absl::StatusOr<ValidateRequest> ParseValidateRequest(
    const rapidjson::Value& object, const phone::Countries& countries);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_VALIDATE_REQUEST_H_
