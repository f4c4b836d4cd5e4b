#include "api/csv_views.h"

#include <string_view>

#include "batch/result_columns.h"

namespace phonebulk::api {

std::string BatchResultsCsv(const batch::BatchResults& results,
                            bool add_metadata, bool validity) {
  const batch::BatchConfig& config = results.view.config;
  std::string out;
  // About 60 bytes a row without metadata; one reservation avoids most of
  // the regrowth for a 10,000-phone batch.
  out.reserve(64 + results.phones.size() * (add_metadata ? 240 : 64));
  out.append("number");
  for (std::string_view column :
       batch::ResultColumns(add_metadata, config.get_ported_date, validity)) {
    out.push_back(',');
    out.append(column);
  }
  out.append("\r\n");
  for (const batch::PhoneView& phone : results.phones) {
    batch::AppendCsvField(phone.number, &out);
    out.push_back(',');
    batch::AppendResultRow(phone, config, add_metadata, validity, &out);
    out.append("\r\n");
  }
  return out;
}

}  // namespace phonebulk::api
