#include "api/json_views.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string_view>

#include "batch/status.h"
#include "common/time_format.h"
#include "model/result_schema.h"

namespace phonebulk::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view key, std::string_view value) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

// Writes key: value only when value is non-empty ("left out when unset").
void StrIfSet(Writer& w, std::string_view key, std::string_view value) {
  if (!value.empty()) Str(w, key, value);
}

void Time(Writer& w, std::string_view key, const std::optional<absl::Time>& t) {
  if (t.has_value()) Str(w, key, FormatIsoTime(*t));
}

void WriteStatusObject(Writer& w, const batch::BatchView& view) {
  const model::Batch& b = view.batch;
  w.StartObject();
  Str(w, "batch_id", b.id);
  StrIfSet(w, "batch_reference_id", b.reference_id);
  Str(w, "status", batch::BatchStatusName(b.status));
  StrIfSet(w, "reason", batch::StopReasonName(b.reason));
  w.Key("records");
  w.Int(b.records);
  w.Key("records_processed");
  w.Int(b.records_processed);
  Str(w, "date_submitted", FormatIsoTime(b.date_submitted));
  Time(w, "date_started", b.date_started);
  Time(w, "date_ended", b.date_ended);
  w.EndObject();
}

// `metadata.batch_config` is the stored form of the config: one codec
// (batch/config.h) for storage and this view.
void WriteBatchConfig(Writer& w, const batch::BatchConfig& c) {
  std::string json = batch::SerializeConfig(c);
  w.RawValue(json.data(), json.size(), rapidjson::kObjectType);
}

// The contract's `metadata` fields of one phone (model/result_schema.h),
// each left out when unknown, enumerated words in `api`'s words.
void WritePhoneMetadataFields(Writer& w, const phone::PhoneResult& r,
                              phone::WireApi api = phone::WireApi::kBulk) {
  for (const model::FieldSpec& spec : model::MetadataFields()) {
    StrIfSet(w, spec.name, model::WireValue(spec, r, api));
  }
}

// The opt-in extensions, beside the contract's fields, only when asked.
void WriteExtensions(Writer& w, const phone::PhoneResult& r,
                     const phone::Extensions& extensions) {
  if (extensions.location) Str(w, "location", r.location);
  if (extensions.time_zones) {
    w.Key("time_zones");
    w.StartArray();
    for (const std::string& zone : r.time_zones) {
      w.String(zone.data(), static_cast<rapidjson::SizeType>(zone.size()));
    }
    w.EndArray();
  }
}

// The fields of one phone up to (not including) `metadata`, enumerated
// words in `api`'s words. `value` gives each field's text.
// include=validity adds valid and reason after the contract's fields.
template <typename ValueFn>
void WritePhoneFields(Writer& w, std::string_view number, bool get_ported_date,
                      bool with_disposable, bool validity, ValueFn value) {
  Str(w, "number", number);
  for (const model::FieldSpec& spec : model::PhoneFields()) {
    if (model::Included(spec, get_ported_date, with_disposable, validity)) {
      Str(w, spec.name, value(spec));
    }
  }
}

void WritePhoneFields(Writer& w, std::string_view number,
                      const phone::PhoneResult& r, bool get_ported_date,
                      phone::WireApi api, bool with_disposable, bool validity) {
  WritePhoneFields(w, number, get_ported_date, with_disposable, validity,
                   [&](const model::FieldSpec& spec) {
                     return model::WireValue(spec, r, api);
                   });
}

// A processed phone: the contract's fields, the extensions, then metadata.
void WriteProcessedPhone(Writer& w, std::string_view number,
                         const phone::PhoneResult& r, bool get_ported_date,
                         bool add_metadata,
                         const phone::Extensions& extensions) {
  w.StartObject();
  WritePhoneFields(w, number, r, get_ported_date, phone::WireApi::kBulk,
                   /*with_disposable=*/true, extensions.validity);
  WriteExtensions(w, r, extensions);
  if (add_metadata) {
    w.Key("metadata");
    w.StartObject();
    WritePhoneMetadataFields(w, r);
    w.EndObject();
  }
  w.EndObject();
}

void WritePhone(Writer& w, const batch::PhoneView& phone,
                const batch::BatchConfig& config, bool add_metadata,
                const phone::Extensions& extensions) {
  if (!phone.result.has_value()) {
    // An unprocessed phone of a stopped batch: the contract's empty strings.
    w.StartObject();
    WritePhoneFields(w, phone.number, config.get_ported_date,
                     /*with_disposable=*/true, extensions.validity,
                     model::UnprocessedValue);
    if (add_metadata) {
      w.Key("metadata");
      w.StartObject();
      w.EndObject();
    }
    w.EndObject();
    return;
  }
  WriteProcessedPhone(w, phone.number, *phone.result, config.get_ported_date,
                      add_metadata, extensions);
}

std::string Finish(const rapidjson::StringBuffer& buf) {
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace

std::string BatchAckJson(const batch::BatchView& view) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  Str(w, "batch_id", view.batch.id);
  StrIfSet(w, "batch_reference_id", view.batch.reference_id);
  Str(w, "status", batch::BatchStatusName(view.batch.status));
  w.EndObject();
  w.EndObject();
  return Finish(buf);
}

std::string BatchStatusJson(const batch::BatchView& view, bool add_metadata) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("result");
  WriteStatusObject(w, view);
  if (add_metadata) {
    w.Key("metadata");
    w.StartObject();
    w.Key("batch_config");
    if (view.config_unreadable) {
      w.StartObject();  // nothing of it can be shown
      w.EndObject();
    } else {
      WriteBatchConfig(w, view.config);
    }
    w.EndObject();
  }
  w.EndObject();
  return Finish(buf);
}

std::string BatchListJson(std::span<const batch::BatchView> views) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  w.Key("batches");
  w.StartArray();
  for (const batch::BatchView& v : views) WriteStatusObject(w, v);
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return Finish(buf);
}

std::string BatchResultsJson(const batch::BatchResults& results,
                             bool add_metadata,
                             const phone::Extensions& extensions) {
  const model::Batch& b = results.view.batch;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  Str(w, "batch_id", b.id);
  StrIfSet(w, "batch_reference_id", b.reference_id);
  w.Key("credits_charged");
  w.Int64(b.credits_charged);
  Str(w, "status", batch::BatchStatusName(b.status));
  w.Key("statistics");
  w.StartArray();
  for (int i = 0; i < phone::kConfidenceCount; ++i) {
    if (results.statistics[i] == 0) continue;
    w.StartObject();
    Str(w, "name", phone::ConfidenceName(static_cast<phone::Confidence>(i)));
    w.Key("value");
    w.Int64(results.statistics[i]);
    w.EndObject();
  }
  w.EndArray();
  w.Key("phones");
  w.StartArray();
  for (const batch::PhoneView& p : results.phones) {
    WritePhone(w, p, results.view.config, add_metadata, extensions);
  }
  w.EndArray();
  w.EndObject();
  w.EndObject();
  return Finish(buf);
}

std::string ValidateV2Json(std::string_view number,
                           const phone::PhoneResult& result,
                           bool get_ported_date, bool get_disposable_number,
                           bool add_metadata,
                           const phone::Extensions& extensions) {
  constexpr phone::WireApi kApi = phone::WireApi::kRealTime;
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("result");
  w.StartObject();
  WritePhoneFields(w, number, result, get_ported_date, kApi,
                   get_disposable_number, extensions.validity);
  WriteExtensions(w, result, extensions);
  w.EndObject();
  if (add_metadata) {
    w.Key("metadata");
    w.StartObject();
    w.Key("phone_detail");
    w.StartObject();
    WritePhoneMetadataFields(w, result, kApi);
    w.EndObject();
    w.EndObject();
  }
  w.EndObject();
  return Finish(buf);
}

std::string PhoneJson(std::string_view number, const phone::PhoneResult& result,
                      bool get_ported_date,
                      const phone::Extensions& extensions) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  WriteProcessedPhone(w, number, result, get_ported_date,
                      /*add_metadata=*/true, extensions);
  return Finish(buf);
}

}  // namespace phonebulk::api
