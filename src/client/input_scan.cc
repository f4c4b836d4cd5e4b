#include "client/input_scan.h"

#include <algorithm>

#include "client/csv_io.h"
#include "client/result_row.h"
#include "common/strings.h"

namespace phonebulk::client {
namespace {

// At most this many rows that are not sent are named, one line each: the
// summary counts them all, and a file with a broken column should not
// bury the terminal.
constexpr int64_t kRowWarnings = 10;

}  // namespace

RowKind InputColumns::Classify(std::span<const std::string> f,
                               std::string* alpha3) const {
  if (phone >= static_cast<int>(f.size()) || f[phone].empty()) {
    return RowKind::kEmpty;
  }
  // JSON (the create body) cannot carry other bytes; cells that are only
  // copied to the output may hold anything.
  const bool has_country = country >= 0 &&
                           country < static_cast<int>(f.size()) &&
                           !IsBlank(f[country]);
  if (!IsValidUtf8(f[phone]) || (has_country && !IsValidUtf8(f[country]))) {
    return RowKind::kBad;
  }
  // The server refuses the whole batch for one such number.
  if (CodePoints(f[phone]) > kMaxNumberChars) return RowKind::kBad;
  if (!has_country) {
    if (alpha3 != nullptr) alpha3->clear();
    return RowKind::kSend;
  }
  const phone::Country* c = ResolveCountry(f[country]);
  if (c == nullptr) return RowKind::kBadCountry;
  if (alpha3 != nullptr) *alpha3 = c->alpha3;
  return RowKind::kSend;
}

RowKind InputScan::Plan(std::span<const std::string> f, int64_t row,
                        std::string* alpha3, std::string* key) const {
  std::string iso;
  const RowKind kind = columns.Classify(f, &iso);
  if (kind == RowKind::kSend && dedupe) {
    std::string k = DuplicateKey(f[columns.phone], iso);
    const bool repeat = duplicates.FirstRow(k) != row;
    if (key != nullptr) *key = std::move(k);
    if (alpha3 != nullptr) *alpha3 = std::move(iso);
    return repeat ? RowKind::kDuplicate : RowKind::kSend;
  }
  if (alpha3 != nullptr) *alpha3 = std::move(iso);
  return kind;
}

absl::StatusOr<InputScan> ScanInput(const std::string& path, char delimiter,
                                    const std::string& column,
                                    const std::string& country_column,
                                    bool dedupe, std::FILE* warnings) {
  InputScan scan;
  scan.dedupe = dedupe;
  InputColumns& cols = scan.columns;
  bool have_header = false;
  absl::Status header_error;
  int64_t warned = 0;
  auto warn = [&](int64_t line, const std::string& why, const char* marker) {
    if (warnings == nullptr || ++warned > kRowWarnings) return;
    std::fprintf(warnings,
                 "submit: line %lld: %s; the row is not sent (confidence "
                 "%s)\n",
                 static_cast<long long>(line), why.c_str(), marker);
  };
  CsvReadOptions csv;
  csv.delimiter = delimiter;
  absl::Status s = ReadCsvFile(path, csv, [&](const CsvRecord& r) {
    std::span<const std::string> f = r.fields;
    if (r.index == 0) {
      have_header = true;
      cols.header_width = cols.width = f.size();
      absl::StatusOr<int> phone = FindColumn(f, column);
      if (!phone.ok()) {
        header_error = phone.status();
        return false;
      }
      cols.phone = *phone;
      if (!country_column.empty()) {
        absl::StatusOr<int> country = FindColumn(f, country_column);
        if (!country.ok()) {
          header_error = country.status();
          return false;
        }
        cols.country = *country;
      }
      return true;
    }
    cols.width = std::max(cols.width, f.size());
    scan.short_rows += f.size() < cols.header_width;
    scan.long_rows += f.size() > cols.header_width;
    std::string iso;
    const RowKind kind = cols.Classify(f, &iso);
    if (kind == RowKind::kSend) {
      if (dedupe &&
          scan.duplicates.Add(DuplicateKey(f[cols.phone], iso), r.index - 1)) {
        ++scan.duplicate_rows;
      } else {
        ++scan.phones;
      }
    } else if (kind == RowKind::kBad) {
      ++scan.bad_rows;
      warn(r.line,
           IsValidUtf8(f[cols.phone]) &&
                   CodePoints(f[cols.phone]) > kMaxNumberChars
               ? "the number is over 1000 characters"
               : "a cell is not valid UTF-8",
           kBadRowConfidence);
    } else if (kind == RowKind::kBadCountry) {
      ++scan.bad_country_rows;
      warn(r.line,
           "country '" + SafeText(f[cols.country], 64) +
               "' is not an ISO 3166 code or English country name",
           kBadCountryConfidence);
    }
    return true;
  });
  if (!s.ok()) return s;
  if (!have_header) {
    return absl::InvalidArgumentError(path +
                                      ": empty file (a header row is needed)");
  }
  if (!header_error.ok()) {
    return absl::InvalidArgumentError(
        path + " line 1 (the header): " + std::string(header_error.message()));
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
