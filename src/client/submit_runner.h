#ifndef PHONEBULK_CLIENT_SUBMIT_RUNNER_H_
#define PHONEBULK_CLIENT_SUBMIT_RUNNER_H_

// The inside of `phonebulk submit` (submit_job.h has the promises): one
// Runner per run, shared by the reader, the workers and the progress
// thread. Split over submit_job.cc (preparing, cutting and sending
// batches) and submit_output.cc (progress, stitching the output, the
// summary). Internal to phonebulk_client.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "client/api_client.h"
#include "client/input_scan.h"
#include "client/job_queue.h"
#include "client/report.h"
#include "client/state.h"
#include "client/submit_job.h"

namespace phonebulk::client::internal {

using SteadyClock = std::chrono::steady_clock;

// The work dir file holding batch `index`'s result lines.
std::string BatchFile(const std::string& work_dir, int index);

// " (phones[12] is input line 4711)" when an error answer's `body` names a
// phone of the batch by its index, which means nothing to the user (`lines`
// holds each phone's input line); else "".
std::string NameInputLine(const std::string& body,
                          const std::vector<int64_t>& lines);

// Everything the threads of one run share. Thread-safe where annotated.
class Runner {
 public:
  explicit Runner(const SubmitOptions& o)
      : o_(o), work_dir_(o.state_path + ".d"), queue_(o.concurrency) {}

  absl::StatusOr<SubmitSummary> Run();

 private:
  absl::Status Prepare();
  absl::Status RecoverIds() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::Status ReadAndDispatch();
  absl::Status ProcessBatch(ApiClient& api, const Job& job);
  // Fetches the `phones` results of the batch at `path` page by page into
  // `file` (one line of result fields per phone), counting them by
  // confidence into `stats`; `credits` is what the batch charged. `name`
  // prefixes errors.
  absl::Status FetchResults(ApiClient& api, const std::string& name,
                            const std::string& path, int64_t phones,
                            const std::string& file,
                            std::map<std::string, int64_t>* stats,
                            int64_t* credits);
  // Writes the output; counts its rows into `tally` unless null.
  absl::Status Stitch(SubmitSummary* summary, ReportTally* tally);
  void Worker();
  // Reports progress (progress_out, on_progress) and watches
  // options.cancel until the batches are done.
  void ProgressLoop();
  bool Cancelled() const { return o_.cancel != nullptr && o_.cancel->load(); }
  void Fail(absl::Status s) {
    absl::MutexLock lock(&mu_);
    if (error_.ok()) error_ = std::move(s);
    failed_ = true;
  }
  absl::Status SaveLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return SaveState(o_.state_path, state_);
  }
  BatchState Snapshot(int index) {
    absl::MutexLock lock(&mu_);
    return state_.batches[index];
  }
  ApiClient NewApiClient() {
    return ApiClient(o_.server, o_.token, &gate_, o_.retries, o_.warnings_out);
  }

  const SubmitOptions& o_;
  const std::string work_dir_;
  InputScan input_;  // set by Prepare() before any worker starts
  RateGate gate_;
  JobQueue queue_;
  // Set by Prepare() before any worker starts, read-only after.
  std::string default_country_;  // --country as alpha-3
  std::string reference_prefix_;
  std::map<std::string, std::string> recovered_ids_;  // reference -> id
  std::atomic<bool> failed_{false};
  std::atomic<int64_t> phones_total_{0};
  std::atomic<int64_t> phones_done_{0};
  std::atomic<bool> finished_{false};
  int64_t resumed_ = 0;
  SteadyClock::time_point started_at_ = SteadyClock::now();

  absl::Mutex mu_;
  RunState state_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

}  // namespace phonebulk::client::internal

#endif  // PHONEBULK_CLIENT_SUBMIT_RUNNER_H_
