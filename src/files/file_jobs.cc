// FileJobs, first half: the directory, the jobs it holds and the API's
// operations on them. The runner and the retention sweep are in
// file_jobs_runner.cc.
#include "files/file_jobs.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <system_error>

#include "client/input_rules.h"
#include "client/state.h"
#include "common/crypto.h"
#include "common/strings.h"
#include "phone/types.h"

namespace phonebulk::files {
namespace {

namespace fs = std::filesystem;

constexpr char kIncoming[] = "incoming";
constexpr char kJobFile[] = "job.json";
constexpr char kUpload[] = "upload.csv";
constexpr size_t kMaxNameBytes = 255;

absl::Status MakePrivateDir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError("cannot create " + dir.string() + ": " +
                               ec.message());
  }
  // Uploads and job.json (with its token) are for the server alone.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return absl::InternalError("cannot make " + dir.string() + " private");
  }
  return absl::OkStatus();
}

std::string ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string ColumnList(const std::vector<std::string>& columns) {
  std::string out;
  for (const std::string& c : columns) {
    if (!out.empty()) out += ", ";
    out += '\'';
    out += SafeText(c, 64);
    out += '\'';
  }
  return SafeText(out, 300);
}

bool HasColumn(const FileJob& job, const std::string& name) {
  const auto& columns = job.preview.columns;
  return std::find(columns.begin(), columns.end(), name) != columns.end();
}

}  // namespace

FileJobs::FileJobs(FileJobsOptions options, store::AccountStore& accounts,
                   const Clock& clock, JobRunFn run)
    : options_(std::move(options)),
      accounts_(accounts),
      clock_(clock),
      run_(std::move(run)) {}

FileJobs::~FileJobs() {
  Stop();
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

absl::StatusOr<std::unique_ptr<FileJobs>> FileJobs::Open(
    FileJobsOptions options, store::AccountStore& accounts, const Clock& clock,
    JobRunFn run) {
  if (options.dir.empty()) {
    return absl::InvalidArgumentError("the files directory is not set");
  }
  std::unique_ptr<FileJobs> jobs(
      new FileJobs(std::move(options), accounts, clock, std::move(run)));
  absl::Status s = jobs->Load();
  if (!s.ok()) return s;
  return jobs;
}

absl::Status FileJobs::Load() {
  const fs::path dir(options_.dir);
  absl::Status s = MakePrivateDir(dir);
  if (!s.ok()) return s;
  // One owner at a time: a second server on the same directory would
  // resume, and so run twice, the same jobs.
  const std::string lock_path = (dir / ".lock").string();
  lock_fd_ = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd_ < 0) {
    return absl::InternalError("cannot open " + lock_path + ": " +
                               std::strerror(errno));
  }
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    return absl::FailedPreconditionError(
        dir.string() +
        " is in use by another phonebulk serve; give each server a files "
        "directory of its own (--files-dir)");
  }
  // Uploads cut off by a crash are of no use: nobody can refer to them.
  std::error_code ec;
  fs::remove_all(dir / kIncoming, ec);
  s = MakePrivateDir(dir / kIncoming);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    const std::string id = entry.path().filename().string();
    if (!entry.is_directory() || !IsUuid(id)) continue;
    absl::StatusOr<FileJob> job =
        JobFromJson(ReadWhole(entry.path() / kJobFile));
    if (!job.ok() || job->id != id) {
      // Accept() writes job.json last: without one the upload never
      // became a job anyone was told about.
      spdlog::warn("event=file_job_dropped job_id={} reason=\"{}\"", id,
                   SafeText(job.status().ToString()));
      fs::remove_all(entry.path(), ec);
      continue;
    }
    jobs_[id].job = *std::move(job);
  }
  if (ec) {
    return absl::InternalError("cannot read " + dir.string() + ": " +
                               ec.message());
  }
  spdlog::info("event=file_jobs_loaded dir=\"{}\" jobs={}",
               SafeText(options_.dir), jobs_.size());
  return absl::OkStatus();
}

std::string FileJobs::JobDir(std::string_view id) const {
  return (fs::path(options_.dir) / std::string(id)).string();
}

std::string FileJobs::NewUploadPath() const {
  return (fs::path(options_.dir) / kIncoming / NewUuidV4()).string();
}

absl::Status FileJobs::Save(const FileJob& job) const {
  const std::string path = (fs::path(JobDir(job.id)) / kJobFile).string();
  absl::Status s = client::WriteFileDurably(path, JobToJson(job));
  if (!s.ok()) return s;
  if (::chmod(path.c_str(), 0600) != 0) {
    return absl::InternalError("cannot make " + path + " private");
  }
  return absl::OkStatus();
}

JobView FileJobs::ViewOf(const Entry& entry) const {
  JobView view;
  view.job = entry.job;
  view.job.token.clear();  // never leaves this class
  view.rows_done = entry.rows_done;
  view.rows_total = entry.rows_total;
  // Measured over this process's run: until now while it runs, until its
  // completion once completed (a job resumed after a restart counts only
  // what this process did).
  const bool running = entry.job.status == JobStatus::kRunning;
  const bool completed = entry.job.status == JobStatus::kCompleted &&
                         entry.job.completed_at.has_value();
  if ((running || completed) && entry.rows_done_at_start >= 0) {
    const absl::Time end = running ? clock_.Now() : *entry.job.completed_at;
    const double seconds = absl::ToDoubleSeconds(end - entry.run_started);
    const int64_t done = entry.rows_done - entry.rows_done_at_start;
    if (seconds > 0 && done > 0) {
      view.rows_per_second = done / seconds;
      view.eta_seconds =
          (entry.rows_total - entry.rows_done) / view.rows_per_second;
    }
  }
  if (entry.job.status == JobStatus::kCompleted) {
    view.report_json =
        ReadWhole(fs::path(JobDir(entry.job.id)) / "report.json");
  }
  return view;
}

absl::StatusOr<const FileJobs::Entry*> FileJobs::Find(
    int64_t account_id, std::string_view id) const {
  auto it = jobs_.find(std::string(id));
  if (it == jobs_.end() || it->second.job.account_id != account_id) {
    return absl::NotFoundError("no file job " + SafeText(id, 64) +
                               " in this account");
  }
  return &it->second;
}

absl::StatusOr<JobView> FileJobs::Accept(int64_t account_id,
                                         std::string_view name,
                                         const std::string& upload_path) {
  FileJob job;
  job.id = NewUuidV4();
  job.account_id = account_id;
  job.name =
      name.empty() ? std::string(kUpload) : SafeText(name, kMaxNameBytes);
  job.created_at = clock_.Now();
  const fs::path dir(JobDir(job.id));
  absl::Status s = MakePrivateDir(dir);
  if (!s.ok()) return s;
  std::error_code ec;
  fs::rename(upload_path, dir / kUpload, ec);
  auto discard = [&] { fs::remove_all(dir, ec); };
  if (ec) {
    discard();
    return absl::InternalError("cannot keep the upload: " + ec.message());
  }
  job.size_bytes = static_cast<int64_t>(fs::file_size(dir / kUpload, ec));
  absl::StatusOr<UploadPreview> preview =
      ReadUploadPreview((dir / kUpload).string());
  if (!preview.ok()) {
    discard();
    return preview.status();
  }
  job.preview = *std::move(preview);
  s = Save(job);
  if (!s.ok()) {
    discard();
    return s;
  }
  spdlog::info("event=file_job_uploaded job_id={} account_id={} bytes={}",
               job.id, account_id, job.size_bytes);
  absl::MutexLock lock(&mu_);
  Entry& entry = jobs_[job.id];
  entry.job = std::move(job);
  return ViewOf(entry);
}

absl::Status FileJobs::CheckOptions(const FileJob& job,
                                    const JobOptions& o) const {
  if (o.phone_column.empty()) {
    return absl::InvalidArgumentError(
        "phone_column is required: name the column holding the numbers, one "
        "of " +
        ColumnList(job.preview.columns));
  }
  if (!HasColumn(job, o.phone_column)) {
    return absl::InvalidArgumentError(
        "phone_column '" + SafeText(o.phone_column, 64) +
        "' is not a column of the file; its columns are " +
        ColumnList(job.preview.columns));
  }
  if (!o.country_column.empty() && !HasColumn(job, o.country_column)) {
    return absl::InvalidArgumentError(
        "country_column '" + SafeText(o.country_column, 64) +
        "' is not a column of the file; its columns are " +
        ColumnList(job.preview.columns));
  }
  if (!o.country_column.empty() && !o.default_country.empty()) {
    return absl::InvalidArgumentError(
        "give country_column or default_country, not both (a per-row "
        "country column decides each row's country)");
  }
  if (!o.default_country.empty() &&
      client::ResolveCountry(o.default_country) == nullptr) {
    return absl::InvalidArgumentError(
        "default_country '" + SafeText(o.default_country, 64) +
        "' is not an ISO 3166 alpha-2 or alpha-3 code or an English country "
        "name");
  }
  if (!o.output_format.empty() &&
      !phone::FixedOutputFormatKind(o.output_format).has_value()) {
    return absl::InvalidArgumentError(
        "output_format '" + SafeText(o.output_format, 64) +
        "' is not one of E164, PLUS_E164, NATIONAL, INTERNATIONAL");
  }
  return absl::OkStatus();
}

absl::StatusOr<JobView> FileJobs::Start(int64_t account_id, std::string_view id,
                                        const JobOptions& options) {
  absl::MutexLock lock(&mu_);
  absl::StatusOr<const Entry*> found = Find(account_id, id);
  if (!found.ok()) return found.status();
  Entry& entry = jobs_[std::string(id)];
  if (entry.job.status != JobStatus::kUploaded) {
    return absl::FailedPreconditionError(
        "file job " + entry.job.id + " was started already; it is " +
        std::string(JobStatusName(entry.job.status)));
  }
  absl::Status s = CheckOptions(entry.job, options);
  if (!s.ok()) return s;
  FileJob job = entry.job;
  job.options = options;
  job.status = JobStatus::kRunning;
  job.started_at = clock_.Now();
  job.token = "pb_job_" + RandomHex(20);
  // job.json first: a crash after it is resumed and mints the token then
  // (EnsureToken); a token inserted first could outlive a lost job.
  s = Save(job);
  if (!s.ok()) return s;
  s = EnsureToken(job);
  if (!s.ok()) {
    absl::Status undo = Save(entry.job);
    if (!undo.ok())
      spdlog::error("event=file_job_undo_failed job_id={}", job.id);
    return s;
  }
  entry.job = std::move(job);
  entry.rows_done = 0;
  entry.rows_total = 0;
  entry.rows_done_at_start = -1;
  queue_.push_back(entry.job.id);
  changed_.SignalAll();
  spdlog::info("event=file_job_started job_id={} account_id={}", entry.job.id,
               account_id);
  return ViewOf(entry);
}

absl::StatusOr<JobView> FileJobs::Get(int64_t account_id,
                                      std::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<const Entry*> found = Find(account_id, id);
  if (!found.ok()) return found.status();
  return ViewOf(**found);
}

absl::StatusOr<std::vector<JobView>> FileJobs::List(int64_t account_id) const {
  std::vector<JobView> views;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [id, entry] : jobs_) {
      if (entry.job.account_id == account_id) views.push_back(ViewOf(entry));
    }
  }
  std::sort(views.begin(), views.end(), [](const JobView& a, const JobView& b) {
    if (a.job.created_at != b.job.created_at) {
      return a.job.created_at > b.job.created_at;
    }
    return a.job.id > b.job.id;
  });
  return views;
}

absl::StatusOr<std::string> FileJobs::ResultPath(int64_t account_id,
                                                 std::string_view id) const {
  absl::ReaderMutexLock lock(&mu_);
  absl::StatusOr<const Entry*> found = Find(account_id, id);
  if (!found.ok()) return found.status();
  const FileJob& job = (*found)->job;
  if (job.status != JobStatus::kCompleted) {
    return absl::FailedPreconditionError(
        "file job " + job.id + " is " + std::string(JobStatusName(job.status)) +
        "; its result can be downloaded once it is completed");
  }
  return (fs::path(JobDir(job.id)) / "result.csv").string();
}

}  // namespace phonebulk::files
