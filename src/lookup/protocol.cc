#include "lookup/protocol.h"

#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <unordered_map>

#include "absl/status/status.h"
#include "common/strings.h"
#include "model/result_schema.h"

namespace phonebulk::lookup {
namespace {

// Iterative parsing keeps a hostile, deeply nested body from exhausting the
// stack; encoding validation rejects invalid UTF-8 instead of passing it on
// to our JSON output.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void WriteString(Writer& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteField(Writer& w, std::string_view key, std::string_view value) {
  if (value.empty()) return;
  w.Key(key.data(), static_cast<rapidjson::SizeType>(key.size()));
  WriteString(w, value);
}

std::string_view View(const rapidjson::Value& v) {
  return {v.GetString(), v.GetStringLength()};
}

absl::Status Malformed(std::string_view what) {
  return absl::InvalidArgumentError(std::string(what));
}

// Parses `body` into `*doc` and finds its array member `key`: the envelope
// of both directions, {"numbers": [...]} asked and {"results": [...]}
// answered. `what` names the document when it is not an object.
absl::StatusOr<const rapidjson::Value*> ParseEnvelope(
    std::string_view body, const char* what, const char* key,
    rapidjson::Document* doc) {
  doc->Parse<kParseFlags>(body.data(), body.size());
  if (doc->HasParseError()) {
    return Malformed(std::string("invalid JSON: ") +
                     rapidjson::GetParseError_En(doc->GetParseError()));
  }
  if (!doc->IsObject()) {
    return Malformed(std::string(what) + " is not a JSON object");
  }
  auto it = doc->FindMember(key);
  if (it == doc->MemberEnd() || !it->value.IsArray()) {
    return Malformed("\"" + std::string(key) + "\" is not an array");
  }
  return &it->value;
}

// Reads optional string field `key` of `obj` into `out`. Missing or null:
// leaves `out` empty.
absl::Status OptionalString(const rapidjson::Value& obj, std::string_view key,
                            std::string* out) {
  auto it = obj.FindMember(rapidjson::StringRef(
      key.data(), static_cast<rapidjson::SizeType>(key.size())));
  if (it == obj.MemberEnd() || it->value.IsNull()) return absl::OkStatus();
  if (!it->value.IsString()) {
    return Malformed(
        std::string("\"").append(key).append("\" is not a string"));
  }
  *out = std::string(View(it->value));
  return absl::OkStatus();
}

bool IsMccMnc(std::string_view s) {
  return (s.size() == 5 || s.size() == 6) && AllAsciiDigits(s);
}

// The answer fields that carry a fact of the phone result take the result's
// names (model/result_schema.h), so the two protocols cannot spell one fact
// two ways.
std::string_view OperatorKey() {
  return model::Name(model::Field::kOperatorName);
}
std::string_view OriginalOperatorKey() {
  return model::Name(model::Field::kOriginalOperatorName);
}
std::string_view PortedDateKey() {
  return model::Name(model::Field::kPortedDate);
}

absl::StatusOr<LookupAnswer> ParseResult(const rapidjson::Value& v) {
  if (!v.IsObject()) return Malformed("a result is not an object");
  LookupAnswer answer;
  auto number = v.FindMember("number");
  if (number == v.MemberEnd() || !number->value.IsString()) {
    return Malformed("a result has no string \"number\"");
  }
  answer.number = std::string(View(number->value));
  auto status = v.FindMember("status");
  if (status == v.MemberEnd() || !status->value.IsString()) {
    return Malformed("a result has no string \"status\"");
  }
  std::optional<LiveStatus> parsed = ParseLiveStatus(View(status->value));
  if (!parsed) return Malformed("unknown \"status\"");
  answer.status = *parsed;
  for (auto [key, out] :
       {std::pair{std::string_view("mccmnc"), &answer.mccmnc},
        std::pair{OperatorKey(), &answer.operator_name},
        std::pair{OriginalOperatorKey(), &answer.original_operator_name},
        std::pair{PortedDateKey(), &answer.ported_date}}) {
    if (absl::Status s = OptionalString(v, key, out); !s.ok()) return s;
  }
  if (!answer.mccmnc.empty() && !IsMccMnc(answer.mccmnc)) {
    return Malformed("\"mccmnc\" is not 5 or 6 digits");
  }
  auto ported = v.FindMember("ported");
  if (ported != v.MemberEnd() && !ported->value.IsNull()) {
    if (!ported->value.IsBool()) return Malformed("\"ported\" is not a bool");
    answer.ported = ported->value.GetBool();
  }
  return answer;
}

}  // namespace

bool IsE164Digits(std::string_view number) {
  return !number.empty() && number.size() <= 15 && AllAsciiDigits(number);
}

std::string EncodeLookupRequest(std::span<const std::string> numbers) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("numbers");
  w.StartArray();
  for (const std::string& n : numbers) WriteString(w, n);
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

absl::StatusOr<std::vector<std::string>> ParseLookupRequest(
    std::string_view body, size_t max_numbers) {
  rapidjson::Document doc;
  auto numbers_value = ParseEnvelope(body, "the body", "numbers", &doc);
  if (!numbers_value.ok()) return numbers_value.status();
  const auto& array = (*numbers_value)->GetArray();
  if (array.Empty()) return Malformed("\"numbers\" is empty");
  if (array.Size() > max_numbers) {
    return Malformed("more than " + std::to_string(max_numbers) + " numbers");
  }
  std::vector<std::string> numbers;
  numbers.reserve(array.Size());
  for (const auto& v : array) {
    if (!v.IsString() || !IsE164Digits(View(v))) {
      return Malformed("a number is not a string of 1-15 digits");
    }
    numbers.emplace_back(View(v));
  }
  return numbers;
}

std::string EncodeLookupResults(std::span<const LookupAnswer> answers) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("results");
  w.StartArray();
  for (const LookupAnswer& a : answers) {
    w.StartObject();
    WriteField(w, "number", a.number);
    WriteField(w, "status", LiveStatusName(a.status));
    WriteField(w, "mccmnc", a.mccmnc);
    WriteField(w, OperatorKey(), a.operator_name);
    WriteField(w, OriginalOperatorKey(), a.original_operator_name);
    if (a.ported) {
      w.Key("ported");
      w.Bool(*a.ported);
    }
    WriteField(w, PortedDateKey(), a.ported_date);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

absl::StatusOr<std::vector<std::optional<LookupAnswer>>> ParseLookupResults(
    std::string_view body, std::span<const std::string> asked) {
  rapidjson::Document doc;
  auto results = ParseEnvelope(body, "the answer", "results", &doc);
  if (!results.ok()) return results.status();
  // A number may be asked twice (callers dedupe, but this stays correct if
  // one does not): every index asking it gets the answer.
  std::unordered_multimap<std::string_view, size_t> index;
  index.reserve(asked.size());
  for (size_t i = 0; i < asked.size(); ++i) index.emplace(asked[i], i);

  std::vector<std::optional<LookupAnswer>> out(asked.size());
  for (const auto& v : (*results)->GetArray()) {
    absl::StatusOr<LookupAnswer> answer = ParseResult(v);
    if (!answer.ok()) return answer.status();
    auto [begin, end] = index.equal_range(answer->number);
    for (auto i = begin; i != end; ++i) {
      if (!out[i->second]) out[i->second] = *answer;
    }
  }
  return out;
}

}  // namespace phonebulk::lookup
