// `phonebulk submit`, first half: preparing a run (scan, state, ids of a
// previous run), cutting the sent rows into batches and taking each batch
// through the API. The output side is in submit_output.cc.
#include "client/submit_job.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>

#include "client/backoff.h"
#include "client/csv_io.h"
#include "client/input_rules.h"
#include "client/report.h"
#include "client/result_row.h"
#include "client/submit_runner.h"
#include "common/strings.h"
#include "model/result_schema.h"

namespace phonebulk::client::internal {
namespace {

using Json = nlohmann::json;

// The last part of the state's options: which result columns the saved
// batch files hold. A state written by an earlier version names other
// columns (kOlderColumns); see Prepare.
constexpr char kColumnsOption[] = ";columns=disposable,validity";
// Before the valid and reason columns (""), and before disposable_number.
constexpr std::string_view kOlderColumns[] = {"", ";columns=validity"};

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

// The status of an API call that failed for good, coded so the CLI can
// tell the user what to do (cli/exit_codes.h): no HTTP answer at all is
// Unavailable, a refusal for lack of credits ResourceExhausted (the server
// says 403 "not enough credits"; 402 is what other providers use), and
// anything else Aborted.
absl::Status ApiFailure(const std::string& what, const ApiResponse& r) {
  if (r.status == 0) {
    return absl::UnavailableError(
        what + ": server unreachable after " + std::to_string(r.attempts) +
        (r.attempts == 1 ? " attempt (" : " attempts (") + r.error + ")");
  }
  if (r.status == 402 ||
      (r.status == 403 &&
       r.body.find("not enough credits") != std::string::npos)) {
    return absl::ResourceExhaustedError(
        what + ": not enough credits: " + SafeText(r.error, 512));
  }
  return absl::AbortedError(what + ": " + SafeText(r.error, 512));
}

}  // namespace

std::string BatchFile(const std::string& work_dir, int index) {
  char name[32];
  std::snprintf(name, sizeof(name), "/batch_%06d.csv", index);
  return work_dir + name;
}

std::string NameInputLine(const std::string& body,
                          const std::vector<int64_t>& lines) {
  const size_t at = body.find("phones[");
  if (at == std::string::npos) return "";
  const char* digits = body.c_str() + at + 7;
  char* end = nullptr;
  const long long index = std::strtoll(digits, &end, 10);
  if (end == digits || *end != ']' || index < 0 ||
      index >= static_cast<long long>(lines.size())) {
    return "";
  }
  return " (phones[" + std::to_string(index) + "] is input line " +
         std::to_string(lines[static_cast<size_t>(index)]) + ")";
}

absl::Status Runner::Prepare() {
  if (o_.batch_size < 1 || o_.batch_size > 10000) {
    return absl::InvalidArgumentError("batch size must be 1..10000");
  }
  for (const std::string& report : o_.reports) {
    absl::StatusOr<ReportKind> kind = ReportKindOf(report);
    if (!kind.ok()) return kind.status();
  }
  if (o_.results_page < 1 || o_.results_page > 10000) {
    return absl::InvalidArgumentError("--results-page must be 1..10000");
  }
  if (o_.concurrency < 1) {
    return absl::InvalidArgumentError("--concurrency must be at least 1");
  }
  if (!o_.country.empty() && !o_.country_column.empty()) {
    return absl::InvalidArgumentError(
        "--country and --country-column exclude each other");
  }
  if (!o_.country.empty()) {
    // The same forms as a country cell: "GB", "United Kingdom", "UK".
    const phone::Country* c = ResolveCountry(o_.country);
    if (c == nullptr) {
      return absl::InvalidArgumentError(
          "--country '" + SafeText(o_.country, 64) +
          "' is not an ISO 3166 code or English country name");
    }
    default_country_ = c->alpha3;
  }
  // One quick pass (about a second per million rows) finds the columns
  // and counts the numbers, so progress can show an ETA from the start.
  absl::StatusOr<InputScan> scan =
      ScanInput(o_.input, o_.delimiter, o_.column, o_.country_column, o_.dedupe,
                o_.warnings_out);
  if (!scan.ok()) return scan.status();
  input_ = *std::move(scan);
  phones_total_ = input_.phones;

  RunState fresh;
  absl::Status s =
      FingerprintFile(o_.input, &fresh.input_size, &fresh.input_head_hash);
  if (!s.ok()) return s;
  // Deduplication changes the batches, so it is part of the options; it is
  // only written when on, so a state from before it existed still matches
  // --no-dedupe (the batches are the same).
  fresh.options = "column=" + o_.column + ";country=" + o_.country +
                  ";country_column=" + o_.country_column +
                  ";format=" + o_.format +
                  ";metadata=" + (o_.metadata ? "1" : "0") +
                  ";delimiter=" + std::string(1, o_.delimiter) +
                  ";batch_size=" + std::to_string(o_.batch_size) +
                  (o_.dedupe ? ";dedupe=1" : "") + kColumnsOption;
  absl::StatusOr<RunState> loaded = LoadState(o_.state_path);
  absl::MutexLock lock(&mu_);
  if (loaded.ok()) {
    if (loaded->input_size != fresh.input_size ||
        loaded->input_head_hash != fresh.input_head_hash) {
      return absl::FailedPreconditionError(
          "the state file " + o_.state_path +
          " belongs to a different input file (size or content differ); "
          "use another --state, or delete it to start over");
    }
    const std::string_view base =
        std::string_view(fresh.options)
            .substr(0, fresh.options.size() - std::strlen(kColumnsOption));
    for (std::string_view older : kOlderColumns) {
      if (loaded->options.size() == base.size() + older.size() &&
          loaded->options.starts_with(base) &&
          loaded->options.ends_with(older)) {
        // Written by a version with other result columns: its saved batch
        // files lack some, so their results are fetched again (free)
        // rather than stitched into rows of another width.
        loaded->options = fresh.options;
        for (BatchState& b : loaded->batches) b.saved = false;
        break;
      }
    }
    if (loaded->options != fresh.options) {
      return absl::FailedPreconditionError(
          "the state file " + o_.state_path +
          " was written with other options (" + loaded->options +
          "); rerun with the same options, or use another --state");
    }
    state_ = *std::move(loaded);
  } else if (absl::IsNotFound(loaded.status())) {
    // A run-unique prefix, so batches of different runs never match.
    fresh.reference_prefix =
        "phonebulk-" +
        Fnv1aHex(
            fresh.input_head_hash + fresh.options +
            std::to_string(
                std::chrono::system_clock::now().time_since_epoch().count()) +
            std::to_string(::getpid()))
            .substr(0, 12) +
        "-";
    state_ = fresh;
    s = SaveLocked();
    if (!s.ok()) return s;
  } else {
    return loaded.status();
  }
  reference_prefix_ = state_.reference_prefix;
  std::error_code ec;
  std::filesystem::create_directories(work_dir_, ec);
  if (ec) {
    return absl::InternalError("cannot create " + work_dir_ + ": " +
                               ec.message());
  }
  return RecoverIds();
}

absl::Status Runner::RecoverIds() {
  // A crash between "create" and saving its id would otherwise make the
  // rerun create (and pay for) that batch again.
  bool missing_id = false;
  for (const BatchState& b : state_.batches) {
    if (b.batch_id.empty()) missing_id = true;
  }
  if (!missing_id) return absl::OkStatus();
  ApiClient api = NewApiClient();
  ApiResponse r = api.Call("GET", kBatchesPath);
  if (!r.ok()) return ApiFailure("listing batches to resume", r);
  Json j = Json::parse(r.body, nullptr, false);
  if (j.is_object() && j["result"]["batches"].is_array()) {
    for (const Json& b : j["result"]["batches"]) {
      std::string ref = StringAt(b, "batch_reference_id");
      if (ref.starts_with(state_.reference_prefix)) {
        recovered_ids_[ref] = StringAt(b, "batch_id");
      }
    }
  }
  return absl::OkStatus();
}

absl::Status Runner::ReadAndDispatch() {
  Job job;
  int64_t first_row = -1;
  int64_t last_row = -1;
  absl::Status inner;
  auto emit = [&]() -> bool {
    BatchState b;
    b.index = job.index;
    b.first_row = first_row;
    b.end_row = last_row + 1;
    b.phones = static_cast<int64_t>(job.phones.size());
    bool skip = false;
    {
      absl::MutexLock lock(&mu_);
      if (job.index < static_cast<int>(state_.batches.size())) {
        const BatchState& old = state_.batches[job.index];
        if (old.first_row != b.first_row || old.end_row != b.end_row ||
            old.phones != b.phones) {
          inner = absl::FailedPreconditionError(
              "the state file's batch " + std::to_string(job.index) +
              " does not match the input; use another --state");
          return false;
        }
        skip = old.saved && FileExists(BatchFile(work_dir_, job.index));
      } else {
        state_.batches.push_back(b);
        inner = SaveLocked();
        if (!inner.ok()) return false;
      }
    }
    if (skip) {
      ++resumed_;
      phones_done_ += b.phones;
    } else if (!queue_.Push(std::move(job))) {
      return false;
    }
    int next = b.index + 1;
    job = Job{};
    job.index = next;
    first_row = -1;
    return !failed_;
  };
  CsvReadOptions csv;
  csv.delimiter = o_.delimiter;
  absl::Status s = ReadCsvFile(o_.input, csv, [&](const CsvRecord& r) {
    if (r.index == 0) return true;
    const int64_t row = r.index - 1;
    std::string iso;
    if (input_.Plan(r.fields, row, &iso, nullptr) != RowKind::kSend) {
      return true;
    }
    if (first_row < 0) first_row = row;
    last_row = row;
    job.phones.emplace_back(r.fields[input_.columns.phone], std::move(iso));
    job.lines.push_back(r.line);
    if (static_cast<int>(job.phones.size()) == o_.batch_size) return emit();
    return !failed_;
  });
  if (s.ok() && inner.ok() && !job.phones.empty() && !failed_) emit();
  if (!inner.ok()) return inner;
  return s;
}
absl::Status Runner::ProcessBatch(ApiClient& api, const Job& job) {
  BatchState b = Snapshot(job.index);
  const std::string name = "batch " + std::to_string(job.index);
  const std::string reference = reference_prefix_ + std::to_string(job.index);
  if (b.batch_id.empty()) {
    auto found = recovered_ids_.find(reference);
    if (found != recovered_ids_.end()) {
      b.batch_id = found->second;
    } else {
      Json body;
      Json defaults = {{"batch_reference_id", reference}};
      if (!o_.format.empty()) defaults["output_format"] = o_.format;
      if (!default_country_.empty()) {
        defaults["country_iso"] = default_country_;
      }
      body["defaults"] = std::move(defaults);
      Json phones = Json::array();
      for (const auto& [number, iso] : job.phones) {
        Json p = {{"number", number}};
        if (input_.columns.country >= 0 && !iso.empty()) p["country_iso"] = iso;
        phones.push_back(std::move(p));
      }
      body["phones"] = std::move(phones);
      // The key is the batch's reference: derived from the state (its
      // run prefix and index), so a retry in this run and a resumed run
      // after a crash both replay a create whose answer was lost.
      // Rows with cells that are not UTF-8 were left out; `replace` only
      // guards options from the command line (dump() would throw).
      const std::string text =
          body.dump(-1, ' ', false, Json::error_handler_t::replace);
      ApiResponse r = api.Call("POST", kBatchesPath, text,
                               /*add_metadata=*/false, reference);
      if (!r.ok()) {
        return ApiFailure(
            name + ": create failed" + NameInputLine(r.body, job.lines), r);
      }
      Json j = Json::parse(r.body, nullptr, false);
      if (!j.is_object()) return absl::InternalError(name + ": bad JSON");
      b.batch_id = StringAt(j["result"], "batch_id");
    }
    if (b.batch_id.empty()) {
      return absl::InternalError(name + ": no batch_id in the answer");
    }
    absl::MutexLock lock(&mu_);
    state_.batches[job.index].batch_id = b.batch_id;
    absl::Status s = SaveLocked();
    if (!s.ok()) return s;
  }
  const std::string path = std::string(kBatchesPath) + "/" + b.batch_id;
  Backoff poll(o_.poll_initial, o_.poll_cap, 1.5, 0.2);
  bool start_needed = !b.started;
  for (;;) {
    if (start_needed) {
      ApiResponse r = api.Call("POST", path + "/start");
      // 400: no longer `submitted` (started before a crash); the status
      // poll below tells what it is.
      if (!r.ok() && r.status != 400) {
        return ApiFailure(name + " (" + b.batch_id + "): start failed", r);
      }
      absl::MutexLock lock(&mu_);
      state_.batches[job.index].started = true;
      absl::Status s = SaveLocked();
      if (!s.ok()) return s;
      start_needed = false;
    }
    ApiResponse r = api.Call("GET", path);
    if (!r.ok()) {
      return ApiFailure(name + " (" + b.batch_id + "): status failed", r);
    }
    Json j = Json::parse(r.body, nullptr, false);
    std::string status = j.is_object() ? StringAt(j["result"], "status") : "";
    if (status == "completed" || status == "stopped") break;
    if (status == "submitted") start_needed = true;
    // In slices, so a failed or cancelled run stops polling at once.
    const auto wake = std::chrono::steady_clock::now() + poll.Next();
    while (!failed_ && std::chrono::steady_clock::now() < wake) {
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (failed_) return absl::CancelledError(name + ": the run is ending");
  }
  std::map<std::string, int64_t> stats;
  int64_t credits = 0;
  absl::Status s =
      FetchResults(api, name + " (" + b.batch_id + ")", path, b.phones,
                   BatchFile(work_dir_, job.index), &stats, &credits);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  BatchState& saved = state_.batches[job.index];
  saved.saved = true;
  saved.started = true;
  saved.credits = credits;
  saved.statistics = std::move(stats);
  phones_done_ += b.phones;
  return SaveLocked();
}

absl::Status Runner::FetchResults(ApiClient& api, const std::string& name,
                                  const std::string& path, int64_t phones,
                                  const std::string& file,
                                  std::map<std::string, int64_t>* stats,
                                  int64_t* credits) {
  // Page by page (?offset=&limit=, docs/results-extensions.md), each page
  // written out before the next is asked, so a worker holds one page, not
  // a batch of 10,000 parsed phones. include=validity: the valid and
  // reason columns (docs/client.md). A server without our paging (the
  // provider's) answers the whole batch to the first request, which is
  // taken as it is.
  DurableFileWriter out(file);
  const int64_t page = o_.results_page;
  std::string text;
  int64_t offset = 0;
  while (offset < phones) {
    ApiResponse r = api.Call(
        "GET",
        path + "/results?include=validity&offset=" + std::to_string(offset) +
            "&limit=" + std::to_string(page),
        "", o_.metadata);
    if (!r.ok()) return ApiFailure(name + ": results failed", r);
    Json j = Json::parse(r.body, nullptr, false);
    const Json* got = nullptr;
    if (j.is_object() && j["result"].is_object() &&
        j["result"]["phones"].is_array()) {
      got = &j["result"]["phones"];
    }
    const int64_t n = got == nullptr ? 0 : static_cast<int64_t>(got->size());
    const bool whole = offset == 0 && n == phones;
    if (n == 0 || (n > page && !whole) || offset + n > phones) {
      return absl::InternalError(name + ": expected " + std::to_string(phones) +
                                 " results, got " + std::to_string(offset + n) +
                                 (n == 0 ? " (an empty page)" : ""));
    }
    text.clear();
    for (const Json& p : *got) {
      AppendResultSuffix(p, o_.metadata, /*validity=*/true, o_.delimiter,
                         &text);
      text.push_back('\n');
      ++(*stats)[StringAt(p, model::Name(model::Field::kConfidence))];
    }
    absl::Status s = out.Append(text);
    if (!s.ok()) return s;
    // credits_charged covers the whole batch on every page.
    if (j["result"]["credits_charged"].is_number_integer()) {
      *credits = j["result"]["credits_charged"].get<int64_t>();
    }
    offset += n;
  }
  return out.Commit();
}

void Runner::Worker() {
  ApiClient api = NewApiClient();
  while (std::optional<Job> job = queue_.Pop()) {
    if (failed_) continue;  // drain: the reader must not block forever
    absl::Status s = ProcessBatch(api, *job);
    if (!s.ok()) Fail(std::move(s));
  }
}

}  // namespace phonebulk::client::internal
