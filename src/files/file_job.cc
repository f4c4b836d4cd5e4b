#include "files/file_job.h"

#include <nlohmann/json.hpp>

namespace phonebulk::files {
namespace {

using Json = nlohmann::json;

constexpr JobStatus kStatuses[] = {JobStatus::kUploaded, JobStatus::kRunning,
                                   JobStatus::kCompleted, JobStatus::kFailed};

Json TimeJson(const std::optional<absl::Time>& t) {
  if (!t.has_value()) return nullptr;
  return absl::ToUnixMicros(*t);
}

std::optional<absl::Time> TimeOf(const Json& j) {
  if (!j.is_number_integer()) return std::nullopt;
  return absl::FromUnixMicros(j.get<int64_t>());
}

}  // namespace

std::string_view JobStatusName(JobStatus status) {
  switch (status) {
    case JobStatus::kUploaded:
      return "uploaded";
    case JobStatus::kRunning:
      return "running";
    case JobStatus::kCompleted:
      return "completed";
    case JobStatus::kFailed:
      return "failed";
  }
  return "failed";
}

std::string JobToJson(const FileJob& job) {
  Json j;
  j["id"] = job.id;
  j["account_id"] = job.account_id;
  j["name"] = job.name;
  j["size_bytes"] = job.size_bytes;
  j["status"] = JobStatusName(job.status);
  j["created_at"] = TimeJson(job.created_at);
  j["started_at"] = TimeJson(job.started_at);
  j["completed_at"] = TimeJson(job.completed_at);
  j["delimiter"] = std::string(1, job.preview.delimiter);
  j["columns"] = job.preview.columns;
  j["preview"] = job.preview.rows;
  j["suggested_phone_column"] = job.preview.suggested_phone_column;
  j["suggested_country_column"] = job.preview.suggested_country_column;
  j["options"] = {{"phone_column", job.options.phone_column},
                  {"country_column", job.options.country_column},
                  {"default_country", job.options.default_country},
                  {"output_format", job.options.output_format}};
  j["token"] = job.token;
  j["error"] = job.error;
  if (job.summary) {
    const JobSummary& s = *job.summary;
    j["summary"] = {{"rows", s.rows},
                    {"phones", s.phones},
                    {"empty_rows", s.empty_rows},
                    {"bad_rows", s.bad_rows},
                    {"duplicate_rows", s.duplicate_rows},
                    {"batches", s.batches},
                    {"credits", s.credits}};
  }
  // Names are cleaned and cells SafeText'ed, but a header may hold any
  // valid UTF-8: dump() never meets invalid text here.
  return j.dump(2, ' ', false, Json::error_handler_t::replace);
}

absl::StatusOr<FileJob> JobFromJson(std::string_view text) {
  Json j = Json::parse(text, nullptr, false);
  if (!j.is_object()) return absl::InvalidArgumentError("job.json: not JSON");
  try {
    FileJob job;
    job.id = j.at("id").get<std::string>();
    job.account_id = j.at("account_id").get<int64_t>();
    job.name = j.at("name").get<std::string>();
    job.size_bytes = j.at("size_bytes").get<int64_t>();
    const std::string status = j.at("status").get<std::string>();
    bool known = false;
    for (JobStatus s : kStatuses) {
      if (JobStatusName(s) == status) {
        job.status = s;
        known = true;
      }
    }
    if (!known) return absl::InvalidArgumentError("job.json: bad status");
    std::optional<absl::Time> created = TimeOf(j.at("created_at"));
    if (!created) return absl::InvalidArgumentError("job.json: no created_at");
    job.created_at = *created;
    job.started_at = TimeOf(j.at("started_at"));
    job.completed_at = TimeOf(j.at("completed_at"));
    const std::string delimiter = j.at("delimiter").get<std::string>();
    if (delimiter.size() != 1) {
      return absl::InvalidArgumentError("job.json: bad delimiter");
    }
    job.preview.delimiter = delimiter[0];
    job.preview.columns = j.at("columns").get<std::vector<std::string>>();
    job.preview.rows =
        j.at("preview").get<std::vector<std::vector<std::string>>>();
    job.preview.suggested_phone_column =
        j.at("suggested_phone_column").get<std::string>();
    job.preview.suggested_country_column =
        j.at("suggested_country_column").get<std::string>();
    const Json& o = j.at("options");
    job.options.phone_column = o.at("phone_column").get<std::string>();
    job.options.country_column = o.at("country_column").get<std::string>();
    job.options.default_country = o.at("default_country").get<std::string>();
    job.options.output_format = o.at("output_format").get<std::string>();
    job.token = j.at("token").get<std::string>();
    job.error = j.at("error").get<std::string>();
    if (j.contains("summary")) {
      const Json& s = j["summary"];
      JobSummary summary;
      summary.rows = s.at("rows").get<int64_t>();
      summary.phones = s.at("phones").get<int64_t>();
      summary.empty_rows = s.at("empty_rows").get<int64_t>();
      summary.bad_rows = s.at("bad_rows").get<int64_t>();
      summary.duplicate_rows = s.at("duplicate_rows").get<int64_t>();
      summary.batches = s.at("batches").get<int64_t>();
      summary.credits = s.at("credits").get<int64_t>();
      job.summary = summary;
    }
    return job;
  } catch (const Json::exception& e) {
    return absl::InvalidArgumentError(std::string("job.json: ") + e.what());
  }
}

}  // namespace phonebulk::files
