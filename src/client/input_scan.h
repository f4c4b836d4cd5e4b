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

namespace phonebulk::client {

// What becomes of an input row.
enum class RowKind {
  kSend,   // its number goes into a batch
  kEmpty,  // no phone cell (or a short row without one): "empty"
  kBad,    // phone or country cell not valid UTF-8: "bad_row", not sent
};

struct InputColumns {
  int phone = -1;
  int country = -1;  // -1 without --country-column
  size_t header_width = 0;
  // Every output row has `width` input columns: the widest row's. Short
  // rows are padded with empty cells, so result columns never shift.
  size_t width = 0;

  RowKind Classify(std::span<const std::string> fields) const;
};

struct InputScan {
  InputColumns columns;
  int64_t phones = 0;      // rows of kind kSend
  int64_t short_rows = 0;  // fewer cells than the header
  int64_t long_rows = 0;   // more cells than the header
  int64_t bad_rows = 0;    // rows of kind kBad
};

// Reads `path` once. Names the first bad rows with their line on
// `warnings` (if not null). Errors (InvalidArgument): malformed CSV, an
// empty file, a header without `column` or a non-empty `country_column`.
absl::StatusOr<InputScan> ScanInput(const std::string& path, char delimiter,
                                    const std::string& column,
                                    const std::string& country_column,
                                    std::FILE* warnings);

// Header names for the columns of long rows beyond the header: extra_<n>
// (n the 1-based position), made unique against the header's own names.
std::vector<std::string> ExtraColumnNames(std::span<const std::string> header,
                                          size_t width);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_INPUT_SCAN_H_
