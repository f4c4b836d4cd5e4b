#include "batch/create_request.h"

#include <array>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "batch/json_fields.h"
#include "common/time_format.h"
#include "rapidjson/document.h"

namespace phonebulk::batch {
namespace {

using json_fields::CollectFields;
using json_fields::Invalid;
using json_fields::LookupAlpha3;
using json_fields::ParseCountry;
using json_fields::Quote;
using json_fields::View;
using json_fields::WrongType;
using rapidjson::Value;

constexpr absl::Duration kMinProcessingTime = absl::Minutes(1);
constexpr absl::Duration kMaxProcessingTime = absl::Hours(24);

absl::Status ParseDefaults(const Value& value,
                           const phone::Countries& countries,
                           CreateBatchRequest* request) {
  constexpr std::string_view kPath = "defaults";
  if (!value.IsObject()) return WrongType(kPath, "an object", value);
  static constexpr std::array<std::string_view, 6> kNames = {
      "output_format",      "country_iso",         "get_ported_date",
      "batch_reference_id", "max_processing_time", "supplementary_live_status"};
  std::array<const Value*, kNames.size()> found;
  auto status =
      CollectFields(value, kNames, found, [&] { return std::string(kPath); });
  if (!status.ok()) return status;
  BatchConfig& config = request->config;

  if (const Value* v = found[0]) {
    status = json_fields::ParseOutputFormatValue(
        *v, "defaults.output_format", countries, &config.output_format);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[1]) {
    status = ParseCountry(
        *v, [] { return std::string("defaults.country_iso"); }, countries,
        &config.country_iso);
    if (!status.ok()) return status;
  }
  if (const Value* v = found[2]) {
    if (!v->IsBool()) {
      return WrongType("defaults.get_ported_date", "true or false", *v);
    }
    config.get_ported_date = v->GetBool();
  }
  if (const Value* v = found[3]) {
    constexpr std::string_view kField = "defaults.batch_reference_id";
    if (!v->IsString()) return WrongType(kField, "a string", *v);
    if (!IsValidReferenceId(View(*v))) {
      return Invalid(kField, Quote(*v) +
                                 " must be 1 to 256 characters, each a "
                                 "letter, digit, space or one of _ - / : . , "
                                 "( )");
    }
    request->batch_reference_id.assign(View(*v));
  }
  if (const Value* v = found[4]) {
    constexpr std::string_view kField = "defaults.max_processing_time";
    if (!v->IsString()) return WrongType(kField, "a string", *v);
    std::string_view text = View(*v);
    std::optional<absl::Duration> duration = ParseIsoDuration(text);
    // ParseIsoDuration tolerates a dangling 'T' ("P1DT"); ISO-8601 does not.
    if (!duration.has_value() || text.back() == 'T' ||
        *duration < kMinProcessingTime || *duration > kMaxProcessingTime) {
      return Invalid(kField, Quote(*v) +
                                 " must be an ISO-8601 duration from PT1M to "
                                 "PT24H");
    }
    config.max_processing_time.emplace(text);
    config.max_processing_duration = *duration;
  }
  if (const Value* v = found[5]) {
    SupplementaryLiveStatus live;
    status = json_fields::ParseLiveStatusValue(
        *v, "defaults.supplementary_live_status", countries, &live);
    if (!status.ok()) return status;
    config.supplementary_live_status = std::move(live);
  }
  return absl::OkStatus();
}

std::string PhonePath(rapidjson::SizeType index) {
  return "phones[" + std::to_string(index) + "]";
}

absl::Status ParsePhones(const Value& value, const phone::Countries& countries,
                         std::vector<model::PhoneInput>* phones) {
  constexpr char kShape[] = "an array of objects like {\"number\": \"...\"}";
  if (!value.IsArray()) return WrongType("phones", kShape, value);
  size_t size = value.Size();
  if (size == 0) return Invalid("phones", "0 items, at least 1 is required");
  if (size > kMaxPhonesPerBatch) {
    return Invalid("phones", std::to_string(size) + " items, at most " +
                                 std::to_string(kMaxPhonesPerBatch) +
                                 " are allowed");
  }
  phones->reserve(size);
  static constexpr std::array<std::string_view, 2> kNames = {"number",
                                                             "country_iso"};
  std::array<const Value*, 2> found;
  for (rapidjson::SizeType i = 0; i < size; ++i) {
    const Value& item = value[i];
    if (!item.IsObject()) {
      return WrongType(PhonePath(i), "an object like {\"number\": \"...\"}",
                       item);
    }
    auto status =
        CollectFields(item, kNames, found, [&] { return PhonePath(i); });
    if (!status.ok()) return status;
    model::PhoneInput& phone = phones->emplace_back();

    const Value* number = found[0];
    if (number == nullptr) {
      return Invalid(PhonePath(i) + ".number",
                     "missing; every phone needs a 'number' string");
    }
    status = json_fields::ParseNumber(
        *number, [&] { return PhonePath(i) + ".number"; }, kMaxNumberLength,
        &phone.number);
    if (!status.ok()) return status;

    if (const Value* country = found[1]) {
      status = ParseCountry(
          *country, [&] { return PhonePath(i) + ".country_iso"; }, countries,
          &phone.country_iso);
      if (!status.ok()) return status;
    }
  }
  return absl::OkStatus();
}

}  // namespace

std::optional<phone::OutputFormat> ParseOutputFormat(
    std::string_view text, const phone::Countries& countries) {
  std::optional<phone::OutputFormat> format = ParseOutputFormatName(text);
  if (!format.has_value() ||
      format->kind != phone::OutputFormat::Kind::kDialledFrom) {
    return format;
  }
  // A request names a country that exists; the table spells the code.
  const phone::Country* country = LookupAlpha3(text, countries);
  if (country == nullptr) return std::nullopt;
  format->from_alpha3 = country->alpha3;
  return format;
}

absl::StatusOr<CreateBatchRequest> ParseCreateBatchRequest(
    std::string_view body, const phone::Countries& countries) {
  rapidjson::Document doc;
  auto status = json_fields::ParseBodyObject(
      body, "a JSON object with a 'phones' array", &doc);
  if (!status.ok()) return status;

  static constexpr std::array<std::string_view, 2> kNames = {"defaults",
                                                             "phones"};
  std::array<const Value*, 2> found;
  status = CollectFields(doc, kNames, found, [] { return std::string(); });
  if (!status.ok()) return status;

  CreateBatchRequest request;
  if (found[0] != nullptr) {
    status = ParseDefaults(*found[0], countries, &request);
    if (!status.ok()) return status;
  }
  if (found[1] == nullptr) {
    return Invalid("phones",
                   "missing; send an array of 1 to 10000 objects like "
                   "{\"number\": \"...\"}");
  }
  status = ParsePhones(*found[1], countries, &request.phones);
  if (!status.ok()) return status;
  return request;
}

}  // namespace phonebulk::batch
