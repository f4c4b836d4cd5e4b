// `phonebulk store copy --from URL --to URL`: moves everything a store holds
// into a new, empty one (issue 12, item 3), typically a SQLite file into
// PostgreSQL when one machine is no longer enough. The work is
// store::CopyStore's; this file opens the two stores, prints progress and
// the summary, and maps the outcome to an exit code: 0 copied, 1 failed
// (nothing written), 2 refused (the target already holds data, or --from
// and --to name the same database).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "common/strings.h"
#include "store/store.h"
#include "store/store_copy.h"

namespace phonebulk::cli {
namespace {

struct CopyFlags {
  std::string from;
  std::string to;
  bool include_cache = false;
};

int Fail(std::string_view what, const absl::Status& s) {
  std::fprintf(stderr, "store copy: %s: %s\n", std::string(what).c_str(),
               SafeText(std::string(s.message()), 1024).c_str());
  return kExitFailure;
}

// The progress lines gave each table's rows; the summary says it in one
// line and adds what an operator checks next (batches, credits, claims).
void PrintSummary(const store::CopySummary& summary) {
  std::string tables;
  for (const auto& [table, rows] : summary.rows) {
    absl::StrAppend(&tables, tables.empty() ? "" : ", ", rows, " ", table);
  }
  std::printf("copied: %s\n", tables.c_str());
  std::string statuses;
  for (const auto& [status, n] : summary.batches_by_status) {
    absl::StrAppend(&statuses, statuses.empty() ? "" : ", ", n, " ", status);
  }
  std::printf("batches: %s\n", statuses.empty() ? "none" : statuses.c_str());
  std::printf("credits on all accounts: %lld\n",
              static_cast<long long>(summary.credits));
  if (summary.claims_released > 0) {
    std::printf(
        "%lld chunk claims of the source's workers were handed back to the "
        "queue\n",
        static_cast<long long>(summary.claims_released));
  }
}

int RunCopy(const CopyFlags& flags) {
  if (flags.from == flags.to) {
    std::fprintf(stderr,
                 "store copy: --from and --to name the same database\n");
    return kExitUsage;
  }
  // The source is never migrated nor written: it may be a live database,
  // and a failed copy must leave it exactly as it was.
  auto from = store::OpenStore(flags.from, store::OpenMode::kReadOnly);
  if (!from.ok()) {
    return Fail(absl::StrCat("cannot open --from ",
                             SafeText(store::RedactUrl(flags.from))),
                from.status());
  }
  // A SQLite target may be a new file; a PostgreSQL one must exist (the
  // operator creates it, with its owner and backups).
  auto to = store::OpenStore(flags.to, store::OpenMode::kCreateIfMissing);
  if (!to.ok()) {
    return Fail(absl::StrCat("cannot open --to ",
                             SafeText(store::RedactUrl(flags.to))),
                to.status());
  }
  if (absl::Status s = (*to)->Migrate(); !s.ok()) {
    return Fail("cannot migrate the target database", s);
  }
  store::CopyOptions options;
  options.include_cache = flags.include_cache;
  options.progress = [](std::string_view table, int64_t rows, bool done) {
    std::printf("%s: %lld rows%s\n", std::string(table).c_str(),
                static_cast<long long>(rows), done ? "" : " ...");
    std::fflush(stdout);
  };
  auto summary = store::CopyStore(**from, **to, options);
  if (!summary.ok()) {
    const int code = Fail("nothing was copied", summary.status());
    return store::IsTargetNotEmpty(summary.status()) ? kExitUsage : code;
  }
  PrintSummary(*summary);
  std::printf("done: start `phonebulk serve --db %s`\n",
              SafeText(store::RedactUrl(flags.to)).c_str());
  return kExitOk;
}

}  // namespace

void AddStoreCommands(CLI::App& app, int* exit_code) {
  CLI::App* store_cmd =
      app.add_subcommand("store", "Whole-database operations");
  store_cmd->require_subcommand(1);
  auto flags = std::make_shared<CopyFlags>();
  CLI::App* copy = store_cmd->add_subcommand(
      "copy",
      "Copy everything (accounts, tokens, batches and results, porting facts) "
      "into a new, empty database, e.g. SQLite into PostgreSQL");
  copy->add_option("--from", flags->from,
                   "Source database URL (read only; may be live)")
      ->required();
  copy->add_option("--to", flags->to,
                   "Target database URL (must hold no data)")
      ->required();
  copy->add_flag("--include-cache", flags->include_cache,
                 "Also copy the real-time answer cache");
  copy->callback([flags, exit_code] { *exit_code = RunCopy(*flags); });
}

}  // namespace phonebulk::cli
