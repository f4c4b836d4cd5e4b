#ifndef PHONEBULK_CLIENT_INPUT_SCAN_H_
#define PHONEBULK_CLIENT_INPUT_SCAN_H_

// The first pass of `phonebulk submit` over its input: finds the columns,
// decides what becomes of each row, and measures the rows, so that every
// later pass (batching, stitching) treats a row the same way and every
// output row has the same width. Pure functions; thread-safe.

#include <cstdint>
#include <cstdio>
#include <span>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/input_rules.h"

namespace phonebulk::client {

// What becomes of an input row.
enum class RowKind {
  kSend,        // its number goes into a batch
  kEmpty,       // no phone cell (or a short row without one): "empty"
  kBad,         // a cell not valid UTF-8, or a number over the API's 1,000
                // characters: "bad_row", not sent
  kBadCountry,  // a country cell that names no country: "bad_country", not
                // sent
  kDuplicate,   // the same (number, country) as an earlier kSend row: not
                // sent, that row's answer is copied
};

// The API's limit on a number's length (code points); a longer one would
// make the server refuse the whole batch.
inline constexpr size_t kMaxNumberChars = 1000;

struct InputColumns {
  int phone = -1;
  int country = -1;  // -1 without --country-column
  size_t header_width = 0;
  // Every output row has `width` input columns: the widest row's. Short
  // rows are padded with empty cells, so result columns never shift.
  size_t width = 0;

  // The row's kind ignoring duplicates (never kDuplicate). For kSend,
  // `*alpha3` (if not null) gets the row's country as an alpha-3 code, ""
  // when its country cell is blank or there is no country column.
  RowKind Classify(std::span<const std::string> fields,
                   std::string* alpha3 = nullptr) const;
};

struct InputScan {
  InputColumns columns;
  bool dedupe = true;
  DuplicateIndex duplicates;   // filled only when `dedupe`
  int64_t phones = 0;          // rows of kind kSend (numbers to send)
  int64_t duplicate_rows = 0;  // rows of kind kDuplicate
  int64_t short_rows = 0;      // fewer cells than the header
  int64_t long_rows = 0;       // more cells than the header
  int64_t bad_rows = 0;        // rows of kind kBad
  int64_t bad_country_rows = 0;

  // The row's kind including duplicates (data row `row`, 0-based), with
  // its country as in Classify and its duplicate key in `*key` (if not
  // null) for kSend and kDuplicate. Every pass over the input calls this,
  // so all of them cut the same batches.
  RowKind Plan(std::span<const std::string> fields, int64_t row,
               std::string* alpha3, std::string* key) const;
};

// Reads `path` once. Names the first rows that are not sent, with their
// line, on `warnings` (if not null). Columns are found by FindColumn (case
// and surrounding spaces ignored). Errors (InvalidArgument): malformed CSV,
// an empty file, a header without `column` or a non-empty `country_column`.
absl::StatusOr<InputScan> ScanInput(const std::string& path, char delimiter,
                                    const std::string& column,
                                    const std::string& country_column,
                                    bool dedupe, std::FILE* warnings);

// Header names for the columns of long rows beyond the header: extra_<n>
// (n the 1-based position), made unique against the header's own names.
std::vector<std::string> ExtraColumnNames(std::span<const std::string> header,
                                          size_t width);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_INPUT_SCAN_H_
