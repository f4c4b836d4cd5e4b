#ifndef PHONEBULK_LOOKUP_PROTOCOL_H_
#define PHONEBULK_LOOKUP_PROTOCOL_H_

// The JSON bodies of the lookup protocol (docs/lookup-protocol.md), both
// directions, so that the client (HttpLookupSource) and the simulator agree
// by construction. Pure functions; thread-safe.

#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "lookup/source.h"

namespace phonebulk::lookup {

// True for 1 to 15 ASCII digits (E.164 without '+').
bool IsE164Digits(std::string_view number);

// {"numbers":["447400123456",...]}. Callers pass E.164 digits only.
std::string EncodeLookupRequest(std::span<const std::string> numbers);

// Parses a request body. InvalidArgument unless it is a UTF-8 JSON object
// whose "numbers" is an array of 1..max_numbers E.164-digit strings.
absl::StatusOr<std::vector<std::string>> ParseLookupRequest(
    std::string_view body, size_t max_numbers);

// {"results":[...]} with every non-empty field of each answer.
std::string EncodeLookupResults(std::span<const LookupAnswer> answers);

// Parses a 200 answer to a request for `asked`. result[i] answers asked[i].
// The whole answer is rejected (InvalidArgument, nothing answered) when it
// is not valid UTF-8 JSON, or any result is malformed: a missing or
// non-string "number", a "status" outside the six names, a known optional
// field of the wrong type, or an "mccmnc" that is not 5-6 digits. JSON null
// counts as a missing optional field; unknown fields are ignored so that
// providers can add some. Results for numbers not asked are ignored, and
// the first of duplicate results wins.
absl::StatusOr<std::vector<std::optional<LookupAnswer>>> ParseLookupResults(
    std::string_view body, std::span<const std::string> asked);

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_PROTOCOL_H_
