#include "client/submit_job.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <deque>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "client/api_client.h"
#include "client/backoff.h"
#include "client/csv_io.h"
#include "client/input_scan.h"
#include "client/job_queue.h"
#include "client/result_row.h"
#include "client/state.h"
#include "model/result_schema.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;
using SteadyClock = std::chrono::steady_clock;

std::string BatchFile(const std::string& work_dir, int index) {
  char name[32];
  std::snprintf(name, sizeof(name), "/batch_%06d.csv", index);
  return work_dir + name;
}

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

std::string FormatDuration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  std::snprintf(
      buf, sizeof(buf), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
      static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

// Everything the threads of one run share. Thread-safe where annotated.
class Runner {
 public:
  explicit Runner(const SubmitOptions& o)
      : o_(o), work_dir_(o.state_path + ".d"), queue_(o.concurrency) {}

  absl::StatusOr<SubmitSummary> Run();

 private:
  absl::Status Prepare();
  absl::Status ReadAndDispatch();
  absl::Status ProcessBatch(ApiClient& api, const Job& job);
  absl::Status Stitch(SubmitSummary* summary);
  void Worker();
  void ProgressLoop();
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

  const SubmitOptions& o_;
  const std::string work_dir_;
  InputScan input_;  // set by Prepare() before any worker starts
  RateGate gate_;
  JobQueue queue_;
  // Both set by Prepare() before any worker starts, read-only after.
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

absl::Status Runner::Prepare() {
  if (o_.batch_size < 1 || o_.batch_size > 10000) {
    return absl::InvalidArgumentError("batch size must be 1..10000");
  }
  if (o_.concurrency < 1) {
    return absl::InvalidArgumentError("--concurrency must be at least 1");
  }
  if (!o_.country.empty() && !o_.country_column.empty()) {
    return absl::InvalidArgumentError(
        "--country and --country-column exclude each other");
  }
  // One quick pass (about a second per million rows) finds the columns
  // and counts the numbers, so progress can show an ETA from the start.
  absl::StatusOr<InputScan> scan =
      ScanInput(o_.input, o_.delimiter, o_.column, o_.country_column, stderr);
  if (!scan.ok()) return scan.status();
  input_ = *std::move(scan);
  phones_total_ = input_.phones;

  RunState fresh;
  absl::Status s =
      FingerprintFile(o_.input, &fresh.input_size, &fresh.input_head_hash);
  if (!s.ok()) return s;
  fresh.options = "column=" + o_.column + ";country=" + o_.country +
                  ";country_column=" + o_.country_column +
                  ";format=" + o_.format +
                  ";metadata=" + (o_.metadata ? "1" : "0") +
                  ";delimiter=" + std::string(1, o_.delimiter) +
                  ";batch_size=" + std::to_string(o_.batch_size);
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
    return absl::UnavailableError("cannot create " + work_dir_ + ": " +
                                  ec.message());
  }
  // A crash between "create" and saving its id would otherwise make the
  // rerun create (and pay for) that batch again.
  bool missing_id = false;
  for (const BatchState& b : state_.batches) {
    if (b.batch_id.empty()) missing_id = true;
  }
  if (missing_id) {
    ApiClient api(o_.server, o_.token, &gate_);
    ApiResponse r = api.Call("GET", kBatchesPath);
    if (!r.ok()) {
      return absl::UnavailableError("cannot list batches to resume: " +
                                    r.error);
    }
    Json j = Json::parse(r.body, nullptr, false);
    if (j.is_object() && j["result"]["batches"].is_array()) {
      for (const Json& b : j["result"]["batches"]) {
        std::string ref = StringAt(b, "batch_reference_id");
        if (ref.starts_with(state_.reference_prefix)) {
          recovered_ids_[ref] = StringAt(b, "batch_id");
        }
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
  absl::Status s = ReadCsvFile(
      o_.input, o_.delimiter, [&](std::span<const std::string> f, int64_t i) {
        if (i == 0) return true;
        const int64_t row = i - 1;
        if (input_.columns.Classify(f) != RowKind::kSend) return true;
        std::string iso = o_.country;
        const InputColumns& cols = input_.columns;
        if (cols.country >= 0 && cols.country < static_cast<int>(f.size())) {
          iso = f[cols.country];
        }
        if (first_row < 0) first_row = row;
        last_row = row;
        job.phones.emplace_back(f[cols.phone], std::move(iso));
        if (static_cast<int>(job.phones.size()) == o_.batch_size) {
          return emit();
        }
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
      if (!o_.country.empty()) defaults["country_iso"] = o_.country;
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
        return absl::FailedPreconditionError(name +
                                             ": create failed: " + r.error);
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
        return absl::FailedPreconditionError(name + " (" + b.batch_id +
                                             "): start failed: " + r.error);
      }
      absl::MutexLock lock(&mu_);
      state_.batches[job.index].started = true;
      absl::Status s = SaveLocked();
      if (!s.ok()) return s;
      start_needed = false;
    }
    ApiResponse r = api.Call("GET", path);
    if (!r.ok()) {
      return absl::FailedPreconditionError(name + " (" + b.batch_id +
                                           "): status failed: " + r.error);
    }
    Json j = Json::parse(r.body, nullptr, false);
    std::string status = j.is_object() ? StringAt(j["result"], "status") : "";
    if (status == "completed" || status == "stopped") break;
    if (status == "submitted") start_needed = true;
    std::this_thread::sleep_for(poll.Next());
  }
  ApiResponse r = api.Call("GET", path + "/results", "", o_.metadata);
  if (!r.ok()) {
    return absl::FailedPreconditionError(name + " (" + b.batch_id +
                                         "): results failed: " + r.error);
  }
  Json j = Json::parse(r.body, nullptr, false);
  const Json* phones = nullptr;
  if (j.is_object() && j["result"].is_object() &&
      j["result"]["phones"].is_array()) {
    phones = &j["result"]["phones"];
  }
  if (phones == nullptr || static_cast<int64_t>(phones->size()) != b.phones) {
    return absl::InternalError(name + " (" + b.batch_id + "): expected " +
                               std::to_string(b.phones) +
                               " results, got a different answer");
  }
  std::string text;
  text.reserve(static_cast<size_t>(b.phones) * 64);
  std::map<std::string, int64_t> stats;
  for (const Json& p : *phones) {
    AppendResultSuffix(p, o_.metadata, o_.delimiter, &text);
    text.push_back('\n');
    ++stats[StringAt(p, model::Name(model::Field::kConfidence))];
  }
  absl::Status s = WriteFileDurably(BatchFile(work_dir_, job.index), text);
  if (!s.ok()) return s;
  int64_t credits = 0;
  if (j["result"]["credits_charged"].is_number_integer()) {
    credits = j["result"]["credits_charged"].get<int64_t>();
  }
  absl::MutexLock lock(&mu_);
  BatchState& saved = state_.batches[job.index];
  saved.saved = true;
  saved.started = true;
  saved.credits = credits;
  saved.statistics = std::move(stats);
  phones_done_ += b.phones;
  return SaveLocked();
}

void Runner::Worker() {
  ApiClient api(o_.server, o_.token, &gate_);
  while (std::optional<Job> job = queue_.Pop()) {
    if (failed_) continue;  // drain: the reader must not block forever
    absl::Status s = ProcessBatch(api, *job);
    if (!s.ok()) Fail(std::move(s));
  }
}

void Runner::ProgressLoop() {
  if (o_.progress_out == nullptr) return;
  auto last_line = SteadyClock::now();
  const auto tick = o_.progress_bar ? std::chrono::milliseconds(500)
                                    : std::chrono::milliseconds(100);
  while (!finished_) {
    std::this_thread::sleep_for(tick);
    auto now = SteadyClock::now();
    if (!o_.progress_bar && now - last_line < o_.progress_interval) continue;
    last_line = now;
    const double elapsed =
        std::chrono::duration<double>(now - started_at_).count();
    const int64_t done = phones_done_;
    const int64_t total = phones_total_;
    const double rate = elapsed > 0 ? done / elapsed : 0;
    std::string eta = "?";
    if (rate > 0) {
      eta = FormatDuration(static_cast<double>(total - done) / rate);
    }
    const double frac = total > 0 ? static_cast<double>(done) / total : 0;
    if (o_.progress_bar) {
      constexpr int kWidth = 30;
      std::string bar(kWidth, ' ');
      for (int i = 0; i < static_cast<int>(frac * kWidth); ++i) bar[i] = '#';
      std::fprintf(o_.progress_out,
                   "\r[%s] %lld/%lld numbers  %.0f/s  ETA %s   ", bar.c_str(),
                   static_cast<long long>(done), static_cast<long long>(total),
                   rate, eta.c_str());
    } else {
      std::fprintf(o_.progress_out,
                   "progress: %lld of %lld numbers done (%.0f%%), %.0f/s, "
                   "ETA %s\n",
                   static_cast<long long>(done), static_cast<long long>(total),
                   frac * 100, rate, eta.c_str());
    }
    std::fflush(o_.progress_out);
  }
  if (o_.progress_bar) std::fprintf(o_.progress_out, "\n");
}

absl::Status Runner::Stitch(SubmitSummary* summary) {
  const std::string tmp = o_.output + ".tmp";
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> out(
      std::fopen(tmp.c_str(), "wb"), &std::fclose);
  if (!out) {
    return absl::UnavailableError("cannot create " + tmp + ": " +
                                  std::strerror(errno));
  }
  std::vector<BatchState> batches;
  {
    absl::MutexLock lock(&mu_);
    batches = state_.batches;
  }
  const std::string empty_suffix = EmptySuffix(o_.metadata, o_.delimiter);
  const std::string bad_suffix =
      EmptySuffix(o_.metadata, o_.delimiter, kBadRowConfidence);
  std::string buf;
  std::ifstream batch_in;
  int next_batch = 0;
  int64_t left_in_batch = 0;
  std::string line;
  absl::Status inner;
  auto flush = [&]() {
    if (std::fwrite(buf.data(), 1, buf.size(), out.get()) != buf.size()) {
      inner = absl::UnavailableError("cannot write " + tmp);
    }
    buf.clear();
  };
  absl::Status s = ReadCsvFile(
      o_.input, o_.delimiter, [&](std::span<const std::string> f, int64_t i) {
        AppendCsvFields(f, o_.delimiter, &buf);
        const size_t width = input_.columns.width;
        if (f.size() < width && i > 0) {
          buf.append(width - f.size(), o_.delimiter);
        }
        const RowKind kind =
            i == 0 ? RowKind::kSend : input_.columns.Classify(f);
        if (i == 0) {
          std::vector<std::string> names = ExtraColumnNames(f, width);
          for (const std::string& c : ResultColumns(o_.metadata)) {
            names.push_back(c);
          }
          for (const std::string& c : names) {
            buf.push_back(o_.delimiter);
            AppendCsvField(c, o_.delimiter, &buf);
          }
        } else if (kind == RowKind::kEmpty) {
          buf += empty_suffix;
          ++summary->empty_rows;
        } else if (kind == RowKind::kBad) {
          buf += bad_suffix;
        } else {
          while (left_in_batch == 0) {
            if (next_batch >= static_cast<int>(batches.size())) {
              inner = absl::InternalError("more numbers than batches");
              return false;
            }
            batch_in.close();
            batch_in.clear();
            batch_in.open(BatchFile(work_dir_, next_batch));
            if (!batch_in) {
              inner = absl::InternalError("missing results of batch " +
                                          std::to_string(next_batch));
              return false;
            }
            left_in_batch = batches[next_batch].phones;
            ++next_batch;
          }
          if (!std::getline(batch_in, line)) {
            inner = absl::InternalError("short results file of batch " +
                                        std::to_string(next_batch - 1));
            return false;
          }
          --left_in_batch;
          buf += line;
          ++summary->phones;
        }
        buf.push_back('\n');
        if (i > 0) ++summary->rows;
        if (buf.size() > (1 << 20)) flush();
        return inner.ok();
      });
  if (!s.ok()) return s;
  if (inner.ok()) flush();
  if (!inner.ok()) return inner;
  if (std::fflush(out.get()) != 0 || ::fsync(fileno(out.get())) != 0) {
    return absl::UnavailableError("cannot write " + tmp);
  }
  out.reset();
  if (std::rename(tmp.c_str(), o_.output.c_str()) != 0) {
    return absl::UnavailableError("cannot rename " + tmp + " to " + o_.output +
                                  ": " + std::strerror(errno));
  }
  return absl::OkStatus();
}

absl::StatusOr<SubmitSummary> Runner::Run() {
  absl::Status s = Prepare();
  if (!s.ok()) return s;
  std::thread progress([this] { ProgressLoop(); });
  std::vector<std::thread> workers;
  for (int i = 0; i < o_.concurrency; ++i) {
    workers.emplace_back([this] { Worker(); });
  }
  s = ReadAndDispatch();
  if (!s.ok()) Fail(s);
  queue_.Close();
  for (std::thread& t : workers) t.join();
  finished_ = true;
  progress.join();
  {
    absl::MutexLock lock(&mu_);
    if (!error_.ok()) return error_;
  }
  SubmitSummary summary;
  s = Stitch(&summary);
  if (!s.ok()) return s;
  absl::MutexLock lock(&mu_);
  summary.batches = static_cast<int64_t>(state_.batches.size());
  summary.batches_resumed = resumed_;
  for (const BatchState& b : state_.batches) {
    summary.credits += b.credits;
    for (const auto& [k, v] : b.statistics) summary.statistics[k] += v;
  }
  if (summary.empty_rows > 0) {
    summary.statistics[kEmptyConfidence] = summary.empty_rows;
  }
  summary.bad_rows = input_.bad_rows;
  summary.short_rows = input_.short_rows;
  summary.long_rows = input_.long_rows;
  if (input_.bad_rows > 0) {
    summary.statistics[kBadRowConfidence] = input_.bad_rows;
  }
  summary.throttled = gate_.throttled_count();
  summary.rate_pauses = gate_.pause_count();
  summary.seconds =
      std::chrono::duration<double>(SteadyClock::now() - started_at_).count();
  if (!o_.keep_work_dir) {
    // The state stays: a rerun then only refetches results (free) instead
    // of paying again. The per-batch files are no longer needed.
    std::error_code ec;
    std::filesystem::remove_all(work_dir_, ec);
  }
  return summary;
}

}  // namespace

absl::StatusOr<SubmitSummary> RunSubmit(const SubmitOptions& options) {
  Runner runner(options);
  return runner.Run();
}

}  // namespace phonebulk::client
