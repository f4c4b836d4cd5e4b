#include "files/upload_preview.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <span>

#include "client/csv_io.h"
#include "common/strings.h"

namespace phonebulk::files {
namespace {

// Enough to find the end of any real header line; a longer first line is
// measured on its first 64 KiB.
constexpr size_t kHeaderProbeBytes = 64 * 1024;
constexpr size_t kMaxPreviewCellBytes = 256;

// Lower case with spaces, '-' and '.' made '_', so "Phone Number",
// "phone-number" and "PHONE_NUMBER" compare equal.
std::string Canonical(std::string_view name) {
  std::string out = ToLowerAscii(TrimAscii(name));
  for (char& c : out) {
    if (c == ' ' || c == '-' || c == '.') c = '_';
  }
  return out;
}

std::string Suggest(const std::vector<std::string>& columns,
                    std::span<const std::string_view> exact,
                    std::span<const std::string_view> contains) {
  for (const std::string& column : columns) {
    const std::string name = Canonical(column);
    if (std::find(exact.begin(), exact.end(), name) != exact.end()) {
      return column;
    }
  }
  for (const std::string& column : columns) {
    const std::string name = Canonical(column);
    for (std::string_view keyword : contains) {
      if (name.find(keyword) != std::string::npos) return column;
    }
  }
  return "";
}

// The first line of the file (without BOM and line end), at most
// kHeaderProbeBytes of it.
std::string FirstLine(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string probe(kHeaderProbeBytes, '\0');
  in.read(probe.data(), static_cast<std::streamsize>(probe.size()));
  probe.resize(static_cast<size_t>(in.gcount()));
  if (probe.starts_with("\xEF\xBB\xBF")) probe.erase(0, 3);
  // Blank lines before the header are skipped by the reader too.
  size_t start = probe.find_first_not_of("\r\n");
  if (start == std::string::npos) return "";
  probe.erase(0, start);
  size_t end = probe.find_first_of("\r\n");
  if (end != std::string::npos) probe.resize(end);
  return probe;
}

}  // namespace

char DetectDelimiter(std::string_view header_line) {
  constexpr std::array<char, 4> kCandidates = {',', ';', '\t', '|'};
  std::array<int, 4> counts{};
  bool quoted = false;
  for (char c : header_line) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    for (size_t i = 0; i < kCandidates.size(); ++i) {
      if (c == kCandidates[i]) ++counts[i];
    }
  }
  size_t best = 0;
  for (size_t i = 1; i < kCandidates.size(); ++i) {
    if (counts[i] > counts[best]) best = i;
  }
  return kCandidates[best];
}

std::string SuggestPhoneColumn(const std::vector<std::string>& columns) {
  constexpr std::string_view kExact[] = {
      "phone",  "phone_number", "phonenumber", "mobile", "mobile_number",
      "msisdn", "telephone",    "tel",         "cell",   "number"};
  constexpr std::string_view kContains[] = {"phone", "mobile", "msisdn", "tel"};
  return Suggest(columns, kExact, kContains);
}

std::string SuggestCountryColumn(const std::vector<std::string>& columns) {
  constexpr std::string_view kExact[] = {"country", "country_iso",
                                         "country_code", "iso", "cc"};
  constexpr std::string_view kContains[] = {"country"};
  return Suggest(columns, kExact, kContains);
}

absl::StatusOr<UploadPreview> ReadUploadPreview(const std::string& path) {
  UploadPreview preview;
  const std::string first = FirstLine(path);
  if (TrimAscii(first).empty()) {
    return absl::InvalidArgumentError(
        "the file is empty: upload a CSV file whose first line is a header "
        "row naming its columns");
  }
  preview.delimiter = DetectDelimiter(first);
  client::CsvReadOptions options;
  options.delimiter = preview.delimiter;
  absl::Status header_problem;
  absl::Status s =
      client::ReadCsvFile(path, options, [&](const client::CsvRecord& record) {
        if (record.index == 0) {
          bool any = false;
          for (const std::string& cell : record.fields) {
            if (!IsValidUtf8(cell)) {
              header_problem = absl::InvalidArgumentError(
                  "the header row is not UTF-8 (column " +
                  std::to_string(preview.columns.size() + 1) +
                  "): save the file as UTF-8 CSV and upload it again");
              return false;
            }
            any = any || !TrimAscii(cell).empty();
            preview.columns.push_back(cell);
          }
          if (!any) {
            header_problem = absl::InvalidArgumentError(
                "the first line is not a header row (all its cells are "
                "empty): the first line must name the columns");
            return false;
          }
          return true;
        }
        std::vector<std::string>& row = preview.rows.emplace_back();
        for (const std::string& cell : record.fields) {
          row.push_back(SafeText(cell, kMaxPreviewCellBytes));
        }
        return static_cast<int>(preview.rows.size()) < kPreviewRows;
      });
  if (!header_problem.ok()) return header_problem;
  if (!s.ok()) {
    return absl::InvalidArgumentError("the file is not readable as CSV: " +
                                      SafeText(std::string(s.message())));
  }
  if (preview.columns.empty()) {
    return absl::InvalidArgumentError(
        "the file is empty: upload a CSV file whose first line is a header "
        "row naming its columns");
  }
  preview.suggested_phone_column = SuggestPhoneColumn(preview.columns);
  preview.suggested_country_column = SuggestCountryColumn(preview.columns);
  return preview;
}

}  // namespace phonebulk::files
