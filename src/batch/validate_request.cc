#include "batch/validate_request.h"

#include <array>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "batch/create_request.h"
#include "batch/json_fields.h"
#include "common/strings.h"
#include "rapidjson/document.h"

namespace phonebulk::batch {
namespace {

using json_fields::CollectFields;
using json_fields::Invalid;
using json_fields::WrongType;
using rapidjson::Value;

constexpr char kDaysRange[] = "a whole number of days from 0 to 30";

// Returns the field's value or fails with "<name>: expected true or false".
absl::Status ParseBool(const Value& value, std::string_view name, bool* out) {
  if (!value.IsBool()) return WrongType(name, "true or false", value);
  *out = value.GetBool();
  return absl::OkStatus();
}

absl::Status ParseCacheDays(const Value& value, int* out) {
  constexpr std::string_view kField = "cache_value_days";
  if (!value.IsNumber()) return WrongType(kField, kDaysRange, value);
  // 3.0, 1e2 and fractions are doubles to RapidJSON; days are counted whole.
  if (!value.IsInt64()) {
    return Invalid(kField, std::string("must be ") + kDaysRange);
  }
  int64_t days = value.GetInt64();
  if (days < 0 || days > kMaxCacheValueDays) {
    return Invalid(kField,
                   std::to_string(days) + " is not " + std::string(kDaysRange));
  }
  *out = static_cast<int>(days);
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<ValidateRequest> ParseValidateRequest(
    std::string_view body, const phone::Countries& countries) {
  rapidjson::Document doc;
  auto status = json_fields::ParseBodyObject(
      body, "a JSON object with a 'number' string", &doc);
  if (!status.ok()) return status;
  return ParseValidateRequest(doc, countries);
}

absl::StatusOr<ValidateRequest> ParseValidateRequest(
    const rapidjson::Value& doc, const phone::Countries& countries) {
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(
        "the request body must be an object with a 'number' string");
  }
  static constexpr std::array<std::string_view, 7> kNames = {
      "number",          "country_iso",           "output_format",
      "get_ported_date", "get_disposable_number", "supplementary_live_status",
      "cache_value_days"};
  std::array<const Value*, kNames.size()> found;
  absl::Status status = CollectFields(doc, kNames, found, [] { return std::string(); });
  if (!status.ok()) return status;

  ValidateRequest request;
  if (found[0] == nullptr) {
    return Invalid("number",
                   "missing; send the phone number as a string, e.g. "
                   "{\"number\": \"+441206250380\"}");
  }
  status = json_fields::ParseNumber(
      *found[0], [] { return std::string("number"); }, kMaxNumberLength,
      &request.number);
  if (!status.ok()) return status;
  if (TrimAscii(request.number).empty()) {
    return Invalid("number",
                   "is empty; send the phone number to validate, e.g. "
                   "{\"number\": \"+441206250380\"}");
  }

  BatchConfig& config = request.config;
  if (const Value* v = found[1]) {
    status = json_fields::ParseCountry(
        *v, [] { return std::string("country_iso"); }, countries,
        &config.country_iso);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[2]) {
    status = json_fields::ParseOutputFormatValue(*v, "output_format", countries,
                                                 &config.output_format);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[3]) {
    status = ParseBool(*v, "get_ported_date", &config.get_ported_date);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[4]) {
    status =
        ParseBool(*v, "get_disposable_number", &request.get_disposable_number);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[5]) {
    SupplementaryLiveStatus live;
    status = json_fields::ParseLiveStatusValue(*v, "supplementary_live_status",
                                               countries, &live);
    if (!status.ok()) return status;
    config.supplementary_live_status = std::move(live);
  }
  if (const Value* v = found[6]) {
    status = ParseCacheDays(*v, &request.cache_value_days);
    if (!status.ok()) return status;
  }
  return request;
}

}  // namespace phonebulk::batch
