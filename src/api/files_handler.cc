// The file-job routes (docs/console.md, "File jobs: the API"): upload,
// start, status, list and the result download. The work is FileJobs'
// (files/file_jobs.h); routing, header rules, the token (Bulk product), the
// rate limit and the caller's account happen in api.cc before any of these
// run, exactly as for the batch routes.

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <spdlog/spdlog.h>

#include <optional>
#include <string>
#include <string_view>

#include "api/handlers.h"
#include "api/query.h"
#include "common/strings.h"
#include "common/time_format.h"
#include "files/file_jobs.h"

namespace phonebulk::api {
namespace {

namespace http = boost::beast::http;
using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

constexpr char kNoFileJobs[] =
    "file jobs are not enabled on this server (serve without a files "
    "directory)";

void Str(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// key: value, or key: null when value is empty.
void StrOrNull(Writer& w, std::string_view key, std::string_view value) {
  if (value.empty()) {
    w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
    w.Null();
  } else {
    Str(w, key, value);
  }
}

void TimeOrNull(Writer& w, std::string_view key,
                const std::optional<absl::Time>& t) {
  StrOrNull(w, key, t ? FormatIsoTime(*t) : "");
}

void Int(Writer& w, std::string_view key, int64_t value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.Int64(value);
}

void StringArray(Writer& w, const std::vector<std::string>& values) {
  w.StartArray();
  for (const std::string& v : values) {
    w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
  }
  w.EndArray();
}

void WriteProgress(Writer& w, const files::JobView& v) {
  w.Key("progress");
  w.StartObject();
  Int(w, "rows_done", v.rows_done);
  Int(w, "rows_total", v.rows_total);
  w.Key("percent");
  // A completed job with no number to send is done all the same.
  const bool completed = v.job.status == files::JobStatus::kCompleted;
  w.Double(v.rows_total > 0 ? 100.0 * v.rows_done / v.rows_total
                            : (completed ? 100.0 : 0.0));
  w.Key("rows_per_second");
  w.Double(v.rows_per_second);
  w.Key("eta_seconds");
  if (v.eta_seconds >= 0) {
    w.Double(v.eta_seconds);
  } else {
    w.Null();
  }
  w.EndObject();
}

void WriteSummary(Writer& w, const files::JobSummary& s) {
  w.Key("summary");
  w.StartObject();
  Int(w, "rows", s.rows);
  Int(w, "phones", s.phones);
  Int(w, "empty_rows", s.empty_rows);
  Int(w, "bad_rows", s.bad_rows);
  Int(w, "duplicate_rows", s.duplicate_rows);
  Int(w, "batches", s.batches);
  Int(w, "credits", s.credits);
  w.EndObject();
}

// The report is the client's own JSON (client/report.h), embedded once it
// is known to parse, less its "input" and "output": paths inside the
// files directory, which are the server's business.
void WriteReport(Writer& w, const std::string& report) {
  w.Key("report");
  rapidjson::Document doc;
  doc.Parse(report.data(), report.size());
  if (report.empty() || doc.HasParseError() || !doc.IsObject()) {
    w.Null();
    return;
  }
  doc.RemoveMember("input");
  doc.RemoveMember("output");
  doc.Accept(w);
}

void WriteJob(Writer& w, const files::JobView& v) {
  const files::FileJob& job = v.job;
  const bool started = job.status != files::JobStatus::kUploaded;
  const bool completed = job.status == files::JobStatus::kCompleted;
  w.StartObject();
  Str(w, "id", job.id);
  Str(w, "name", job.name);
  Int(w, "size_bytes", job.size_bytes);
  Str(w, "status", files::JobStatusName(job.status));
  TimeOrNull(w, "created_at", job.created_at);
  TimeOrNull(w, "started_at", job.started_at);
  TimeOrNull(w, "completed_at", job.completed_at);
  Str(w, "delimiter", std::string(1, job.preview.delimiter));
  w.Key("columns");
  StringArray(w, job.preview.columns);
  w.Key("preview");
  w.StartArray();
  for (const auto& row : job.preview.rows) StringArray(w, row);
  w.EndArray();
  w.Key("suggested");
  w.StartObject();
  StrOrNull(w, "phone_column", job.preview.suggested_phone_column);
  StrOrNull(w, "country_column", job.preview.suggested_country_column);
  w.EndObject();
  w.Key("options");
  if (started) {
    w.StartObject();
    Str(w, "phone_column", job.options.phone_column);
    StrOrNull(w, "country_column", job.options.country_column);
    StrOrNull(w, "default_country", job.options.default_country);
    StrOrNull(w, "output_format", job.options.output_format);
    w.EndObject();
    WriteProgress(w, v);
  } else {
    w.Null();
  }
  if (completed && job.summary) {
    WriteSummary(w, *job.summary);
    WriteReport(w, v.report_json);
  }
  StrOrNull(w, "error", job.error);
  StrOrNull(w, "result_url",
            completed ? "/v1/files/" + job.id + "/result" : "");
  w.EndObject();
}

std::string JobJson(const files::JobView& view) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  WriteJob(w, view);
  return std::string(buffer.GetString(), buffer.GetSize());
}

// FailedPrecondition of a job (started twice, result too early) is a
// conflict with the job's state; everything else maps as usual.
HttpResponse JobError(const RequestScope& scope, const absl::Status& status) {
  if (absl::IsFailedPrecondition(status)) {
    return ErrorAnswer(scope, 409, std::string(status.message()));
  }
  return StatusAnswer(scope, status);
}

HttpResponse JobAnswer(const files::JobView& view, http::status status) {
  HttpResponse res = JsonAnswer(JobJson(view));
  res.result(status);
  return res;
}

// The start body: string fields, each optional but phone_column.
absl::StatusOr<files::JobOptions> ParseStartBody(std::string_view body) {
  rapidjson::Document doc;
  doc.Parse(body.data(), body.size());
  if (body.empty() || doc.HasParseError() || !doc.IsObject()) {
    return absl::InvalidArgumentError(
        "the body must be a JSON object such as {\"phone_column\": "
        "\"phone\"}");
  }
  files::JobOptions options;
  const std::pair<const char*, std::string*> fields[] = {
      {"phone_column", &options.phone_column},
      {"country_column", &options.country_column},
      {"default_country", &options.default_country},
      {"output_format", &options.output_format}};
  // By index: comparing RapidJSON's member iterators is ambiguous in C++20
  // (clang's -Wambiguous-reversed-operator).
  for (rapidjson::SizeType i = 0; i < doc.MemberCount(); ++i) {
    const auto it = doc.MemberBegin() + i;
    const std::string name(it->name.GetString(), it->name.GetStringLength());
    std::string* target = nullptr;
    for (const auto& [field, out] : fields) {
      if (name == field) target = out;
    }
    if (target == nullptr) {
      return absl::InvalidArgumentError(
          "unknown field '" + SafeText(name, 64) +
          "'; the fields are phone_column, country_column, default_country "
          "and output_format");
    }
    if (it->value.IsNull()) continue;
    if (!it->value.IsString()) {
      return absl::InvalidArgumentError(name + " must be a string");
    }
    target->assign(it->value.GetString(), it->value.GetStringLength());
  }
  return options;
}

// A file name for Content-Disposition: the upload's name with
// ".validated.csv", reduced to characters that need no quoting rules.
std::string DownloadName(const std::string& name) {
  std::string base = name;
  if (base.size() > 4 &&
      EqualsIgnoreCase(base.substr(base.size() - 4), ".csv")) {
    base.resize(base.size() - 4);
  }
  std::string out;
  for (char c : base.substr(0, 100)) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                       (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                       c == '_';
    out.push_back(plain ? c : '_');
  }
  if (out.empty()) out = "result";
  return out + ".validated.csv";
}

}  // namespace

HttpResponse HandleUploadFile(RequestScope& scope) {
  files::FileJobs* jobs = scope.services.files;
  if (jobs == nullptr) {
    return StatusAnswer(scope, absl::UnavailableError(kNoFileJobs));
  }
  if (scope.ctx.body_file.empty()) {
    return StatusAnswer(scope, absl::InvalidArgumentError(
                                   "send the CSV file as the request body "
                                   "(with Content-Length or chunked)"));
  }
  std::string name;
  for (const QueryParam& param : ParseQuery(scope.request.target())) {
    if (param.name == "name") name = param.value;
  }
  auto view = jobs->Accept(scope.account->id, name, scope.ctx.body_file);
  if (!view.ok()) return JobError(scope, view.status());
  return JobAnswer(*view, http::status::created);
}

HttpResponse HandleStartFile(RequestScope& scope) {
  files::FileJobs* jobs = scope.services.files;
  if (jobs == nullptr) {
    return StatusAnswer(scope, absl::UnavailableError(kNoFileJobs));
  }
  auto options = ParseStartBody(scope.request.body());
  if (!options.ok()) return StatusAnswer(scope, options.status());
  auto view = jobs->Start(scope.account->id, scope.batch_id, *options);
  if (!view.ok()) return JobError(scope, view.status());
  return JobAnswer(*view, http::status::accepted);
}

HttpResponse HandleGetFile(RequestScope& scope) {
  files::FileJobs* jobs = scope.services.files;
  if (jobs == nullptr) {
    return StatusAnswer(scope, absl::UnavailableError(kNoFileJobs));
  }
  auto view = jobs->Get(scope.account->id, scope.batch_id);
  if (!view.ok()) return JobError(scope, view.status());
  return JobAnswer(*view, http::status::ok);
}

HttpResponse HandleListFiles(RequestScope& scope) {
  files::FileJobs* jobs = scope.services.files;
  if (jobs == nullptr) {
    return StatusAnswer(scope, absl::UnavailableError(kNoFileJobs));
  }
  auto views = jobs->List(scope.account->id);
  if (!views.ok()) return JobError(scope, views.status());
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  w.Key("files");
  w.StartArray();
  for (const files::JobView& view : *views) WriteJob(w, view);
  w.EndArray();
  w.EndObject();
  return JsonAnswer(std::string(buffer.GetString(), buffer.GetSize()));
}

HttpResponse HandleFileResult(RequestScope& scope) {
  files::FileJobs* jobs = scope.services.files;
  if (jobs == nullptr) {
    return StatusAnswer(scope, absl::UnavailableError(kNoFileJobs));
  }
  auto path = jobs->ResultPath(scope.account->id, scope.batch_id);
  if (!path.ok()) return JobError(scope, path.status());
  auto view = jobs->Get(scope.account->id, scope.batch_id);
  if (!view.ok()) return JobError(scope, view.status());
  HttpResponse res{http::status::ok, 11};
  res.set(http::field::content_type, "text/csv");
  res.set(http::field::content_disposition,
          "attachment; filename=\"" + DownloadName(view->job.name) + "\"");
  // Streamed from disk by the HTTP layer (http_server.h).
  res.set(::phonebulk::http::kBodyFileHeader, *path);
  return res;
}

}  // namespace phonebulk::api
