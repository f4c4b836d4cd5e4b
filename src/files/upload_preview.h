#ifndef PHONEBULK_FILES_UPLOAD_PREVIEW_H_
#define PHONEBULK_FILES_UPLOAD_PREVIEW_H_

// What the upload of a file job answers about the file: its delimiter, its
// columns, its first rows and the columns that look like phone numbers and
// countries. Read with the client's CSV reader (client/csv_io.h), the one
// `phonebulk submit` reads the whole file with, so the preview shows the
// cells the job will see. Pure functions of the file; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"

namespace phonebulk::files {

// Rows shown after the header.
inline constexpr int kPreviewRows = 10;

struct UploadPreview {
  char delimiter = ',';
  std::vector<std::string> columns;            // the header row
  std::vector<std::vector<std::string>> rows;  // up to kPreviewRows
  std::string suggested_phone_column;          // "" when none looks like one
  std::string suggested_country_column;        // "" when none looks like one
};

// The delimiter of a header line: whichever of , ; TAB | occurs most often
// outside double quotes, the first of them in that order on a tie; ','
// when none occurs (a one-column file). `header_line` is the file's first line without its end.
char DetectDelimiter(std::string_view header_line);

// The phone and country columns a person most likely means, by name
// ("phone", "mobile", "msisdn", ...; "country", "country_iso", ...): an
// exact name (ASCII case and spaces ignored) wins over a name that only
// contains a keyword; "" when none matches.
std::string SuggestPhoneColumn(const std::vector<std::string>& columns);
std::string SuggestCountryColumn(const std::vector<std::string>& columns);

// Reads the preview of the CSV file at `path`. InvalidArgument, with a
// detail a person can act on, when the file is empty (or blank), has no
// header row (every header cell empty), its header is not UTF-8, or the
// CSV is malformed within the rows read (the detail names the line).
// Preview cells that are not UTF-8 are shown cleaned (SafeText), as the
// answer is JSON; the job itself keeps every byte.
absl::StatusOr<UploadPreview> ReadUploadPreview(const std::string& path);

}  // namespace phonebulk::files

#endif  // PHONEBULK_FILES_UPLOAD_PREVIEW_H_
