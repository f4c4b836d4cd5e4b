#include "batch/result_columns.h"

#include "common/strings.h"
#include "model/result_schema.h"

namespace phonebulk::batch {
namespace {

// The phone columns of an answer with `ported_date` and `validity` (bulk
// always has disposable_number), then with `metadata` the metadata columns.
template <typename Fn>
void ForEachColumn(bool metadata, bool ported_date, bool validity, Fn fn) {
  for (const model::FieldSpec& spec : model::PhoneFields()) {
    if (model::Included(spec, ported_date, /*disposable=*/true, validity)) {
      fn(spec);
    }
  }
  if (!metadata) return;
  for (const model::FieldSpec& spec : model::MetadataFields()) fn(spec);
}

}  // namespace

std::vector<std::string_view> ResultColumns(bool metadata, bool ported_date,
                                            bool validity) {
  std::vector<std::string_view> columns;
  ForEachColumn(
      metadata, ported_date, validity,
      [&](const model::FieldSpec& spec) { columns.push_back(spec.name); });
  return columns;
}

void AppendCsvField(std::string_view value, std::string* out) {
  ::phonebulk::AppendCsvField(value, ',', out);
}

void AppendResultRow(const PhoneView& phone, const BatchConfig& config,
                     bool metadata, bool validity, std::string* out) {
  // The JSON answer's values in bulk words; an unprocessed phone (a stopped
  // batch) gets the contract's empty strings but its confidence. An unknown
  // metadata field is an empty cell.
  bool first = true;
  ForEachColumn(
      metadata, config.get_ported_date, validity,
      [&](const model::FieldSpec& spec) {
        if (!first) out->push_back(',');
        first = false;
        AppendCsvField(
            phone.result.has_value()
                ? model::WireValue(spec, *phone.result, phone::WireApi::kBulk)
                : model::UnprocessedValue(spec),
            out);
      });
}

}  // namespace phonebulk::batch
