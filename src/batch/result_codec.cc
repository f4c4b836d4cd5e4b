#include "batch/result_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "model/result_schema.h"

namespace phonebulk::batch {
namespace {

using model::FieldSpec;
using model::Value;

std::string GetString(const rapidjson::Value& obj, std::string_view key) {
  auto it = obj.FindMember(rapidjson::StringRef(
      key.data(), static_cast<rapidjson::SizeType>(key.size())));
  if (it == obj.MemberEnd() || !it->value.IsString()) return "";
  return std::string(it->value.GetString(), it->value.GetStringLength());
}

void Key(rapidjson::Writer<rapidjson::StringBuffer>& w, std::string_view key) {
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
}

}  // namespace

std::string EncodeResult(const phone::PhoneResult& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const FieldSpec& spec : model::Fields()) {
    if (spec.storage_key.empty()) continue;  // derived, not stored
    if (spec.value == Value::kValidity) {
      Key(w, spec.storage_key);
      w.Bool(r.*spec.flag);
      continue;
    }
    // Stored in the bulk words, the internal form; empty text is left out.
    std::string_view value = model::WireValue(spec, r, phone::WireApi::kBulk);
    if (value.empty()) continue;
    Key(w, spec.storage_key);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

absl::StatusOr<phone::PhoneResult> DecodeResult(std::string_view blob) {
  rapidjson::Document doc;
  doc.Parse(blob.data(), blob.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return absl::DataLossError("a stored result is unreadable");
  }
  phone::PhoneResult r;
  for (const FieldSpec& spec : model::Fields()) {
    if (spec.storage_key.empty()) continue;
    if (spec.value == Value::kValidity) {
      auto it = doc.FindMember(rapidjson::StringRef(
          spec.storage_key.data(),
          static_cast<rapidjson::SizeType>(spec.storage_key.size())));
      r.*spec.flag =
          it != doc.MemberEnd() && it->value.IsBool() && it->value.GetBool();
      continue;
    }
    // A missing text key reads as empty (it was empty when stored); a
    // missing or unknown enumerated word is damage.
    if (!model::SetFromBulkWord(spec, GetString(doc, spec.storage_key), &r)) {
      return absl::DataLossError("a stored result has an unknown type");
    }
  }
  return r;
}

}  // namespace phonebulk::batch
