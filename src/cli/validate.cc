// `phonebulk validate`: the offline validator. It builds the same Engine as
// `phonebulk serve` (Validator + Enricher over the built-in tables and the
// disposable list) and runs every number through batch::ProcessPhone, so
// its answers are the Bulk API's answers, without a server or a database.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/json_views.h"
#include "batch/config.h"
#include "batch/create_request.h"
#include "batch/pipeline.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/strings.h"
#include "phone/countries.h"
#include "phone/disposable.h"
#include "phone/enricher.h"
#include "phone/types.h"
#include "phone/validator.h"

namespace phonebulk::cli {
namespace {

// The Bulk API's cap on one number; longer input is refused the same way.
constexpr size_t kMaxNumberChars = 1000;
// The number as echoed in the table and in --json: SafeText turns one byte
// into at most four ("\xNN"), so no number short enough to be validated is
// cut.
constexpr size_t kMaxShownNumberBytes = 4 * kMaxNumberChars;
// A line of --file is read at most this far; the rest is skipped, so one
// huge line cannot exhaust memory (the file itself is streamed).
constexpr size_t kMaxLineChars = 4096;

struct ValidateFlags {
  std::vector<std::string> numbers;
  std::string file;
  std::string country;
  std::string format = "E164";
  std::string include;
  std::string disposable_file;
  std::string engine = "compiled";  // phone::ValidatorEngine by name
  bool json = false;
  bool verbose = false;
};

// The human-readable table. Widths come from the first kWindow rows (all of
// them for a short run), so the common case is aligned while a long --file
// still streams with bounded memory; a later, longer value just pushes its
// row's following columns right. The extensions, when asked for, add
// LOCATION and TIME_ZONES columns.
class TableWriter {
 public:
  TableWriter(std::ostream& out, const phone::Extensions& extensions)
      : out_(out), extensions_(extensions) {
    Row header = {"NUMBER",     "VALIDATED", "FORMATTED", "TYPE",
                  "CONFIDENCE", "COUNTRY",   "OPERATOR"};
    if (extensions_.location) header.push_back("LOCATION");
    if (extensions_.time_zones) header.push_back("TIME_ZONES");
    widths_.assign(header.size(), 0);
    pending_.push_back(std::move(header));
  }

  void Add(std::string_view number, const phone::PhoneResult& r) {
    Row row = {std::string(number),
               r.validated_phone_number,
               r.formatted_phone_number,
               std::string(phone::PhoneTypeName(r.phone_type)),
               std::string(phone::ConfidenceName(r.confidence)),
               r.country_iso,
               r.operator_name};
    if (extensions_.location) row.push_back(r.location);
    if (extensions_.time_zones) {
      std::string zones;
      for (const std::string& zone : r.time_zones) {
        if (!zones.empty()) zones += ',';
        zones += zone;
      }
      row.push_back(std::move(zones));
    }
    // An empty cell would make the columns hard to read.
    for (std::string& cell : row) {
      if (cell.empty()) cell = "-";
    }
    if (widths_fixed_) {
      Write(row);
    } else {
      pending_.push_back(std::move(row));
      if (pending_.size() > kWindow) Flush();
    }
  }

  // Writes the rows held back for measuring. Call once at the end.
  void Flush() {
    if (widths_fixed_) return;
    for (const Row& row : pending_) {
      for (size_t i = 0; i < row.size(); ++i) {
        widths_[i] =
            std::max(widths_[i], std::min(row[i].size(), kMaxPaddedWidth));
      }
    }
    widths_fixed_ = true;
    for (const Row& row : pending_) Write(row);
    pending_.clear();
  }

 private:
  using Row = std::vector<std::string>;
  static constexpr size_t kWindow = 256;
  // A column is padded to at most this width: one 1,000-character junk
  // "number" among the measured rows would otherwise pad every line of a
  // million-row run to a kilobyte (811 MB of spaces for the benchmark
  // corpus). A longer cell overflows its column on its own line only.
  static constexpr size_t kMaxPaddedWidth = 40;

  void Write(const Row& row) {
    // One buffer for every line: a million-row run would otherwise build
    // and free a string per line.
    line_.clear();
    for (size_t i = 0; i < row.size(); ++i) {
      line_ += row[i];
      if (i + 1 == row.size()) break;
      line_.append(widths_[i] > row[i].size() ? widths_[i] - row[i].size() : 0,
                   ' ');
      line_ += "  ";
    }
    line_ += '\n';
    out_.write(line_.data(), static_cast<std::streamsize>(line_.size()));
  }

  std::ostream& out_;
  phone::Extensions extensions_;
  std::vector<Row> pending_;
  std::vector<size_t> widths_;
  bool widths_fixed_ = false;
  std::string line_;
};

// Parses --include: a comma-separated subset of location,time_zones.
std::optional<phone::Extensions> ParseIncludeFlag(std::string_view text) {
  phone::Extensions extensions;
  for (std::string_view item : Split(text, ',')) {
    item = TrimAscii(item);
    if (item == "location") {
      extensions.location = true;
    } else if (item == "time_zones") {
      extensions.time_zones = true;
    } else if (!item.empty()) {
      return std::nullopt;
    }
  }
  return extensions;
}

// Runs numbers through the shared pipeline and writes each result at once.
class Runner {
 public:
  Runner(const batch::Engine& engine, const batch::BatchConfig& config,
         const phone::Extensions& extensions, bool json)
      : engine_(engine),
        config_(config),
        extensions_(extensions),
        json_(json),
        table_(std::cout, extensions) {}

  // `country` is a per-number alpha-3 override (already checked) or empty.
  void Process(std::string_view number, std::string_view country) {
    phone::PhoneResult result =
        batch::ProcessPhone(engine_, number, country, config_);
    if (extensions_.any() && engine_.enricher != nullptr) {
      engine_.enricher->AddExtensions(&result, extensions_);
    }
    // The input is echoed cleaned: invalid UTF-8 would make the JSON
    // invalid, and a terminal escape (ESC or the one-character C1 CSI)
    // would reach the screen. Ordinary numbers are unchanged.
    const std::string shown = SafeText(number, kMaxShownNumberBytes);
    if (json_) {
      std::cout << api::PhoneJson(shown, result, config_.get_ported_date,
                                  extensions_)
                << '\n';
    } else {
      table_.Add(shown, result);
    }
  }

  void Finish() {
    if (!json_) table_.Flush();
    std::cout.flush();
  }

 private:
  const batch::Engine& engine_;
  const batch::BatchConfig& config_;
  phone::Extensions extensions_;
  bool json_;
  TableWriter table_;
};

// Reads one line (without its '\n' and a trailing '\r') into `line`, keeping
// at most kMaxLineChars characters; sets `*truncated` when it dropped some.
// False at end of input with nothing read.
bool ReadLine(std::istream& in, std::string* line, bool* truncated) {
  line->clear();
  *truncated = false;
  std::streambuf* buf = in.rdbuf();
  bool any = false;
  for (;;) {
    int c = buf->sbumpc();
    if (c == std::char_traits<char>::eof()) break;
    any = true;
    if (c == '\n') break;
    if (line->size() < kMaxLineChars) {
      line->push_back(static_cast<char>(c));
    } else {
      *truncated = true;
    }
  }
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return any;
}

// Streams `in` line by line: "NUMBER" or "NUMBER<TAB>ALPHA3". Blank lines
// are skipped. A line that cannot be processed (unknown country, too long)
// is reported on stderr with its line number and counted in `*skipped`;
// the rest of the input still runs.
void ProcessStream(std::istream& in, const std::string& name,
                   const phone::Countries& countries, Runner& runner,
                   int* skipped) {
  std::string line;
  bool truncated = false;
  for (long line_no = 1; ReadLine(in, &line, &truncated); ++line_no) {
    std::string_view text = line;
    std::string_view country;
    if (size_t tab = text.find('\t'); tab != std::string_view::npos) {
      country = TrimAscii(text.substr(tab + 1));
      text = text.substr(0, tab);
    }
    text = TrimAscii(text);
    if (text.empty() && country.empty() && !truncated) continue;
    const phone::Country* c = nullptr;
    if (!country.empty()) {
      c = countries.ByAlpha3(country);
      if (c == nullptr) {
        std::cerr << SafeText(name) << ":" << line_no << ": '"
                  << SafeText(country, 40)
                  << "' is not an ISO 3166 alpha-3 code; line skipped\n";
        ++*skipped;
        continue;
      }
    }
    if (truncated || text.size() > kMaxNumberChars) {
      std::cerr << SafeText(name) << ":" << line_no
                << ": the number is longer than " << kMaxNumberChars
                << " characters; line skipped\n";
      ++*skipped;
      continue;
    }
    runner.Process(text, c != nullptr ? std::string_view(c->alpha3) : "");
  }
}

int Validate(const ValidateFlags& f) {
  SetUpLogging(f.verbose);
  if (f.numbers.empty() && f.file.empty()) {
    std::cerr << "validate: give one or more numbers, or --file FILE "
                 "('-' for stdin)\n";
    return kExitUsage;
  }
  const phone::Countries& countries = phone::Countries::Default();
  batch::BatchConfig config;
  if (!f.country.empty()) {
    const phone::Country* c = countries.ByAlpha3(f.country);
    if (c == nullptr) {
      std::cerr << "--country: '" << SafeText(f.country, 64)
                << "' is not an ISO 3166 alpha-3 code (e.g. GBR, USA)\n";
      return kExitUsage;
    }
    config.country_iso = c->alpha3;
  }
  std::optional<phone::OutputFormat> format =
      batch::ParseOutputFormat(f.format, countries);
  if (!format.has_value()) {
    std::cerr << "--format: '" << SafeText(f.format, 64)
              << "' is not E164, PLUS_E164, NATIONAL, INTERNATIONAL or an "
                 "ISO 3166 alpha-3 code\n";
    return kExitUsage;
  }
  config.output_format = *format;
  std::optional<phone::Extensions> extensions = ParseIncludeFlag(f.include);
  if (!extensions.has_value()) {
    std::cerr << "--include: '" << SafeText(f.include, 64)
              << "' is not a list of location and/or time_zones\n";
    return kExitUsage;
  }

  // Input files are opened before any output, so a typo in a path is
  // reported without a half-written table.
  std::ifstream file_in;
  if (!f.file.empty() && f.file != "-") {
    file_in.open(f.file, std::ios::binary);
    if (!file_in) {
      std::cerr << "--file: cannot open '" << SafeText(f.file) << "'\n";
      return kExitFailure;
    }
  }
  auto disposable = phone::DisposableSource::Open(f.disposable_file);
  if (!disposable.ok()) {
    std::cerr << "--disposable-file: "
              << SafeText(std::string(disposable.status().message()), 1024)
              << "\n";
    return kExitFailure;
  }
  phone::Validator validator(countries, *phone::ParseValidatorEngine(f.engine));
  phone::Enricher enricher(phone::Enricher::BuiltInSources(disposable->get()));
  batch::Engine engine{validator, &enricher};

  Runner runner(engine, config, *extensions, f.json);
  int skipped = 0;
  for (const std::string& number : f.numbers) {
    if (number.size() > kMaxNumberChars) {
      std::cerr << "validate: a number is longer than " << kMaxNumberChars
                << " characters; skipped\n";
      ++skipped;
      continue;
    }
    runner.Process(number, "");
  }
  if (!f.file.empty()) {
    if (f.file == "-") {
      ProcessStream(std::cin, "stdin", countries, runner, &skipped);
    } else {
      ProcessStream(file_in, f.file, countries, runner, &skipped);
    }
  }
  runner.Finish();
  if (skipped > 0) {
    std::cerr << "validate: " << skipped << " input line(s) skipped\n";
    return kExitFailure;
  }
  return kExitOk;
}

}  // namespace

void AddValidateCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ValidateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "validate",
      "Validate and enrich numbers offline (no server, no database), with "
      "the same engine and fields as the Bulk API");
  cmd->add_option("numbers", flags->numbers,
                  "Numbers to validate, e.g. +441206250380 or 01206250380 "
                  "with --country GBR");
  cmd->add_option("--file", flags->file,
                  "Read numbers from FILE, one a line, optionally followed "
                  "by TAB and an alpha-3 country for that line; '-' reads "
                  "stdin. Streamed: any size works");
  cmd->add_option("--country", flags->country,
                  "ISO 3166 alpha-3 country assumed for numbers written "
                  "without a calling code, e.g. GBR");
  cmd->add_option("--format", flags->format,
                  "formatted_phone_number as E164, PLUS_E164, NATIONAL, "
                  "INTERNATIONAL, or as dialled from an alpha-3 country")
      ->capture_default_str();
  cmd->add_flag("--json", flags->json,
                "One JSON object a line: the Bulk API's phone fields with "
                "metadata");
  cmd->add_option("--include", flags->include,
                  "Extensions to add: location, time_zones (comma-separated)");
  AddEngineOption(cmd, &flags->engine);
  cmd->add_option("--disposable-file", flags->disposable_file,
                  "Disposable-number list (docs/disposable.md). Default: the "
                  "built-in starter list")
      ->envname("PHONEBULK_DISPOSABLE_FILE");
  cmd->add_flag("-v,--verbose", flags->verbose, "Debug logging");
  cmd->callback([flags, exit_code] { *exit_code = Validate(*flags); });
}

}  // namespace phonebulk::cli
