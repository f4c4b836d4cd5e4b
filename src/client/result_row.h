#ifndef PHONEBULK_CLIENT_RESULT_ROW_H_
#define PHONEBULK_CLIENT_RESULT_ROW_H_

// The result columns the client appends to each input row, and how one
// result phone (a JSON object from GET …/results) becomes those fields.
// Stateless; thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace phonebulk::client {

// The confidence written for rows whose phone cell is empty (not sent).
inline constexpr char kEmptyConfidence[] = "empty";
// The confidence written for rows whose phone or country cell is not valid
// UTF-8 (not sent: JSON cannot carry it), or whose number is longer than the
// API accepts.
inline constexpr char kBadRowConfidence[] = "bad_row";
// The confidence written for rows whose country cell names no country (not
// sent: the server would refuse the whole batch for it).
inline constexpr char kBadCountryConfidence[] = "bad_country";

// The appended column names, from the result schema (model/result_schema.h)
// in contract order, the same as the server's CSV result columns
// (docs/results-extensions.md) for a batch without get_ported_date:
// validated_phone_number, formatted_phone_number, phone_type, confidence,
// disposable_number, with `validity` (include=validity, which submit always
// asks) valid and reason, then with `metadata` the 15 metadata fields of
// the API contract.
std::vector<std::string> ResultColumns(bool metadata, bool validity = false);

// The string at j[key], or "" when absent or not a string; line breaks are
// flattened to spaces, which keeps every result on one line.
std::string StringAt(const nlohmann::json& j, std::string_view key);

// Appends the result fields of `phone` (ResultColumns(metadata, validity)),
// each preceded by `delim`.
void AppendResultSuffix(const nlohmann::json& phone, bool metadata,
                        bool validity, char delim, std::string* out);

// The appended fields for a row that was not sent: empty values,
// `confidence` ("empty", "bad_row" or "bad_country") and with `validity`
// valid ("empty" for kEmptyConfidence, else "no") and `reason` (for an
// empty row, the server's reason for a blank number), each preceded by
// `delim`.
std::string EmptySuffix(bool metadata, bool validity, char delim,
                        std::string_view confidence = kEmptyConfidence,
                        std::string_view reason = {});

// The fields of a suffix made by AppendResultSuffix or EmptySuffix (with
// the same `delim`), unquoted, in column order.
std::vector<std::string> SuffixFields(std::string_view suffix, char delim);

// The `confidence` field of a suffix made by AppendResultSuffix (with the
// same `metadata` and `delim`), unquoted; "" if the suffix is too short.
// The summary counts the rows that copied an answer by it.
std::string ConfidenceInSuffix(std::string_view suffix, bool metadata,
                               char delim);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_RESULT_ROW_H_
