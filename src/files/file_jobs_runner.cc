// FileJobs, second half: the job threads, the per-job token and the
// retention sweep (file_jobs.h has the promises).
#include <spdlog/spdlog.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "common/crypto.h"
#include "common/strings.h"
#include "files/file_jobs.h"

namespace phonebulk::files {
namespace {

namespace fs = std::filesystem;

// "pb_job_" and 7 hex digits: what `token list` shows of a job's token.
constexpr size_t kTokenDisplayPrefix = 14;
constexpr size_t kMaxErrorBytes = 512;

}  // namespace

absl::Status FileJobs::EnsureToken(const FileJob& job) {
  const std::string hash = Sha256Hex(job.token);
  absl::StatusOr<store::Token> found = accounts_.FindTokenByHash(hash);
  if (found.ok()) {
    // Disabled by a run that ended before its job.json said so (a crash
    // in Finish): the rerun needs it again, and disables it at its end.
    if (found->disabled) return accounts_.SetTokenDisabled(hash, false);
    return absl::OkStatus();
  }
  if (!absl::IsNotFound(found.status())) return found.status();
  store::Token token;
  token.account_id = job.account_id;
  token.hash_hex = hash;
  token.display_prefix = job.token.substr(0, kTokenDisplayPrefix);
  // The job calls this server over loopback, and only the batch routes.
  token.products = store::kProductPhoneBulk;
  token.allow_ips = options_.token_allow_ips;
  absl::StatusOr<store::Token> inserted = accounts_.InsertToken(token);
  return inserted.status();
}

void FileJobs::StartRunner(std::string server_url) {
  {
    absl::MutexLock lock(&mu_);
    server_url_ = std::move(server_url);
    // Jobs left running by the last process, oldest start first, then any
    // started since Open(): each once.
    std::vector<const Entry*> running;
    for (const auto& [id, entry] : jobs_) {
      if (entry.job.status == JobStatus::kRunning) running.push_back(&entry);
    }
    std::sort(running.begin(), running.end(),
              [](const Entry* a, const Entry* b) {
                return a->job.started_at < b->job.started_at;
              });
    queue_.clear();
    for (const Entry* entry : running) {
      queue_.push_back(entry->job.id);
      spdlog::info("event=file_job_queued job_id={}", entry->job.id);
    }
  }
  for (int i = 0; i < std::max(1, options_.max_running); ++i) {
    threads_.emplace_back([this] { Worker(); });
  }
  threads_.emplace_back([this] { SweepLoop(); });
}

void FileJobs::Cancel() {
  cancel_ = true;
  absl::MutexLock lock(&mu_);
  stopping_ = true;
  changed_.SignalAll();
}

void FileJobs::Stop() {
  Cancel();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

void FileJobs::Worker() {
  for (;;) {
    std::string id;
    {
      absl::MutexLock lock(&mu_);
      while (!stopping_ && queue_.empty()) changed_.Wait(&mu_);
      if (stopping_) return;
      id = queue_.front();
      queue_.pop_front();
    }
    RunOne(id);
  }
}

void FileJobs::RunOne(const std::string& id) {
  RunRequest request;
  FileJob job;
  {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end() || it->second.job.status != JobStatus::kRunning) {
      return;
    }
    job = it->second.job;
    it->second.rows_done_at_start = -1;
    request.server = server_url_;
  }
  spdlog::info("event=file_job_running job_id={} account_id={}", id,
               job.account_id);
  absl::Status token = EnsureToken(job);
  if (!token.ok()) {
    Finish(id, absl::Status(token.code(),
                            "the job's API token could not be made: " +
                                std::string(token.message())));
    return;
  }
  const fs::path dir(JobDir(id));
  request.input = (dir / "upload.csv").string();
  request.output = (dir / "result.csv").string();
  request.state_path = (dir / "result.csv.state").string();
  request.report_path = (dir / "report.json").string();
  request.token = job.token;
  request.delimiter = job.preview.delimiter;
  request.options = job.options;
  request.cancel = &cancel_;
  request.on_progress = [this, id](int64_t done, int64_t total) {
    absl::MutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    Entry& entry = it->second;
    // The rate counts from the first report of this process's run, so a
    // resumed job's batches done before are not taken as instant.
    if (entry.rows_done_at_start < 0 && total > 0) {
      entry.rows_done_at_start = done;
      entry.run_started = clock_.Now();
    }
    entry.rows_done = done;
    entry.rows_total = total;
  };
  absl::StatusOr<JobSummary> result = run_(request);
  if (absl::IsCancelled(result.status()) && cancel_) {
    spdlog::info(
        "event=file_job_paused job_id={} reason=\"server stopping; "
        "resumed at the next start\"",
        id);
    return;
  }
  Finish(id, result);
}

void FileJobs::Finish(const std::string& id,
                      const absl::StatusOr<JobSummary>& result) {
  std::string token;
  {
    absl::ReaderMutexLock lock(&mu_);
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;
    token = it->second.job.token;
  }
  // Disabled before job.json says the job ended: a crash in between
  // leaves a running job, whose rerun enables the token again (see
  // EnsureToken), never an ended job with a live token.
  absl::Status disabled = accounts_.SetTokenDisabled(Sha256Hex(token), true);
  if (!disabled.ok() && !absl::IsNotFound(disabled)) {
    spdlog::error("event=file_job_token_not_disabled job_id={} error=\"{}\"",
                  id, SafeText(disabled.ToString()));
  }
  absl::MutexLock lock(&mu_);
  auto it = jobs_.find(id);
  if (it == jobs_.end()) return;
  Entry& entry = it->second;
  FileJob job = entry.job;
  job.completed_at = clock_.Now();
  if (result.ok()) {
    job.status = JobStatus::kCompleted;
    job.summary = *result;
    entry.rows_done = entry.rows_total = result->phones;
  } else {
    job.status = JobStatus::kFailed;
    job.error =
        SafeText(std::string(result.status().message()), kMaxErrorBytes);
  }
  if (absl::Status s = Save(job); !s.ok()) {
    // The job stays running on disk and is run again (for free) at the
    // next start; this process shows what it knows.
    spdlog::error("event=file_job_not_saved job_id={} error=\"{}\"", id,
                  SafeText(s.ToString()));
  }
  entry.job = std::move(job);
  if (result.ok()) {
    spdlog::info(
        "event=file_job_completed job_id={} account_id={} rows={} phones={} "
        "credits={}",
        id, entry.job.account_id, result->rows, result->phones,
        result->credits);
  } else {
    spdlog::warn("event=file_job_failed job_id={} account_id={} error=\"{}\"",
                 id, entry.job.account_id, entry.job.error);
  }
}

int FileJobs::Sweep() {
  std::vector<std::string> expired;
  {
    absl::MutexLock lock(&mu_);
    const absl::Time now = clock_.Now();
    for (auto it = jobs_.begin(); it != jobs_.end();) {
      const FileJob& job = it->second.job;
      // A running job is never swept; an uploaded one never started ages
      // from its upload.
      std::optional<absl::Time> end;
      if (job.status == JobStatus::kUploaded) end = job.created_at;
      if (job.status == JobStatus::kCompleted ||
          job.status == JobStatus::kFailed) {
        end = job.completed_at.value_or(job.created_at);
      }
      if (end.has_value() && now - *end > options_.retention) {
        expired.push_back(it->first);
        it = jobs_.erase(it);
      } else {
        ++it;
      }
    }
  }
  for (const std::string& id : expired) {
    std::error_code ec;
    fs::remove_all(JobDir(id), ec);
    spdlog::info("event=file_job_expired job_id={}{}", id,
                 ec ? " error=\"" + SafeText(ec.message()) + "\"" : "");
  }
  return static_cast<int>(expired.size());
}

void FileJobs::SweepLoop() {
  for (;;) {
    Sweep();
    absl::MutexLock lock(&mu_);
    const absl::Time wake = absl::Now() + options_.sweep_interval;
    while (!stopping_ && absl::Now() < wake) {
      changed_.WaitWithDeadline(&mu_, wake);
    }
    if (stopping_) return;
  }
}

}  // namespace phonebulk::files
