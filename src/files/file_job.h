#ifndef PHONEBULK_FILES_FILE_JOB_H_
#define PHONEBULK_FILES_FILE_JOB_H_

// One file job as it is kept in its job.json and shown by the API
// (docs/console.md, "File jobs: the API"). Plain data; thread-compatible.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "files/upload_preview.h"

namespace phonebulk::files {

enum class JobStatus { kUploaded, kRunning, kCompleted, kFailed };

// "uploaded", "running", "completed", "failed".
std::string_view JobStatusName(JobStatus status);

// What POST /v1/files/{id}/start chose; "" when not given.
struct JobOptions {
  std::string phone_column;
  std::string country_column;
  std::string default_country;
  std::string output_format;
};

// The figures of a completed job (client::SubmitSummary's).
struct JobSummary {
  int64_t rows = 0;
  int64_t phones = 0;
  int64_t empty_rows = 0;
  int64_t bad_rows = 0;
  int64_t duplicate_rows = 0;
  int64_t batches = 0;
  int64_t credits = 0;
};

struct FileJob {
  std::string id;  // a lower-case UUID, also its directory's name
  int64_t account_id = 0;
  std::string name;  // as uploaded (?name=), cleaned
  int64_t size_bytes = 0;
  JobStatus status = JobStatus::kUploaded;
  absl::Time created_at;
  std::optional<absl::Time> started_at;
  std::optional<absl::Time> completed_at;  // completed or failed
  UploadPreview preview;
  JobOptions options;  // set by start
  // The per-job API token the runner authenticates with, minted at start
  // (the store keeps only its hash). Secret: only in the 0600 job.json,
  // never in an answer or a log.
  std::string token;
  std::string error;                  // when failed: why, for a person
  std::optional<JobSummary> summary;  // when completed
};

// job.json's text, and back (InvalidArgument when it does not parse).
std::string JobToJson(const FileJob& job);
absl::StatusOr<FileJob> JobFromJson(std::string_view text);

}  // namespace phonebulk::files

#endif  // PHONEBULK_FILES_FILE_JOB_H_
