#ifndef PHONEBULK_CLIENT_CSV_IO_H_
#define PHONEBULK_CLIENT_CSV_IO_H_

// Streaming CSV input and output for the bulk client. Input is parsed with
// libcsv through a fixed buffer, so a file of any size is read in constant
// memory (one record at a time). Functions here are stateless and
// thread-compatible.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <span>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "common/strings.h"

namespace phonebulk::client {

// One record as the reader hands it over. `fields` is valid only during
// the callback.
struct CsvRecord {
  std::span<const std::string> fields;
  int64_t index = 0;  // 0-based; the header is record 0
  int64_t line = 0;   // 1-based line (counted by LF) where the record starts
};

struct CsvReadOptions {
  char delimiter = ',';
  // libcsv's default: spaces and tabs around unquoted fields are dropped.
  // The client keeps every byte (false); `porting import` trims (true).
  bool trim_spaces = false;
  // A longer field is an error: almost always an unbalanced quote
  // swallowing the rest of the file, and refusing it keeps memory bounded.
  size_t max_field_bytes = 1 << 20;
};

// Return false to stop reading early.
using CsvRecordVisitor = std::function<bool(const CsvRecord& record)>;

// Reads CSV from `file` (RFC 4180: quoted fields may hold the delimiter,
// doubled quotes and line breaks) through a fixed buffer, skipping a
// leading UTF-8 BOM. Blank lines are skipped (libcsv does not report them)
// but counted in `line`. Errors (InvalidArgument, message starting with
// "line N: "): a field over the cap, a quoted field never closed before
// the end of the file. Bytes are passed on as they are (no UTF-8 check).
absl::Status ReadCsv(std::FILE* file, const CsvReadOptions& options,
                     const CsvRecordVisitor& on_record);

// Opens `path` and reads it as above (NotFound when it cannot be opened).
absl::Status ReadCsvFile(const std::string& path, const CsvReadOptions& options,
                         const CsvRecordVisitor& on_record);

// Called with each record's fields and its 0-based record index (the header
// is record 0). Return false to stop reading early.
using CsvRecordFn =
    std::function<bool(std::span<const std::string> fields, int64_t index)>;

// ReadCsvFile with the client's options (bytes kept, 1 MiB field cap) for
// callers that need no line numbers.
absl::Status ReadCsvFile(const std::string& path, char delimiter,
                         const CsvRecordFn& on_record);

// AppendCsvField(field, delimiter, out): common/strings.h's, the one CSV
// writer rule for the client and the server's CSV views.
using ::phonebulk::AppendCsvField;

// Appends the fields joined by `delimiter` (no line terminator).
void AppendCsvFields(std::span<const std::string> fields, char delimiter,
                     std::string* out);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_CSV_IO_H_
