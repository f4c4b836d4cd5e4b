#ifndef PHONEBULK_API_CSV_VIEWS_H_
#define PHONEBULK_API_CSV_VIEWS_H_

#include <string>

#include "batch/service.h"

namespace phonebulk::api {

// The results answer as CSV (our extension, `Accept: text/csv`): a header
// row, then one row per phone of `results.phones` in submission order.
// Columns: `number` (the submitted number), then batch::ResultColumns(
// add_metadata, get_ported_date). RFC 4180: CRLF line ends, fields quoted
// only when they need it; UTF-8 without a BOM. While the batch is submitted
// or processing `phones` is empty, so the answer is the header row alone.
// `validity` (include=validity) adds the valid and reason columns.
std::string BatchResultsCsv(const batch::BatchResults& results,
                            bool add_metadata, bool validity = false);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_CSV_VIEWS_H_
