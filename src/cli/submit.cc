// `phonebulk submit`: the bulk client's one-command CSV cleaning. The work
// is in src/client/submit_job.*; this file only maps flags to options.
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/signals.h"
#include "client/submit_job.h"

namespace phonebulk::cli {
namespace {

struct SubmitFlags {
  client::SubmitOptions options;
  std::string delimiter = ",";
  int progress_seconds = 5;
  bool no_dedupe = false;
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
    return kExitUsage;
  }
  if (f.delimiter == "\\t") f.delimiter = "\t";
  if (f.delimiter.size() != 1 || f.delimiter == "\"" || f.delimiter == "\n" ||
      f.delimiter == "\r") {
    std::fprintf(stderr,
                 "error: --delimiter must be one character, not a quote or "
                 "line break\n");
    return kExitUsage;
  }
  o.delimiter = f.delimiter[0];
  if (o.output.empty()) o.output = DefaultOutput(o.input);
  if (o.state_path.empty()) o.state_path = o.output + ".state";
  o.progress_bar = ::isatty(STDERR_FILENO) == 1;
  o.progress_interval = std::chrono::seconds(f.progress_seconds);
  if (f.progress_seconds <= 0) o.progress_out = nullptr;
  o.dedupe = !f.no_dedupe;
  // Ctrl-C ends the run at once: every step of the state is written
  // durably (temp file, rename), so stopping anywhere is as safe as the
  // SIGKILL the resume tests use, and waiting for batches in flight could
  // take minutes. Constructed before RunSubmit starts any thread, so all
  // of them inherit the blocked signals.
  ShutdownOnSignal on_signal;
  const std::string state_path = o.state_path;
  on_signal.Start([state_path](int sig) {
    std::fprintf(stderr, "\nsubmit: interrupted (%s)", strsignal(sig));
    if (::access(state_path.c_str(), F_OK) == 0) {
      std::fprintf(stderr,
                   "; state kept in %s: rerun the same command to resume",
                   state_path.c_str());
    }
    std::fputs("\n", stderr);
    std::fflush(stderr);
    std::_Exit(kExitInterrupted);
  });
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
    return ExitCodeFor(summary.status());
  }
  std::fputs(client::FormatSummary(*summary, o.output).c_str(), stdout);
  return kExitOk;
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
      ->required()
      ->envname("PHONEBULK_SERVER");
  cmd->add_option("--token", o.token, "API token")->envname("PHONEBULK_TOKEN");
  cmd->add_option("--column", o.column, "Header name of the phone column")
      ->capture_default_str();
  auto* country = cmd->add_option(
      "--country", o.country,
      "Country for national numbers: ISO alpha-3 or alpha-2 code or English "
      "name");
  cmd->add_option("--country-column", o.country_column,
                  "Header name of a per-row country column (alpha-3, alpha-2 "
                  "or English names)")
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
  cmd->add_flag("--no-dedupe", flags->no_dedupe,
                "Send every row's number, even one an earlier row has (each "
                "costs a credit)");
  AddTunableOption(cmd, "--retries", &o.retries,
                   "Retries of a request that failed for want of the server "
                   "(network error, 408, 5xx), each announced on stderr",
                   CLI::Range(0, 100));
  cmd->add_option("--report", o.reports,
                  "Write the run's figures to FILE.html (a page with charts) "
                  "or FILE.json; may be given twice");
  AddTunableOption(cmd, "--results-page", &o.results_page,
                   "Results fetched per request (memory per batch)",
                   CLI::Range(1, 10000));
  cmd->add_flag("--keep-work-dir", o.keep_work_dir,
                "Keep the per-batch result files (STATE.d) after success");
  cmd->callback([flags, exit_code] { *exit_code = Submit(*flags); });
}

}  // namespace phonebulk::cli
