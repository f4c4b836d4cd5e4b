#include "client/input_scan.h"

#include <algorithm>

#include "client/csv_io.h"
#include "client/result_row.h"
#include "common/strings.h"

namespace phonebulk::client {
namespace {

// At most this many bad rows are named, one line each.
constexpr int64_t kBadRowWarnings = 10;

}  // namespace

RowKind InputColumns::Classify(std::span<const std::string> f) const {
  if (phone >= static_cast<int>(f.size()) || f[phone].empty()) {
    return RowKind::kEmpty;
  }
  // JSON (the create body) cannot carry other bytes; cells that are only
  // copied to the output may hold anything.
  const bool country_ok = country < 0 ||
                          country >= static_cast<int>(f.size()) ||
                          IsValidUtf8(f[country]);
  return IsValidUtf8(f[phone]) && country_ok ? RowKind::kSend : RowKind::kBad;
}

absl::StatusOr<InputScan> ScanInput(const std::string& path, char delimiter,
                                    const std::string& column,
                                    const std::string& country_column,
                                    std::FILE* warnings) {
  InputScan scan;
  InputColumns& cols = scan.columns;
  bool have_header = false;
  CsvReadOptions csv;
  csv.delimiter = delimiter;
  absl::Status s = ReadCsvFile(path, csv, [&](const CsvRecord& r) {
    std::span<const std::string> f = r.fields;
    if (r.index == 0) {
      have_header = true;
      cols.header_width = cols.width = f.size();
      for (size_t c = 0; c < f.size(); ++c) {
        if (f[c] == column) cols.phone = static_cast<int>(c);
        if (!country_column.empty() && f[c] == country_column) {
          cols.country = static_cast<int>(c);
        }
      }
      return cols.phone >= 0;
    }
    cols.width = std::max(cols.width, f.size());
    scan.short_rows += f.size() < cols.header_width;
    scan.long_rows += f.size() > cols.header_width;
    const RowKind kind = cols.Classify(f);
    scan.phones += kind == RowKind::kSend;
    if (kind == RowKind::kBad && ++scan.bad_rows <= kBadRowWarnings &&
        warnings != nullptr) {
      std::fprintf(warnings,
                   "submit: line %lld: a cell is not valid UTF-8; the row is "
                   "not sent (confidence %s)\n",
                   static_cast<long long>(r.line), kBadRowConfidence);
    }
    return true;
  });
  if (!s.ok()) return s;
  if (!have_header) {
    return absl::InvalidArgumentError(path +
                                      ": empty file (a header row is needed)");
  }
  if (cols.phone < 0) {
    return absl::InvalidArgumentError("the header of " + path +
                                      " has no column '" + column + "'");
  }
  if (!country_column.empty() && cols.country < 0) {
    return absl::InvalidArgumentError(
        "the header of " + path + " has no column '" + country_column + "'");
  }
  return scan;
}

std::vector<std::string> ExtraColumnNames(std::span<const std::string> header,
                                          size_t width) {
  std::vector<std::string> names;
  for (size_t c = header.size(); c < width; ++c) {
    std::string name = "extra_" + std::to_string(c + 1);
    while (std::find(header.begin(), header.end(), name) != header.end()) {
      name += "_";
    }
    names.push_back(std::move(name));
  }
  return names;
}

}  // namespace phonebulk::client
