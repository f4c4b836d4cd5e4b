// The end-of-run summary of `phonebulk submit`.
#include <cstdio>
#include <string>

#include "client/submit_job.h"

namespace phonebulk::client {

std::string FormatSummary(const SubmitSummary& s, const std::string& output) {
  std::string out;
  out += "rows: " + std::to_string(s.rows) + " (" + std::to_string(s.phones) +
         " numbers sent, " + std::to_string(s.empty_rows) + " empty" +
         (s.duplicate_rows > 0
              ? ", " + std::to_string(s.duplicate_rows) + " duplicates"
              : "") +
         (s.bad_rows > 0 ? ", " + std::to_string(s.bad_rows) +
                               " bad (not UTF-8, or a number too long)"
                         : "") +
         (s.bad_country_rows > 0 ? ", " + std::to_string(s.bad_country_rows) +
                                       " with an unknown country"
                                 : "") +
         ")\n";
  if (s.duplicate_rows > 0) {
    // One credit a number (docs/api.md): each repeat not sent is one saved.
    out += "duplicates: " + std::to_string(s.duplicate_rows) +
           " rows repeated an earlier row's number and country; its answer "
           "was copied (" +
           std::to_string(s.duplicate_rows) + " credits saved)\n";
  }
  if (s.short_rows > 0 || s.long_rows > 0) {
    out += "ragged rows: " + std::to_string(s.short_rows) +
           " short (padded with empty cells), " + std::to_string(s.long_rows) +
           " long (extra cells under extra_N columns)\n";
  }
  out += "batches: " + std::to_string(s.batches);
  if (s.batches_resumed > 0) {
    out += " (" + std::to_string(s.batches_resumed) + " from a previous run)";
  }
  out += "\nconfidence:";
  for (const auto& [k, v] : s.statistics) {
    out += " " + k + "=" + std::to_string(v);
  }
  out += "\ncredits charged: " + std::to_string(s.credits) + "\n";
  if (s.rate_pauses > 0 || s.throttled > 0) {
    out += "rate limit: waited " + std::to_string(s.rate_pauses) + " times (" +
           std::to_string(s.throttled) + " answers were 429)\n";
  }
  char t[64];
  std::snprintf(t, sizeof(t), "time: %.1f s\n", s.seconds);
  out += t;
  out += "output: " + output + "\n";
  return out;
}

}  // namespace phonebulk::client
