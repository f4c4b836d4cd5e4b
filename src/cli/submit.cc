// `phonebulk submit`: the bulk client's one-command CSV cleaning. The work
// is in src/client/submit_job.*; this file only maps flags to options.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "client/submit_job.h"

namespace phonebulk::cli {
namespace {

struct SubmitFlags {
  client::SubmitOptions options;
  std::string delimiter = ",";
  int progress_seconds = 5;
};

// The default output: contacts.csv -> contacts.validated.csv.
std::string DefaultOutput(const std::string& input) {
  std::string base = input;
  if (base.size() > 4 && base.ends_with(".csv")) base.resize(base.size() - 4);
  return base + ".validated.csv";
}

int Submit(SubmitFlags& f) {
  client::SubmitOptions& o = f.options;
  if (o.token.empty()) {
    std::fprintf(stderr, "error: no token (--token or PHONEBULK_TOKEN)\n");
    return 2;
  }
  if (f.delimiter == "\\t") f.delimiter = "\t";
  if (f.delimiter.size() != 1 || f.delimiter == "\"" || f.delimiter == "\n" ||
      f.delimiter == "\r") {
    std::fprintf(stderr,
                 "error: --delimiter must be one character, not a quote or "
                 "line break\n");
    return 2;
  }
  o.delimiter = f.delimiter[0];
  if (o.output.empty()) o.output = DefaultOutput(o.input);
  if (o.state_path.empty()) o.state_path = o.output + ".state";
  o.progress_bar = ::isatty(STDERR_FILENO) == 1;
  o.progress_interval = std::chrono::seconds(f.progress_seconds);
  if (f.progress_seconds <= 0) o.progress_out = nullptr;
  absl::StatusOr<client::SubmitSummary> summary = client::RunSubmit(o);
  if (!summary.ok()) {
    std::fprintf(stderr, "error: %s\n",
                 std::string(summary.status().message()).c_str());
    if (::access(o.state_path.c_str(), F_OK) == 0 &&
        !absl::IsFailedPrecondition(summary.status())) {
      std::fprintf(stderr,
                   "(state kept in %s: rerun the same command to resume)\n",
                   o.state_path.c_str());
    }
    return absl::IsInvalidArgument(summary.status()) ||
                   absl::IsFailedPrecondition(summary.status())
               ? 2
               : 1;
  }
  std::fputs(client::FormatSummary(*summary, o.output).c_str(), stdout);
  return 0;
}

}  // namespace

void AddSubmitCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<SubmitFlags>();
  client::SubmitOptions& o = flags->options;
  CLI::App* cmd = app.add_subcommand(
      "submit",
      "Validate every number of a CSV file through a Bulk Phone API server "
      "and write the file back with result columns (resumable)");
  cmd->add_option("file", o.input, "Input CSV with a header row")
      ->required()
      ->check(CLI::ExistingFile);
  cmd->add_option("--server", o.server, "API base URL, e.g. http://host:8080")
      ->required();
  cmd->add_option("--token", o.token, "API token")->envname("PHONEBULK_TOKEN");
  cmd->add_option("--column", o.column, "Header name of the phone column")
      ->capture_default_str();
  auto* country = cmd->add_option("--country", o.country,
                                  "ISO alpha-3 country for national numbers");
  cmd->add_option("--country-column", o.country_column,
                  "Header name of a per-row ISO alpha-3 country column")
      ->excludes(country);
  cmd->add_option("--format", o.format,
                  "output_format: E164, PLUS_E164, NATIONAL, INTERNATIONAL "
                  "or an ISO alpha-3 code");
  cmd->add_flag("--metadata", o.metadata, "Add the 15 metadata columns");
  cmd->add_option("--out", o.output, "Output CSV (default FILE.validated.csv)");
  cmd->add_option("--state", o.state_path,
                  "Resume state file (default OUT.state)");
  AddTunableOption(cmd, "--concurrency", &o.concurrency, "Batches in flight",
                   CLI::Range(1, 64));
  cmd->add_option("--delimiter", flags->delimiter,
                  "Field delimiter of input and output (\\t for tab)")
      ->capture_default_str();
  AddTunableOption(cmd, "--batch-size", &o.batch_size,
                   "Numbers per batch (the API allows up to 10000)",
                   CLI::Range(1, 10000));
  cmd->add_option("--progress-seconds", flags->progress_seconds,
                  "Seconds between progress lines when stderr is not a "
                  "terminal (0: none)")
      ->capture_default_str();
  cmd->add_flag("--keep-work-dir", o.keep_work_dir,
                "Keep the per-batch result files (STATE.d) after success");
  cmd->callback([flags, exit_code] { *exit_code = Submit(*flags); });
}

}  // namespace phonebulk::cli
