#ifndef PHONEBULK_FILES_FILE_JOBS_H_
#define PHONEBULK_FILES_FILE_JOBS_H_

// Server-side file jobs (docs/console.md): a CSV uploaded over HTTP is
// cleaned by the same pipeline as `phonebulk submit`, run by this server
// against itself, and its result kept for download.
//
// On disk: a private directory (0700) holding `incoming/` (uploads being
// received, cleared at open) and one directory per job, named by its id:
//   upload.csv     the file as uploaded
//   job.json       the job (file_job.h), 0600: it holds the job's token
//   result.csv     the output, once completed (written atomically)
//   result.csv.state, result.csv.state.d/   the run's resume state
//   report.json    the run's figures (`submit --report`), once completed
//
// The runner: at most `max_running` jobs run at once, each on a thread of
// its own; the rest wait in order. A job authenticates with a token of its
// own, minted at start for the job's account (Bulk product only, callable
// from loopback only, display prefix "pb_job_") and disabled when the job
// completes or fails; its secret is kept only in job.json. A job still
// `running` on disk when the runner starts (serve was stopped or killed) is
// run again; the run's state file makes it create, and so charge, no batch
// twice (client/submit_job.h, "Resume").
//
// Retention: a job whose completion (or, never started, its upload) is
// older than `retention` is deleted with its files by Sweep(), which the
// runner calls every `sweep_interval`; a running job is never deleted.
//
// Errors: NotFound for an unknown id or another account's job (the same
// answer, so ids of other accounts cannot be probed), InvalidArgument for
// bad input (the message names it, for a person), FailedPrecondition for a
// step the job's status does not allow (start twice, a result before
// completion), Internal for disk failures.
//
// Thread-safe: every method may be called from any thread.

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "common/clock.h"
#include "files/file_job.h"
#include "store/account_store.h"

namespace phonebulk::files {

// Everything one run of a job needs; what JobRunFn gets.
struct RunRequest {
  std::string input;        // upload.csv
  std::string output;       // result.csv
  std::string state_path;   // result.csv.state
  std::string report_path;  // report.json
  std::string server;       // "http://127.0.0.1:PORT"
  std::string token;
  char delimiter = ',';
  JobOptions options;
  // Called now and then with numbers done and numbers to send in all.
  std::function<void(int64_t done, int64_t total)> on_progress;
  const std::atomic<bool>* cancel = nullptr;  // set: stop soon (Cancelled)
};

// Runs one job to its end: in production client::RunSubmit
// (files/submit_run.h). Cancelled when `cancel` stopped it: the job then
// stays running and is resumed at the next start.
using JobRunFn = std::function<absl::StatusOr<JobSummary>(const RunRequest&)>;

struct FileJobsOptions {
  std::string dir;  // created (0700) when missing
  int max_running = 2;
  absl::Duration retention = absl::Hours(28 * 24);
  absl::Duration sweep_interval = absl::Hours(1);
  // Where a job's token may be used from: the addresses the runner's
  // requests come from (serve adds its listen address when it is neither
  // loopback nor a wildcard).
  std::vector<std::string> token_allow_ips = {"127.0.0.1/32", "::1/128"};
};

// A job as the API shows it: the record, and while it runs its progress.
struct JobView {
  FileJob job;
  int64_t rows_done = 0;       // numbers whose results are saved
  int64_t rows_total = 0;      // numbers to send (0 until the run scanned)
  double rows_per_second = 0;  // since this process started the run
  double eta_seconds = -1;     // -1: not known yet
  std::string report_json;     // report.json's text, when completed
};

class FileJobs {
 public:
  // Opens (creating) options.dir and loads the jobs in it; a job directory
  // without a readable job.json (a crash inside Accept) is removed.
  // FailedPrecondition when another FileJobs (in this or another process)
  // has the directory open: two servers would run the same jobs. The
  // directory is held by a lock on its `.lock` file until destruction (a
  // killed process lets go of it with its life).
  // `accounts` and `clock` must outlive the FileJobs.
  static absl::StatusOr<std::unique_ptr<FileJobs>> Open(
      FileJobsOptions options, store::AccountStore& accounts,
      const Clock& clock, JobRunFn run);
  ~FileJobs();  // Stop()
  FileJobs(const FileJobs&) = delete;
  FileJobs& operator=(const FileJobs&) = delete;

  // A fresh path in incoming/ for the HTTP layer to write an upload to
  // (http::FileBodyPlan::path). The file does not exist yet.
  std::string NewUploadPath() const;

  // Takes the uploaded file at `upload_path` (renamed into the job's
  // directory) and reads its preview. On InvalidArgument (empty file, no
  // header row, header not UTF-8) nothing is kept, the upload included.
  absl::StatusOr<JobView> Accept(int64_t account_id, std::string_view name,
                                 const std::string& upload_path);
  // Validates `options` against the file (columns, country, format: each
  // InvalidArgument names the field), mints the job's token and queues
  // the job. FailedPrecondition when it was started before.
  absl::StatusOr<JobView> Start(int64_t account_id, std::string_view id,
                                const JobOptions& options);
  absl::StatusOr<JobView> Get(int64_t account_id, std::string_view id) const;
  // The account's jobs, newest first.
  absl::StatusOr<std::vector<JobView>> List(int64_t account_id) const;
  // The result file of a completed job; FailedPrecondition before.
  absl::StatusOr<std::string> ResultPath(int64_t account_id,
                                         std::string_view id) const;

  // Starts the runner against the server at `server_url` (this server's
  // loopback address): queues every job that is running on disk, starts
  // the job threads and the retention sweep. Call once.
  void StartRunner(std::string server_url);
  // Asks running jobs to stop (they stay `running` on disk). Returns at
  // once; safe from a signal handler's thread.
  void Cancel();
  // Cancel(), then waits for the runner's threads. Idempotent.
  void Stop();

  // Deletes the jobs past the retention (see the file comment); returns
  // how many.
  int Sweep();

 private:
  struct Entry {
    FileJob job;
    int64_t rows_done = 0;
    int64_t rows_total = 0;
    int64_t rows_done_at_start = -1;  // of this process's run
    absl::Time run_started;
  };

  FileJobs(FileJobsOptions options, store::AccountStore& accounts,
           const Clock& clock, JobRunFn run);
  absl::Status Load();
  std::string JobDir(std::string_view id) const;
  absl::Status Save(const FileJob& job) const;
  JobView ViewOf(const Entry& entry) const;
  // The entry of `id` in `account_id`; NotFound otherwise.
  absl::StatusOr<const Entry*> Find(int64_t account_id,
                                    std::string_view id) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  absl::Status CheckOptions(const FileJob& job,
                            const JobOptions& options) const;
  absl::Status EnsureToken(const FileJob& job);
  void Worker();
  void RunOne(const std::string& id);
  void Finish(const std::string& id, const absl::StatusOr<JobSummary>& result);
  void SweepLoop();

  const FileJobsOptions options_;
  store::AccountStore& accounts_;
  const Clock& clock_;
  const JobRunFn run_;
  std::atomic<bool> cancel_{false};

  mutable absl::Mutex mu_;
  std::map<std::string, Entry> jobs_ ABSL_GUARDED_BY(mu_);
  std::deque<std::string> queue_ ABSL_GUARDED_BY(mu_);
  std::string server_url_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  // Signalled when a job is queued and when stopping.
  absl::CondVar changed_;
  std::vector<std::thread> threads_;  // touched by StartRunner/Stop only
  int lock_fd_ = -1;                  // flock()ed .lock, set by Load()
};

}  // namespace phonebulk::files

#endif  // PHONEBULK_FILES_FILE_JOBS_H_
