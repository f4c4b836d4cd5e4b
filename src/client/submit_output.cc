// `phonebulk submit`, second half: progress lines, the stitch pass that
// writes the output in input order (copying the answers of duplicate rows),
// and the run as a whole.
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <unordered_map>
#include <vector>

#include "client/csv_io.h"
#include "client/report.h"
#include "client/result_row.h"
#include "client/submit_job.h"
#include "client/submit_runner.h"
#include "common/strings.h"

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
  auto last_line = SteadyClock::now();
  // Cancellation and on_progress want a short tick; a terminal's bar is
  // redrawn at most twice a second.
  const bool watching = o_.cancel != nullptr || o_.on_progress;
  const auto tick = o_.progress_bar && !watching
                        ? std::chrono::milliseconds(500)
                        : std::chrono::milliseconds(100);
  auto last_bar = SteadyClock::now();
  while (!finished_) {
    std::this_thread::sleep_for(tick);
    if (Cancelled() && !failed_) {
      Fail(
          absl::CancelledError("the run was cancelled; its state is kept "
                               "for a resume"));
      gate_.GiveUp();  // requests retrying now stop at their next attempt
    }
    if (o_.on_progress) o_.on_progress(phones_done_, phones_total_);
    if (o_.progress_out == nullptr) continue;
    auto now = SteadyClock::now();
    if (o_.progress_bar && now - last_bar < std::chrono::milliseconds(500)) {
      continue;
    }
    last_bar = now;
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
  if (o_.on_progress) o_.on_progress(phones_done_, phones_total_);
  if (o_.progress_out != nullptr && o_.progress_bar) {
    std::fprintf(o_.progress_out, "\n");
  }
}

namespace {

// The lines of the batch files in the order their numbers were sent: one
// line per sent row, batch after batch.
class BatchLines {
 public:
  BatchLines(const std::string& work_dir, std::vector<BatchState> batches)
      : work_dir_(work_dir), batches_(std::move(batches)) {}

  absl::Status Next(std::string* line) {
    while (left_in_batch_ == 0) {
      if (next_batch_ >= static_cast<int>(batches_.size())) {
        return absl::InternalError("more numbers than batches");
      }
      in_.close();
      in_.clear();
      in_.open(BatchFile(work_dir_, next_batch_));
      if (!in_) {
        return absl::InternalError("missing results of batch " +
                                   std::to_string(next_batch_));
      }
      left_in_batch_ = batches_[next_batch_].phones;
      ++next_batch_;
    }
    if (!std::getline(in_, *line)) {
      return absl::InternalError("short results file of batch " +
                                 std::to_string(next_batch_ - 1));
    }
    --left_in_batch_;
    return absl::OkStatus();
  }

 private:
  const std::string& work_dir_;
  const std::vector<BatchState> batches_;
  std::ifstream in_;
  int next_batch_ = 0;
  int64_t left_in_batch_ = 0;
};

// The `reason` of a row that was not sent (kBad or kBadCountry): which cell
// kept it back, in the order Classify() checks them.
std::string NotSentReason(RowKind kind, std::span<const std::string> f,
                          const InputColumns& c) {
  const bool has_country =
      c.country >= 0 && c.country < static_cast<int>(f.size());
  if (kind == RowKind::kBadCountry && has_country) {
    return "country cell '" + SafeText(f[c.country], 64) + "' is not a country";
  }
  if (!IsValidUtf8(f[c.phone])) return "number cell is not valid UTF-8";
  if (has_country && !IsValidUtf8(f[c.country])) {
    return "country cell is not valid UTF-8";
  }
  return "number cell is over " + std::to_string(kMaxNumberChars) +
         " characters";
}

// The result fields of each data row, by what the scan decided for it.
// submit always asks include=validity, so every row has valid and reason.
class RowSuffixes {
 public:
  RowSuffixes(const InputScan& input, const SubmitOptions& o, BatchLines* lines)
      : input_(input),
        o_(o),
        lines_(lines),
        empty_(EmptySuffix(o.metadata, /*validity=*/true, o.delimiter)) {}

  // Appends data row `row`'s fields (input line `line_no`) to `out`.
  absl::Status Append(std::span<const std::string> f, int64_t row,
                      int64_t line_no, SubmitSummary* summary,
                      std::string* out) {
    switch (input_.Plan(f, row, nullptr, &key_)) {
      case RowKind::kEmpty:
        *out += empty_;
        ++summary->empty_rows;
        break;
      case RowKind::kBad:
        *out += EmptySuffix(o_.metadata, /*validity=*/true, o_.delimiter,
                            kBadRowConfidence,
                            NotSentReason(RowKind::kBad, f, input_.columns));
        break;
      case RowKind::kBadCountry:
        *out += EmptySuffix(
            o_.metadata, /*validity=*/true, o_.delimiter, kBadCountryConfidence,
            NotSentReason(RowKind::kBadCountry, f, input_.columns));
        break;
      case RowKind::kDuplicate: {
        // Its first row came earlier in this pass and stored the answer.
        auto it = answers_.find(key_);
        if (it == answers_.end()) {
          return absl::InternalError(
              "no answer for the repeated number of line " +
              std::to_string(line_no));
        }
        *out += it->second.line;
        ++summary->statistics[it->second.confidence];
        break;
      }
      case RowKind::kSend: {
        absl::Status s = lines_->Next(&line_);
        if (!s.ok()) return s;
        *out += line_;
        if (input_.dedupe && input_.duplicates.Repeated(key_)) {
          answers_.emplace(key_,
                           Answer{line_, ConfidenceInSuffix(line_, o_.metadata,
                                                            o_.delimiter)});
        }
        ++summary->phones;
        break;
      }
    }
    return absl::OkStatus();
  }

 private:
  struct Answer {
    std::string line;
    std::string confidence;  // so the summary counts repeats by confidence
  };
  const InputScan& input_;
  const SubmitOptions& o_;
  BatchLines* lines_;
  const std::string empty_;
  // The answers of numbers that later rows repeat, by duplicate key: only
  // those, so memory grows with the repeated numbers, not with the file.
  std::unordered_map<std::string, Answer> answers_;
  std::string key_;
  std::string line_;
};

// The header row's extra columns (for long rows) and result columns.
void AppendHeaderSuffix(std::span<const std::string> header, size_t width,
                        const SubmitOptions& o, std::string* out) {
  std::vector<std::string> names = ExtraColumnNames(header, width);
  for (const std::string& c : ResultColumns(o.metadata, /*validity=*/true)) {
    names.push_back(c);
  }
  for (const std::string& c : names) {
    out->push_back(o.delimiter);
    AppendCsvField(c, o.delimiter, out);
  }
}

}  // namespace

absl::Status Runner::Stitch(SubmitSummary* summary, ReportTally* tally) {
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
  BatchLines lines(work_dir_, std::move(batches));
  RowSuffixes suffixes(input_, o_, &lines);
  std::string buf;
  absl::Status inner;
  auto flush = [&]() {
    if (std::fwrite(buf.data(), 1, buf.size(), out.get()) != buf.size()) {
      inner = absl::InternalError("cannot write " + tmp);
    }
    buf.clear();
  };
  CsvReadOptions csv;
  csv.delimiter = o_.delimiter;
  absl::Status s = ReadCsvFile(o_.input, csv, [&](const CsvRecord& r) {
    std::span<const std::string> f = r.fields;
    AppendCsvFields(f, o_.delimiter, &buf);
    const size_t width = input_.columns.width;
    if (r.index == 0) {
      AppendHeaderSuffix(f, width, o_, &buf);
    } else {
      if (f.size() < width) buf.append(width - f.size(), o_.delimiter);
      const size_t suffix_at = buf.size();
      inner = suffixes.Append(f, r.index - 1, r.line, summary, &buf);
      if (tally != nullptr) {
        tally->AddRow(std::string_view(buf).substr(suffix_at));
      }
      ++summary->rows;
    }
    buf.push_back('\n');
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
  if (Cancelled()) return absl::CancelledError("the run was cancelled");
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
  std::optional<ReportTally> tally;
  if (!o_.reports.empty()) tally.emplace(o_.metadata, o_.delimiter);
  s = Stitch(&summary, tally ? &*tally : nullptr);
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
  if (tally) {
    const ReportFigures figures = tally->Figures(summary);
    for (const std::string& path : o_.reports) {
      s = WriteReport(path, figures, o_.input, o_.output);
      if (!s.ok()) return s;
    }
  }
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
