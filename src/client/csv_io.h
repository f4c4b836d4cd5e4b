#ifndef PHONEBULK_CLIENT_CSV_IO_H_
#define PHONEBULK_CLIENT_CSV_IO_H_

// Streaming CSV input and output for the bulk client. Input is parsed with
// libcsv through a fixed buffer, so a file of any size is read in constant
// memory (one record at a time). Functions here are stateless and
// thread-compatible.

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace phonebulk::client {

// Called with each record's fields and its 0-based record index (the header
// is record 0). Return false to stop reading early.
using CsvRecordFn =
    std::function<bool(std::span<const std::string> fields, int64_t index)>;

// Reads the CSV file at `path` (RFC 4180: quoted fields may hold the
// delimiter, doubled quotes and line breaks), skipping a leading UTF-8 BOM.
// Unquoted fields are kept byte for byte (no trimming of spaces). Blank
// lines are skipped by libcsv. Errors: unreadable file, malformed input
// (over-long field, usually an unbalanced quote).
absl::Status ReadCsvFile(const std::string& path, char delimiter,
                         const CsvRecordFn& on_record);

// Appends `field` to `out`, quoted (RFC 4180) when it holds the delimiter,
// a quote, CR or LF, or is only an unquoted-ambiguous empty-looking value.
void AppendCsvField(std::string_view field, char delimiter, std::string* out);

// Appends the fields joined by `delimiter` (no line terminator).
void AppendCsvFields(std::span<const std::string> fields, char delimiter,
                     std::string* out);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_CSV_IO_H_
