#include "batch/config.h"

#include <string>
#include <utility>

#include "absl/status/status.h"
#include "common/time_format.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"
#include "rapidjson/stringbuffer.h"
#include "rapidjson/writer.h"

namespace phonebulk::batch {
namespace {

constexpr size_t kMaxReferenceIdLength = 256;

// The stored form is written only by SerializeConfig, so a failure here means
// a damaged row or a bug; the message is for an operator, not for a client.
absl::Status Corrupt(std::string_view why) {
  return absl::DataLossError(
      std::string("stored batch config is damaged: ").append(why));
}

// ASCII only, on purpose: <cctype> depends on the locale.
bool IsAsciiLetter(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

std::string UpperAscii(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

absl::StatusOr<std::vector<std::string>> ParseStoredCodes(
    const rapidjson::Value& value, std::string_view name) {
  if (!value.IsArray()) {
    return Corrupt(std::string(name).append(" is not an array"));
  }
  std::vector<std::string> codes;
  codes.reserve(value.Size());
  for (const auto& code : value.GetArray()) {
    if (!code.IsString()) {
      return Corrupt(std::string(name).append(" holds a non-string"));
    }
    codes.emplace_back(code.GetString(), code.GetStringLength());
  }
  return codes;
}

template <typename Writer>
void WriteCodes(Writer& writer, const char* key,
                const std::vector<std::string>& codes) {
  // Empty lists are left out, as the contract's metadata example does.
  if (codes.empty()) return;
  writer.Key(key);
  writer.StartArray();
  for (const std::string& code : codes) {
    writer.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  }
  writer.EndArray();
}

}  // namespace

std::optional<phone::OutputFormat> ParseOutputFormatName(
    std::string_view text) {
  using Kind = phone::OutputFormat::Kind;
  std::string upper = UpperAscii(text);
  phone::OutputFormat format;
  if (std::optional<Kind> kind = phone::FixedOutputFormatKind(upper)) {
    format.kind = *kind;
  } else if (upper.size() == 3 && IsAsciiLetter(upper[0]) &&
             IsAsciiLetter(upper[1]) && IsAsciiLetter(upper[2])) {
    format.kind = Kind::kDialledFrom;
    format.from_alpha3 = std::move(upper);
  } else {
    return std::nullopt;
  }
  return format;
}

std::string SerializeConfig(const BatchConfig& config) {
  // The keys and shape are those of the contract's `metadata.batch_config`:
  // the status view writes this text as it is (api/json_views.cc).
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("output_format");
  std::string format = config.output_format.Name();
  writer.String(format.data(), static_cast<rapidjson::SizeType>(format.size()));
  if (!config.country_iso.empty()) {
    writer.Key("country_iso");
    writer.String(config.country_iso.data(),
                  static_cast<rapidjson::SizeType>(config.country_iso.size()));
  }
  writer.Key("get_ported_date");
  writer.Bool(config.get_ported_date);
  if (config.supplementary_live_status.has_value()) {
    writer.Key("supplementary_live_status");
    writer.StartObject();
    WriteCodes(writer, "mobile", config.supplementary_live_status->mobile);
    WriteCodes(writer, "landline", config.supplementary_live_status->landline);
    writer.EndObject();
  }
  if (config.max_processing_time.has_value()) {
    // Only the text is stored; the duration is derived from it on reading,
    // so the two can never disagree in storage.
    writer.Key("max_processing_time");
    writer.String(
        config.max_processing_time->data(),
        static_cast<rapidjson::SizeType>(config.max_processing_time->size()));
  }
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

absl::StatusOr<BatchConfig> ParseStoredConfig(std::string_view json) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag |
            rapidjson::kParseIterativeFlag>(json.data(), json.size());
  if (doc.HasParseError()) {
    return Corrupt(std::string(rapidjson::GetParseError_En(doc.GetParseError()))
                       .append(" at offset ")
                       .append(std::to_string(doc.GetErrorOffset())));
  }
  // Read through a const reference: clang's C++20 mode warns about the
  // non-const member iterators' comparison operators.
  const rapidjson::Value& root = doc;
  if (!root.IsObject()) return Corrupt("not an object");

  BatchConfig config;
  // Unknown keys are ignored on purpose: a row written by a newer release
  // (with a field this one does not know) must stay readable after a rollback.
  for (const auto& member : root.GetObject()) {
    std::string_view key(member.name.GetString(),
                         member.name.GetStringLength());
    const rapidjson::Value& value = member.value;
    if (key == "output_format") {
      if (!value.IsString()) return Corrupt("output_format is not a string");
      // A stored alpha-3 code is taken as is, not looked up: a stored batch
      // must stay readable even if a later iso-codes release drops that
      // country, and this keeps storage independent of the country table.
      auto format = ParseOutputFormatName(
          std::string_view(value.GetString(), value.GetStringLength()));
      if (!format.has_value()) return Corrupt("unknown output_format");
      config.output_format = *std::move(format);
    } else if (key == "country_iso") {
      if (!value.IsString()) return Corrupt("country_iso is not a string");
      config.country_iso.assign(value.GetString(), value.GetStringLength());
    } else if (key == "get_ported_date") {
      if (!value.IsBool()) return Corrupt("get_ported_date is not a boolean");
      config.get_ported_date = value.GetBool();
    } else if (key == "supplementary_live_status") {
      if (!value.IsObject()) {
        return Corrupt("supplementary_live_status is not an object");
      }
      SupplementaryLiveStatus status;
      for (const auto& list : value.GetObject()) {
        std::string_view name(list.name.GetString(),
                              list.name.GetStringLength());
        std::vector<std::string>* target = name == "mobile" ? &status.mobile
                                           : name == "landline"
                                               ? &status.landline
                                               : nullptr;
        if (target == nullptr) continue;
        auto codes = ParseStoredCodes(list.value, name);
        if (!codes.ok()) return codes.status();
        *target = *std::move(codes);
      }
      config.supplementary_live_status = std::move(status);
    } else if (key == "max_processing_time") {
      if (!value.IsString()) {
        return Corrupt("max_processing_time is not a string");
      }
      std::string text(value.GetString(), value.GetStringLength());
      std::optional<absl::Duration> duration = ParseIsoDuration(text);
      if (!duration.has_value()) {
        return Corrupt("max_processing_time is not an ISO-8601 duration");
      }
      config.max_processing_time = std::move(text);
      config.max_processing_duration = *duration;
    }
  }
  return config;
}

bool IsValidReferenceId(std::string_view text) {
  if (text.empty() || text.size() > kMaxReferenceIdLength) return false;
  for (char c : text) {
    // Deliberately not std::isalnum: that is locale-dependent, and the
    // contract's \w means ASCII word characters only.
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
              (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '/' ||
              c == ':' || c == '.' || c == ',' || c == '(' || c == ')' ||
              c == ' ';
    if (!ok) return false;
  }
  return true;
}

}  // namespace phonebulk::batch
