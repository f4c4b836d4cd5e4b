#include "webhook/event.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/crypto.h"
#include "common/time_format.h"

namespace phonebulk::webhook {
namespace {

constexpr std::string_view kSecretPrefix = "whsec_";
constexpr size_t kSecretBytes = 24;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Key(Writer& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

void String(Writer& w, std::string_view key, std::string_view value) {
  Key(w, key);
  w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
}

void OptionalTime(Writer& w, std::string_view key,
                  const std::optional<absl::Time>& t) {
  Key(w, key);
  if (t) {
    const std::string text = FormatIsoTime(*t);
    w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  } else {
    w.Null();
  }
}

}  // namespace

std::string NewSecret() {
  return std::string(kSecretPrefix) + Base64Encode(RandomBytes(kSecretBytes));
}

absl::StatusOr<std::string> Sign(std::string_view secret,
                                 std::string_view message_id, int64_t timestamp,
                                 std::string_view body) {
  std::string key;
  if (!secret.starts_with(kSecretPrefix) ||
      !Base64Decode(secret.substr(kSecretPrefix.size()), &key) || key.empty()) {
    return absl::InvalidArgumentError(
        "a webhook secret is 'whsec_' followed by base64");
  }
  std::string signed_content(message_id);
  signed_content += '.';
  signed_content += std::to_string(timestamp);
  signed_content += '.';
  signed_content += body;
  return "v1," + Base64Encode(HmacSha256(key, signed_content));
}

std::string EventBody(std::string_view event_type, const model::Batch& batch) {
  rapidjson::StringBuffer buffer;
  Writer w(buffer);
  w.StartObject();
  String(w, "type", event_type);
  OptionalTime(w, "timestamp", batch.date_ended);
  Key(w, "data");
  w.StartObject();
  String(w, "batch_id", batch.id);
  Key(w, "batch_reference_id");
  if (batch.reference_id.empty()) {
    w.Null();
  } else {
    w.String(batch.reference_id.data(),
             static_cast<rapidjson::SizeType>(batch.reference_id.size()));
  }
  String(w, "status", model::BatchStatusName(batch.status));
  Key(w, "reason");
  if (batch.reason == model::StopReason::kNone) {
    w.Null();
  } else {
    const std::string_view reason = model::StopReasonName(batch.reason);
    w.String(reason.data(), static_cast<rapidjson::SizeType>(reason.size()));
  }
  Key(w, "records");
  w.Int(batch.records);
  Key(w, "records_processed");
  w.Int(batch.records_processed);
  Key(w, "credits_charged");
  w.Int64(batch.credits_charged);
  OptionalTime(w, "date_submitted", batch.date_submitted);
  OptionalTime(w, "date_started", batch.date_started);
  OptionalTime(w, "date_ended", batch.date_ended);
  w.EndObject();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace phonebulk::webhook
