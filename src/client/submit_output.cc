// `phonebulk submit`, second half: progress lines, the stitch pass that
// writes the output in input order (copying the answers of duplicate rows),
// and the run as a whole.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/csv_io.h"
#include "client/result_row.h"
#include "client/submit_job.h"
#include "client/submit_runner.h"

namespace phonebulk::client {
namespace internal {
namespace {

std::string FormatDuration(double seconds) {
  int64_t s = static_cast<int64_t>(seconds + 0.5);
  char buf[32];
  std::snprintf(
      buf, sizeof(buf), "%lld:%02lld:%02lld", static_cast<long long>(s / 3600),
      static_cast<long long>(s / 60 % 60), static_cast<long long>(s % 60));
  return buf;
}

}  // namespace

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
    return absl::InternalError("cannot create " + tmp + ": " +
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
  const std::string bad_country_suffix =
      EmptySuffix(o_.metadata, o_.delimiter, kBadCountryConfidence);
  // The answers of numbers that later rows repeat, by duplicate key: only
  // those, so memory grows with the repeated numbers, not with the file.
  struct Answer {
    std::string line;
    std::string confidence;  // so the summary counts repeats by confidence
  };
  std::unordered_map<std::string, Answer> answers;
  std::string buf;
  std::ifstream batch_in;
  int next_batch = 0;
  int64_t left_in_batch = 0;
  std::string line;
  std::string key;
  absl::Status inner;
  auto flush = [&]() {
    if (std::fwrite(buf.data(), 1, buf.size(), out.get()) != buf.size()) {
      inner = absl::InternalError("cannot write " + tmp);
    }
    buf.clear();
  };
  // The next line of the batch files, in the order the rows were sent.
  auto next_answer = [&]() -> bool {
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
    return true;
  };
  CsvReadOptions csv;
  csv.delimiter = o_.delimiter;
  absl::Status s = ReadCsvFile(o_.input, csv, [&](const CsvRecord& r) {
    std::span<const std::string> f = r.fields;
    const int64_t i = r.index;
    AppendCsvFields(f, o_.delimiter, &buf);
    const size_t width = input_.columns.width;
    if (f.size() < width && i > 0) buf.append(width - f.size(), o_.delimiter);
    if (i == 0) {
      std::vector<std::string> names = ExtraColumnNames(f, width);
      for (const std::string& c : ResultColumns(o_.metadata)) {
        names.push_back(c);
      }
      for (const std::string& c : names) {
        buf.push_back(o_.delimiter);
        AppendCsvField(c, o_.delimiter, &buf);
      }
    } else {
      switch (input_.Plan(f, i - 1, nullptr, &key)) {
        case RowKind::kEmpty:
          buf += empty_suffix;
          ++summary->empty_rows;
          break;
        case RowKind::kBad:
          buf += bad_suffix;
          break;
        case RowKind::kBadCountry:
          buf += bad_country_suffix;
          break;
        case RowKind::kDuplicate: {
          // Its first row came earlier in this pass and stored the answer.
          auto it = answers.find(key);
          if (it == answers.end()) {
            inner = absl::InternalError(
                "no answer for the repeated number "
                "of line " +
                std::to_string(r.line));
            return false;
          }
          buf += it->second.line;
          ++summary->statistics[it->second.confidence];
          break;
        }
        case RowKind::kSend:
          if (!next_answer()) return false;
          buf += line;
          if (input_.dedupe && input_.duplicates.Repeated(key)) {
            answers.emplace(key,
                            Answer{line, ConfidenceInSuffix(line, o_.metadata,
                                                            o_.delimiter)});
          }
          ++summary->phones;
          break;
      }
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
    return absl::InternalError("cannot write " + tmp);
  }
  out.reset();
  if (std::rename(tmp.c_str(), o_.output.c_str()) != 0) {
    return absl::InternalError("cannot rename " + tmp + " to " + o_.output +
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
  summary.bad_country_rows = input_.bad_country_rows;
  summary.duplicate_rows = input_.duplicate_rows;
  if (input_.bad_country_rows > 0) {
    summary.statistics[kBadCountryConfidence] = input_.bad_country_rows;
  }
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

}  // namespace internal

absl::StatusOr<SubmitSummary> RunSubmit(const SubmitOptions& options) {
  internal::Runner runner(options);
  return runner.Run();
}

}  // namespace phonebulk::client
