#ifndef PHONEBULK_BATCH_RESULT_COLUMNS_H_
#define PHONEBULK_BATCH_RESULT_COLUMNS_H_

#include <string>
#include <string_view>
#include <vector>

#include "batch/config.h"
#include "batch/service.h"

namespace phonebulk::batch {

// The result columns of a phone as CSV for the server's `Accept: text/csv`
// results. Columns and values derive from the result schema
// (model/result_schema.h), as the JSON views and the bulk client's columns
// do, so none of them can drift apart. Pure functions; thread-safe.
//
// Column order follows the JSON answer, flattened: validated_phone_number,
// formatted_phone_number, phone_type, confidence, ported_date (only when
// `ported_date`), disposable_number, then with `metadata` the contract's
// fifteen metadata fields in contract order. With `validity`
// (include=validity) valid and reason follow disposable_number, as in the
// JSON answer. The submitted number is not a result column: the server puts
// it first as `number`, the client keeps the input row instead.
std::vector<std::string_view> ResultColumns(bool metadata, bool ported_date,
                                            bool validity = false);

// Appends `value` to `out` as one RFC 4180 field: quoted when it holds a
// comma, a double quote, CR or LF, with inner quotes doubled.
void AppendCsvField(std::string_view value, std::string* out);

// Appends the result columns of `phone` (as ResultColumns(metadata,
// config.get_ported_date, validity) names them) to `out`, separated by
// commas, with no leading comma and no line end. An unprocessed phone gets
// confidence `unprocessed` and empty strings elsewhere, as in the JSON answer;
// an unknown metadata field is an empty cell.
void AppendResultRow(const PhoneView& phone, const BatchConfig& config,
                     bool metadata, bool validity, std::string* out);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_RESULT_COLUMNS_H_
