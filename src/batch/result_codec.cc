#include "batch/result_codec.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cstdint>
#include <optional>

#include "model/result_schema.h"

namespace phonebulk::batch {
namespace {

using model::FieldSpec;
using model::Value;

// The most fields a layout can carry; the schema has about twenty.
constexpr size_t kMaxFields = 64;

// A stored value of each field of model::Fields(), by position; nullopt
// when the blob does not hold the field.
using StoredValues = std::array<std::optional<std::string_view>, kMaxFields>;

// The position in model::Fields() of the stored field with `key`, or -1.
// The walk starts at `hint`, where the key is when entries come in table
// order (the binary layout writes them so), and wraps around: one compare
// per field instead of a scan of the table.
int FieldWithKey(std::string_view key, size_t hint = 0) {
  const auto fields = model::Fields();
  const size_t n = fields.size();
  for (size_t step = 0; step < n; ++step) {
    const size_t i = (hint + step) % n;
    if (!fields[i].storage_key.empty() && fields[i].storage_key == key) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// ---- Binary layout --------------------------------------------------------

void PutVarint(uint32_t n, std::string& out) {
  while (n >= 0x80) {
    out.push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out.push_back(static_cast<char>(n));
}

bool GetVarint(std::string_view& in, uint32_t* n) {
  *n = 0;
  for (int shift = 0; shift < 35 && !in.empty(); shift += 7) {
    const auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    *n |= static_cast<uint32_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

void PutEntry(std::string_view key, std::string_view value, std::string& out) {
  out.push_back(static_cast<char>(key.size()));
  out.append(key);
  PutVarint(static_cast<uint32_t>(value.size()), out);
  out.append(value);
}

// Fills `values` from a binary blob (version byte included). False when
// the blob is cut short.
bool ReadBinary(std::string_view in, StoredValues& values) {
  in.remove_prefix(1);  // the version
  size_t hint = 0;
  while (!in.empty()) {
    const auto key_size = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    if (in.size() < key_size) return false;
    const std::string_view key = in.substr(0, key_size);
    in.remove_prefix(key_size);
    uint32_t value_size = 0;
    if (!GetVarint(in, &value_size) || in.size() < value_size) return false;
    const int field = FieldWithKey(key, hint);
    if (field >= 0) {
      values[field] = in.substr(0, value_size);
      hint = field + 1;
    }
    in.remove_prefix(value_size);
  }
  return true;
}

// ---- JSON layout (earlier releases) ---------------------------------------

// Fills `values` from a JSON blob; `doc` owns the strings they point into.
// Validity reads as "\1" or "\0", like the binary layout's byte.
bool ReadJson(std::string_view blob, rapidjson::Document& doc,
              StoredValues& values) {
  doc.Parse(blob.data(), blob.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  const auto fields = model::Fields();
  for (auto it = doc.MemberBegin(); it != doc.MemberEnd(); ++it) {
    const int field = FieldWithKey(
        std::string_view(it->name.GetString(), it->name.GetStringLength()));
    if (field < 0) continue;
    if (fields[field].value == Value::kValidity) {
      const bool flag = it->value.IsBool() && it->value.GetBool();
      values[field] =
          flag ? std::string_view("\1", 1) : std::string_view("\0", 1);
    } else if (it->value.IsString()) {
      values[field] =
          std::string_view(it->value.GetString(), it->value.GetStringLength());
    }
  }
  return true;
}

}  // namespace

std::string EncodeResult(const phone::PhoneResult& r) {
  std::string out;
  out.reserve(256);
  out.push_back(kBinaryResultVersion);
  for (const FieldSpec& spec : model::Fields()) {
    if (spec.storage_key.empty()) continue;  // derived, not stored
    if (spec.value == Value::kValidity) {
      PutEntry(
          spec.storage_key,
          r.*spec.flag ? std::string_view("\1", 1) : std::string_view("\0", 1),
          out);
      continue;
    }
    // Stored in the bulk words, the internal form; empty text is left out.
    std::string_view value = model::WireValue(spec, r, phone::WireApi::kBulk);
    if (!value.empty()) PutEntry(spec.storage_key, value, out);
  }
  return out;
}

absl::StatusOr<phone::PhoneResult> DecodeResult(std::string_view blob) {
  static_assert(kBinaryResultVersion != '{');
  const auto fields = model::Fields();
  if (fields.size() > kMaxFields) {
    return absl::InternalError("the result schema outgrew the stored layout");
  }
  StoredValues values;
  rapidjson::Document doc;  // only for the JSON layout
  const bool read = !blob.empty() && blob.front() == kBinaryResultVersion
                        ? ReadBinary(blob, values)
                        : ReadJson(blob, doc, values);
  if (!read) return absl::DataLossError("a stored result is unreadable");
  phone::PhoneResult r;
  for (size_t i = 0; i < fields.size(); ++i) {
    const FieldSpec& spec = fields[i];
    if (spec.storage_key.empty()) continue;
    if (spec.value == Value::kValidity) {
      r.*spec.flag = values[i].has_value() && *values[i] == "\1";
      continue;
    }
    // A missing text key reads as empty (it was empty when stored); a
    // missing or unknown enumerated word is damage.
    if (!model::SetFromBulkWord(spec, values[i].value_or(""), &r)) {
      return absl::DataLossError("a stored result has an unknown type");
    }
  }
  return r;
}

std::string EncodeResultAsJsonForTesting(const phone::PhoneResult& r) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  for (const FieldSpec& spec : model::Fields()) {
    if (spec.storage_key.empty()) continue;
    const auto key_size =
        static_cast<rapidjson::SizeType>(spec.storage_key.size());
    if (spec.value == Value::kValidity) {
      w.Key(spec.storage_key.data(), key_size);
      w.Bool(r.*spec.flag);
      continue;
    }
    std::string_view value = model::WireValue(spec, r, phone::WireApi::kBulk);
    if (value.empty()) continue;
    w.Key(spec.storage_key.data(), key_size);
    w.String(value.data(), static_cast<rapidjson::SizeType>(value.size()));
  }
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace phonebulk::batch
