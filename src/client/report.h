#ifndef PHONEBULK_CLIENT_REPORT_H_
#define PHONEBULK_CLIENT_REPORT_H_

// `phonebulk submit --report FILE`: the figures of a run, counted over the
// output rows as the stitch pass writes them, and written as JSON
// (FILE.json) or as a self-contained HTML page with charts (FILE.html).
// Both carry the same figures: the page marks each one with
// data-figure="<path>", the path of the same number in the JSON (e.g.
// "valid.yes", "countries.GB"), which is how the browser test compares
// them. docs/client.md describes every figure.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "client/submit_job.h"

namespace phonebulk::client {

// What a report is written as, from its file name's extension.
enum class ReportKind { kJson, kHtml };

// kJson for ".json", kHtml for ".html" or ".htm" (any case); an
// InvalidArgument naming the accepted extensions otherwise. Checked before
// a run starts, so a typo does not cost a whole run.
absl::StatusOr<ReportKind> ReportKindOf(const std::string& path);

// One count of a breakdown, largest first (ties by key).
struct ReportCount {
  std::string key;   // "mobile", "too short", "GB"
  std::string name;  // what a person reads: the key, or a country's name
  int64_t rows = 0;
};

struct ReportFigures {
  // Of the run (SubmitSummary): rows of the file, numbers sent, rows that
  // repeated an earlier row (not sent, answer copied), credits.
  int64_t rows = 0;
  int64_t sent = 0;
  int64_t duplicates = 0;
  int64_t credits_charged = 0;
  int64_t credits_saved = 0;  // = duplicates: one credit a number
  double seconds = 0;
  // Rows not sent, by why: empty, bad_row, bad_country.
  std::map<std::string, int64_t> not_sent;
  // Every row by its `valid` cell: yes, no, empty ("unknown" when the
  // server did not answer one, as the provider does not).
  std::map<std::string, int64_t> valid;
  // Valid rows by phone_type; valid rows by the country libphonenumber
  // places the validated number in; rows not valid (valid=no, so they add
  // up to valid.no) by reason; every row by confidence.
  std::vector<ReportCount> line_types;
  std::vector<ReportCount> countries;
  std::vector<ReportCount> reasons;
  std::vector<ReportCount> confidence;
};

// Counts the output rows of one run. Not thread-safe (the stitch pass is
// one thread).
class ReportTally {
 public:
  // `metadata`: the output has the metadata columns; `delim` its delimiter.
  ReportTally(bool metadata, char delim);

  // `suffix`: the result fields appended to one output row, each preceded
  // by the delimiter (result_row.h).
  void AddRow(std::string_view suffix);

  // The figures: the rows added, with the run's counts from `summary`.
  ReportFigures Figures(const SubmitSummary& summary) const;

 private:
  char delim_;
  size_t validated_ = 0, type_ = 0, confidence_ = 0, valid_ = 0, reason_ = 0;
  size_t width_ = 0;
  std::map<std::string, int64_t> valid_counts_, types_, regions_, reasons_,
      confidences_;
};

// The figures as JSON text (docs/client.md shows the shape).
std::string ReportJson(const ReportFigures& f, const std::string& input,
                       const std::string& output);

// A self-contained HTML page: figures, bar charts, tables; no script, no
// network (a Content-Security-Policy forbids fetching anything), so it
// opens anywhere, e-mail attachments included.
std::string ReportHtml(const ReportFigures& f, const std::string& input,
                       const std::string& output);

// Writes the report `path` asks for (ReportKindOf) durably.
absl::Status WriteReport(const std::string& path, const ReportFigures& f,
                         const std::string& input, const std::string& output);

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_REPORT_H_
