#include "files/submit_run.h"

#include "client/submit_job.h"

namespace phonebulk::files {

JobRunFn SubmitJobRunner() {
  return [](const RunRequest& r) -> absl::StatusOr<JobSummary> {
    // The defaults of `phonebulk submit` except where a server job differs:
    // no progress lines (status shows progress) and the report as JSON.
    client::SubmitOptions o;
    o.input = r.input;
    o.output = r.output;
    o.state_path = r.state_path;
    o.server = r.server;
    o.token = r.token;
    o.column = r.options.phone_column;
    o.country = r.options.default_country;
    o.country_column = r.options.country_column;
    o.format = r.options.output_format;
    o.delimiter = r.delimiter;
    o.progress_out = nullptr;
    o.warnings_out = nullptr;  // serve's log is structured (spdlog)
    // The largest page the API gives: a tenth of the requests of the
    // default, which all count against the account's rate limit (the
    // output does not depend on the page size).
    o.results_page = 10000;
    o.reports = {r.report_path};
    o.on_progress = r.on_progress;
    o.cancel = r.cancel;
    absl::StatusOr<client::SubmitSummary> s = client::RunSubmit(o);
    if (!s.ok()) return s.status();
    JobSummary summary;
    summary.rows = s->rows;
    summary.phones = s->phones;
    summary.empty_rows = s->empty_rows;
    summary.bad_rows = s->bad_rows;
    summary.duplicate_rows = s->duplicate_rows;
    summary.batches = s->batches;
    summary.credits = s->credits;
    return summary;
  };
}

}  // namespace phonebulk::files
