#include "batch/result_columns.h"

#include <array>

#include "batch/result_fields.h"
#include "phone/types.h"

namespace phonebulk::batch {
namespace {

constexpr const auto& kMetadataColumns = kMetadataFields;

// The metadata values in kMetadataColumns order. Offline the original
// country is the current one, exactly as the JSON view writes it.
std::array<std::string_view, 15> MetadataValues(const phone::PhoneResult& r) {
  return {r.original_operator_name,
          r.original_network_status,
          r.original_home_network_identity,
          r.country_prefix,
          r.country_name,
          r.country_iso,
          r.operator_name,
          r.network_status,
          r.home_network_identity,
          r.country_prefix,
          r.country_name,
          r.country_iso,
          r.is_ported,
          r.email_to_sms_address,
          r.email_to_mms_address};
}

}  // namespace

std::vector<std::string_view> ResultColumns(bool metadata, bool ported_date) {
  std::vector<std::string_view> columns = {"validated_phone_number",
                                           "formatted_phone_number",
                                           "phone_type", "confidence"};
  if (ported_date) columns.push_back("ported_date");
  columns.push_back("disposable_number");
  if (metadata) {
    columns.insert(columns.end(), kMetadataColumns.begin(),
                   kMetadataColumns.end());
  }
  return columns;
}

void AppendCsvField(std::string_view value, std::string* out) {
  if (value.find_first_of(",\"\r\n") == std::string_view::npos) {
    out->append(value);
    return;
  }
  out->push_back('"');
  for (char c : value) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

void AppendResultRow(const PhoneView& phone, const BatchConfig& config,
                     bool metadata, std::string* out) {
  if (!phone.result.has_value()) {
    // Unprocessed (a stopped batch): empty strings but the confidence.
    out->append(",,,");
    out->append(phone::ConfidenceName(phone::Confidence::kUnprocessed));
    if (config.get_ported_date) out->push_back(',');
    out->push_back(',');
    if (metadata) out->append(kMetadataColumns.size(), ',');
    return;
  }
  const phone::PhoneResult& r = *phone.result;
  AppendCsvField(r.validated_phone_number, out);
  out->push_back(',');
  AppendCsvField(r.formatted_phone_number, out);
  out->push_back(',');
  AppendCsvField(phone::PhoneTypeName(r.phone_type), out);
  out->push_back(',');
  AppendCsvField(phone::ConfidenceName(r.confidence), out);
  if (config.get_ported_date) {
    out->push_back(',');
    AppendCsvField(r.ported_date, out);
  }
  out->push_back(',');
  AppendCsvField(r.disposable_number, out);
  if (metadata) {
    for (std::string_view value : MetadataValues(r)) {
      out->push_back(',');
      AppendCsvField(value, out);
    }
  }
}

}  // namespace phonebulk::batch
