#include "batch/porting_source.h"

#include <spdlog/spdlog.h>

#include "common/time_format.h"

namespace phonebulk::batch {

std::vector<std::optional<lookup::LookupAnswer>> PortingFileSource::Lookup(
    std::span<const std::string> e164_digits, absl::Time /*deadline*/) {
  std::vector<std::optional<lookup::LookupAnswer>> out(e164_digits.size());
  if (e164_digits.empty()) return out;
  ++calls_;
  auto records = porting_.LookupPorting(e164_digits);
  if (!records.ok()) {
    ++failures_;
    spdlog::warn("event=porting_lookup_failed error=\"{}\"",
                 records.status().ToString());
    return out;
  }
  for (size_t i = 0; i < out.size() && i < records->size(); ++i) {
    const std::optional<store::PortingRecord>& rec = (*records)[i];
    if (!rec.has_value()) continue;
    lookup::LookupAnswer& answer = out[i].emplace();
    answer.number = e164_digits[i];
    answer.status = lookup::LiveStatus::kUnknown;  // a file knows no status
    answer.ported = true;  // the file lists the numbers that moved
    answer.operator_name = rec->operator_name;
    answer.mccmnc = rec->mccmnc;
    if (rec->ported_date.has_value()) {
      answer.ported_date = FormatIsoTime(*rec->ported_date);
    }
    ++answers_;
  }
  return out;
}

lookup::LookupStats PortingFileSource::stats() const {
  lookup::LookupStats stats;
  stats.calls = calls_.load();
  stats.answers = answers_.load();
  stats.failures = failures_.load();
  return stats;
}

}  // namespace phonebulk::batch
