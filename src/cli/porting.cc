// `phonebulk porting import|lookup`: loads a number-portability file the
// operator licenses into the store (issue 6, item 3) and shows what is
// stored. The file is streamed: memory stays flat however many rows it has.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "cli/admin.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "client/csv_io.h"
#include "common/strings.h"
#include "store/store.h"

namespace phonebulk::cli {
namespace {

// A longer field means a runaway quoted field (an unbalanced quote swallows
// the rest of the file); failing beats buffering gigabytes.
constexpr size_t kMaxFieldBytes = 64 * 1024;
constexpr int64_t kProgressEveryRows = 100'000;
constexpr size_t kOperatorNameMaxChars = 200;
constexpr int kExampleRowsPerReason = 5;

// The file's columns, found by header name.
constexpr const char* kColumnNames[] = {"number", "operator_name", "mccmnc",
                                        "ported_date"};
enum Column { kNumber, kOperatorName, kMccMnc, kPortedDate, kColumnCount };

// Calls `on_record` with the fields of each record of `file` and its row
// number (the header is row 1; blank lines are skipped and not counted),
// reading through a fixed buffer. Stops early when `on_record` returns
// false. Errors name a line of the file: over-long field, a quoted field
// never closed (which would swallow every later row into one cell).
absl::Status ReadCsv(
    std::FILE* file, char delimiter,
    absl::FunctionRef<bool(std::span<const std::string>, int64_t)> on_record) {
  client::CsvReadOptions options;
  options.delimiter = delimiter;
  options.trim_spaces = true;
  options.max_field_bytes = kMaxFieldBytes;
  return client::ReadCsv(file, options, [&](const client::CsvRecord& r) {
    return on_record(r.fields, r.index + 1);
  });
}

// Quotes a value for a message: control characters as '?', long values cut.
std::string Shown(std::string_view value) {
  constexpr size_t kMax = 40;
  std::string out = "'";
  for (size_t i = 0; i < value.size() && i < kMax; ++i) {
    const unsigned char c = value[i];
    out += (c < 0x20 || c == 0x7f) ? '?' : static_cast<char>(c);
  }
  if (value.size() > kMax) out += "...";
  return out + "'";
}

// Code points in `s`, or nullopt when it is not valid UTF-8 or holds an
// ASCII control character (a name is one line of display text).
std::optional<size_t> Utf8Length(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return std::nullopt;
  }
  return Utf8CodePoints(s);
}

// "2019-08-21" (midnight UTC) or an RFC 3339 date-time with a zone,
// "2019-08-21T00:00:00Z" or "2019-08-21T02:00:00+02:00".
std::optional<absl::Time> ParsePortedDate(const std::string& text) {
  absl::Time t;
  std::string err;
  if (text.size() == 10) {
    if (absl::ParseTime("%Y-%m-%d", text, &t, &err)) return t;
    return std::nullopt;
  }
  if (absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return t;
  return std::nullopt;
}

// Why a row was rejected: `reason` groups rows in the summary, `detail`
// describes this row.
struct Rejection {
  std::string reason;
  std::string detail;
};

// Checks one data row and fills `out`; the Rejection when it is refused.
std::optional<Rejection> ParseRow(std::span<const std::string> fields,
                                  const int (&column)[kColumnCount],
                                  size_t header_fields,
                                  store::PortingRecord& out) {
  if (fields.size() != header_fields) {
    return Rejection{"wrong number of fields",
                     absl::StrCat("has ", fields.size(),
                                  " fields, the header has ", header_fields)};
  }
  std::string_view number = TrimAscii(fields[column[kNumber]]);
  if (number.starts_with('+')) number.remove_prefix(1);
  if (number.empty() || number.size() > 15 || !AllAsciiDigits(number)) {
    return Rejection{"number is not E.164 digits",
                     absl::StrCat("number ", Shown(fields[column[kNumber]]),
                                  " is not E.164 digits")};
  }
  const std::string_view mccmnc = TrimAscii(fields[column[kMccMnc]]);
  if (!mccmnc.empty() &&
      (mccmnc.size() < 5 || mccmnc.size() > 6 || !AllAsciiDigits(mccmnc))) {
    return Rejection{
        "mccmnc is not 5 or 6 digits",
        absl::StrCat("mccmnc ", Shown(mccmnc), " is not 5 or 6 digits")};
  }
  const std::string date(TrimAscii(fields[column[kPortedDate]]));
  std::optional<absl::Time> ported;
  if (!date.empty()) {
    ported = ParsePortedDate(date);
    if (!ported) {
      return Rejection{
          "ported_date is not an ISO-8601 date or date-time",
          absl::StrCat("ported_date ", Shown(date),
                       " is not an ISO-8601 date (2019-08-21) or date-time "
                       "(2019-08-21T00:00:00Z)")};
    }
  }
  const std::string_view op = TrimAscii(fields[column[kOperatorName]]);
  const std::optional<size_t> op_chars = Utf8Length(op);
  if (!op_chars) {
    return Rejection{"operator_name is not printable UTF-8",
                     "operator_name is not valid UTF-8 or holds a control "
                     "character"};
  }
  if (*op_chars > kOperatorNameMaxChars) {
    return Rejection{
        "operator_name is too long",
        absl::StrCat("operator_name has ", *op_chars, " characters (at most ",
                     kOperatorNameMaxChars, ")")};
  }
  out.number.assign(number);
  out.operator_name.assign(op);
  out.mccmnc.assign(mccmnc);
  out.ported_date = ported;
  return std::nullopt;
}

struct ReasonTally {
  int64_t count = 0;
  std::vector<int64_t> rows;  // the first kExampleRowsPerReason
  std::string first;          // the first row's full message
};

struct ImportFlags {
  std::string db;
  std::string file;
  bool replace = false;
  bool merge = false;
  std::string delimiter = ",";
};

int Fatal(const std::string& message) {
  std::fprintf(stderr, "porting import: %s\n", message.c_str());
  return kExitFailure;
}

int RunImport(const ImportFlags& f) {
  char delimiter = ',';
  if (f.delimiter == "tab" || f.delimiter == "\\t") {
    delimiter = '\t';
  } else if (f.delimiter.size() == 1 && f.delimiter != "\"" &&
             f.delimiter != "\n" && f.delimiter != "\r") {
    delimiter = f.delimiter[0];
  } else {
    return Fatal("--delimiter: expected one character or 'tab', got '" +
                 f.delimiter + "'");
  }
  std::FILE* file = std::fopen(f.file.c_str(), "rb");
  if (file == nullptr) {
    return Fatal("cannot read " + f.file + ": " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(file, std::fclose);
  const absl::Time started = absl::Now();

  int column[kColumnCount];
  size_t header_fields = 0;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::PortingImporter> importer;
  std::string fatal;  // set by the row callback to stop the import
  int64_t read = 0, accepted = 0, rejected = 0;
  std::map<std::string, ReasonTally> reasons;
  store::PortingRecord record;

  auto on_header = [&](std::span<const std::string> fields) -> bool {
    std::fill(std::begin(column), std::end(column), -1);
    header_fields = fields.size();
    for (size_t i = 0; i < fields.size(); ++i) {
      const std::string name = ToLowerAscii(TrimAscii(fields[i]));
      for (int c = 0; c < kColumnCount; ++c) {
        if (name != kColumnNames[c]) continue;
        if (column[c] >= 0) {
          fatal = absl::StrCat("the header names column '", name, "' twice");
          return false;
        }
        column[c] = static_cast<int>(i);
      }
    }
    for (int c = 0; c < kColumnCount; ++c) {
      if (column[c] >= 0) continue;
      fatal = absl::StrCat(
          "the header has no '", kColumnNames[c], "' column; it must name ",
          "number,operator_name,mccmnc,ported_date (any order) and has: ",
          Shown(absl::StrJoin(fields, std::string(1, delimiter))));
      return false;
    }
    // The store is opened only for a file that looks right, so a wrong file
    // leaves no trace (not even a staging table).
    store = OpenStoreForCli(f.db);
    if (!store) {
      fatal = "cannot open the database";
      return false;
    }
    auto begun = store->porting().BeginPortingImport(f.replace);
    if (!begun.ok()) {
      fatal = std::string(begun.status().message());
      return false;
    }
    importer = *std::move(begun);
    return true;
  };

  auto on_record = [&](std::span<const std::string> fields,
                       int64_t row) -> bool {
    if (row == 1) return on_header(fields);
    ++read;
    if (std::optional<Rejection> why =
            ParseRow(fields, column, header_fields, record)) {
      ++rejected;
      ReasonTally& t = reasons[why->reason];
      if (t.count++ == 0)
        t.first = absl::StrCat("row ", row, ": ", why->detail);
      if (t.rows.size() < kExampleRowsPerReason) t.rows.push_back(row);
    } else {
      if (absl::Status s = importer->Add(record); !s.ok()) {
        fatal = absl::StrCat("row ", row, ": ", std::string(s.message()));
        return false;
      }
      ++accepted;
    }
    if (read % kProgressEveryRows == 0) {
      std::fprintf(stderr,
                   "porting import: %lld rows read, %lld accepted, %lld "
                   "rejected (%.1f s)\n",
                   static_cast<long long>(read),
                   static_cast<long long>(accepted),
                   static_cast<long long>(rejected),
                   absl::ToDoubleSeconds(absl::Now() - started));
    }
    return true;
  };

  absl::Status status = ReadCsv(file, delimiter, on_record);
  if (status.ok() && fatal.empty() && header_fields == 0) {
    fatal = f.file + " is empty: it needs a header row";
  }
  if (!status.ok() && fatal.empty()) fatal = std::string(status.message());
  if (fatal.empty() && f.replace && accepted == 0) {
    // An empty replace would wipe every stored fact; far more likely the
    // wrong file than the intent.
    fatal = "no row was accepted, so nothing replaces the stored table";
  }
  int64_t added = 0;
  if (fatal.empty()) {
    auto finished = importer->Finish();
    if (finished.ok()) {
      added = *finished;
    } else {
      fatal = std::string(finished.status().message());
    }
  }

  if (importer == nullptr) return Fatal(fatal);  // no row was looked at
  std::printf("mode: %s\nrows read: %lld\naccepted: %lld\nrejected: %lld\n",
              f.replace ? "replace" : "merge", static_cast<long long>(read),
              static_cast<long long>(accepted),
              static_cast<long long>(rejected));
  for (const auto& [reason, t] : reasons) {
    std::string rows;
    for (int64_t r : t.rows)
      absl::StrAppend(&rows, rows.empty() ? "" : ", ", r);
    if (t.count > static_cast<int64_t>(t.rows.size())) rows += ", ...";
    std::printf("  %s: %lld (%s %s)\n    %s\n", reason.c_str(),
                static_cast<long long>(t.count), t.count == 1 ? "row" : "rows",
                rows.c_str(), t.first.c_str());
  }
  if (!fatal.empty()) {
    const bool merged_some = importer != nullptr && !f.replace;
    importer.reset();  // abandons the import before saying what is left
    return Fatal(fatal + (merged_some
                              ? absl::StrCat("; whole batches of ",
                                             store::kPortingImportBatchRows,
                                             " rows committed before it are "
                                             "kept")
                              : "; the porting table is unchanged"));
  }
  std::printf("stored: %lld rows in %.1f s\n", static_cast<long long>(added),
              absl::ToDoubleSeconds(absl::Now() - started));
  return kExitOk;
}

int RunLookup(const std::string& db, const std::vector<std::string>& args) {
  std::vector<std::string> numbers;
  for (const std::string& a : args) {
    std::string_view n = TrimAscii(a);
    if (n.starts_with('+')) n.remove_prefix(1);
    numbers.emplace_back(n);
  }
  auto store = OpenStoreForCli(db);
  if (!store) return kExitFailure;
  auto found = store->porting().LookupPorting(numbers);
  if (!found.ok()) {
    std::fprintf(stderr, "porting lookup: %s\n",
                 std::string(found.status().message()).c_str());
    return kExitFailure;
  }
  for (size_t i = 0; i < numbers.size(); ++i) {
    const std::optional<store::PortingRecord>& r = (*found)[i];
    if (!r) {
      std::printf("%s\tnot found\n", numbers[i].c_str());
      continue;
    }
    const std::string date =
        r->ported_date ? absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", *r->ported_date,
                                          absl::UTCTimeZone())
                       : "-";
    std::printf("%s\t%s\t%s\t%s\n", r->number.c_str(),
                r->operator_name.empty() ? "-" : r->operator_name.c_str(),
                r->mccmnc.empty() ? "-" : r->mccmnc.c_str(), date.c_str());
  }
  return kExitOk;
}

}  // namespace

void AddPortingCommands(CLI::App& app, int* exit_code) {
  CLI::App* porting = app.add_subcommand(
      "porting", "Import and look up number-portability facts");
  porting->require_subcommand(1);

  auto f = std::make_shared<ImportFlags>();
  CLI::App* import = porting->add_subcommand(
      "import",
      "Load a portability CSV (header number,operator_name,mccmnc,ported_date "
      "in any order). Row numbers in messages count the header as row 1; a "
      "malformed file (a field over 64 KiB, a quoted field never closed) is "
      "a fatal error that names the line of the file. "
      "Exit 0 when the import happened, even with rejected rows; 1 on a "
      "fatal error");
  AddDbFlags(import, &f->db);
  import->add_option("file", f->file, "The CSV file (UTF-8, BOM allowed)")
      ->required();
  CLI::Option* replace = import->add_flag(
      "--replace", f->replace,
      "The file becomes the whole table (swapped in at the end)");
  CLI::Option* merge = import->add_flag(
      "--merge", f->merge,
      "Add and overwrite the file's numbers, keep the others (default)");
  replace->excludes(merge);
  import
      ->add_option("--delimiter", f->delimiter,
                   "Field separator: one character, or 'tab'")
      ->capture_default_str();
  import->callback([f, exit_code] { *exit_code = RunImport(*f);
});

auto db = std::make_shared<std::string>();
auto numbers = std::make_shared<std::vector<std::string>>();
CLI::App* lookup = porting->add_subcommand(
    "lookup",
    "Print the stored facts of numbers: number, operator, MCC/MNC and "
    "ported date, tab-separated ('-' when empty), or 'not found'");
AddDbFlags(lookup, db.get());
lookup->add_option("numbers", *numbers, "E.164 numbers ('+' optional)")
    ->required();
lookup->callback([db, numbers, exit_code] {
  *exit_code = RunLookup(*db, *numbers);
});
}  // namespace phonebulk::cli

}  // namespace phonebulk::cli
