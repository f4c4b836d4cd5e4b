#ifndef PHONEBULK_CLIENT_SUBMIT_JOB_H_
#define PHONEBULK_CLIENT_SUBMIT_JOB_H_

// `phonebulk submit`: cleans a CSV file of any size through the Bulk Phone
// API v1 and writes the same file back with result columns appended.
//
// How it keeps its promises:
// - Memory: the input is streamed (libcsv); at most 2 x concurrency batches
//   of phones are held at once; each batch's results are fetched a page at
//   a time into a file in the work dir (STATE.d/) and the output is
//   stitched by re-reading the input, so no step holds the whole file.
// - Order: batches finish in any order; the stitch pass walks the input and
//   the batch files in row order.
// - Resume: the state file (see state.h) records each batch's id as soon as
//   it is created and whether its results are saved. A rerun re-derives the
//   same batches (deterministic from input + options), skips the saved
//   ones, starts the created ones, polls the processing ones. Every create
//   carries Idempotency-Key = its batch_reference_id (run prefix + index),
//   so a create whose answer was lost (a retry in this run, or a resumed
//   run within the server's 24 h) gets the first batch back; batches older
//   than that are found again by their batch_reference_id (listed once at
//   startup). Either way none is created twice.
// - Output appears atomically: written to OUT.tmp, fsynced, renamed.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "client/api_client.h"
#include "client/result_row.h"

namespace phonebulk::client {

struct SubmitOptions {
  std::string input;
  std::string output;      // required (the CLI fills a default)
  std::string state_path;  // required (the CLI defaults to OUTPUT.state)
  std::string server;
  std::string token;
  std::string column = "phone";
  std::string country;         // defaults.country_iso
  std::string country_column;  // per-row country_iso
  std::string format;          // defaults.output_format
  bool metadata = false;
  int concurrency = 4;
  char delimiter = ',';
  int batch_size = 10000;  // the API's limit; smaller only in tests
  // Results fetched per request (?limit=): a worker holds one page of
  // parsed answers at a time.
  int results_page = 1000;
  // Progress: a redrawn bar when true, periodic lines when false.
  bool progress_bar = false;
  std::chrono::milliseconds progress_interval{5000};
  std::FILE* progress_out = stderr;  // nullptr: no progress at all
  // Warnings for a person: input rows the scan found unusable (the first
  // few) and retried requests. nullptr: none (a server logs its own way).
  std::FILE* warnings_out = stderr;
  std::chrono::milliseconds poll_initial{500};
  std::chrono::milliseconds poll_cap{5000};
  bool keep_work_dir = false;
  // Send each distinct (number, country) once and copy its answer to the
  // rows that repeat it (input_rules.h, DuplicateKey).
  bool dedupe = true;
  // Reports of the run written at its end (report.h): FILE.html, FILE.json.
  std::vector<std::string> reports;
  // Retries of a request that failed transiently (api_client.h).
  int retries = kDefaultRetries;
  // For a caller that shows progress itself (serve's file jobs): called
  // from the run's progress thread about every 100 ms, and once when the
  // batches are done, with the numbers whose results are saved and the
  // numbers to send in all (batches saved by an earlier run count as
  // done). Must be quick and must not throw. Unset: never called.
  std::function<void(int64_t done, int64_t total)> on_progress;
  // Set by another thread to end the run soon (about 100 ms plus the
  // request in flight): no further batch is created, polled or fetched,
  // retries stop, and RunSubmit returns Cancelled. The state file is kept,
  // so a rerun resumes exactly as after a crash. Null: never cancelled.
  // Must outlive the run.
  const std::atomic<bool>* cancel = nullptr;
};

struct SubmitSummary {
  int64_t rows = 0;              // data rows in and out
  int64_t phones = 0;            // rows sent (non-empty phone cell)
  int64_t empty_rows = 0;        // rows marked "empty", not sent
  int64_t bad_rows = 0;          // rows marked "bad_row" (not UTF-8, too long)
  int64_t bad_country_rows = 0;  // rows marked "bad_country"
  // Rows that repeated an earlier row's (number, country): not sent, its
  // answer copied. Each would have cost a credit.
  int64_t duplicate_rows = 0;
  int64_t short_rows = 0;  // fewer cells than the header: padded
  int64_t long_rows = 0;   // more cells than the header: extra_N columns
  int64_t batches = 0;
  int64_t batches_resumed = 0;  // already saved when this run started
  int64_t credits = 0;
  int64_t throttled = 0;                      // 429 answers waited out
  int64_t rate_pauses = 0;                    // waits for the rate-limit window
  std::map<std::string, int64_t> statistics;  // by confidence, + "empty"
  double seconds = 0;
};

// Runs the whole job. Errors, each naming what failed: bad input or options
// (InvalidArgument; input errors name the CSV line), a state file of another
// input (FailedPrecondition), not enough credits (ResourceExhausted), the
// server not reachable after the retries (Unavailable), any other API or
// I/O failure (another code; the status names the batch and the HTTP
// answer), options.cancel set (Cancelled). A row with an unusable cell is never
// an error: it is marked in the output. On error the state file is left for a
// resume and no output is written.
absl::StatusOr<SubmitSummary> RunSubmit(const SubmitOptions& options);

// The summary as printed at the end of a run.
std::string FormatSummary(const SubmitSummary& s, const std::string& output);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_SUBMIT_JOB_H_
