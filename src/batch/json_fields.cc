#include "batch/json_fields.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "batch/create_request.h"
#include "common/name_table.h"
#include "common/strings.h"
#include "rapidjson/error/en.h"

namespace phonebulk::batch::json_fields {
namespace {

// Validating the encoding keeps invalid UTF-8 out of stored numbers; the
// iterative parser uses a heap stack, so deep nesting cannot overflow ours.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
constexpr size_t kMaxEchoKeyCodePoints = 40;

bool IsAlpha3Shape(std::string_view text) {
  if (text.size() != 3) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// One of supplementary_live_status' lists. Duplicates are dropped (first
// occurrence kept) so the stored config stays small whatever the client
// repeats; a bitmap over all three-letter codes makes that linear.
absl::Status ParseCountryList(const Value& value, std::string_view path,
                              const phone::Countries& countries,
                              std::vector<std::string>* out) {
  if (!value.IsArray()) {
    return WrongType(path, "an array of ISO 3166 alpha-3 codes", value);
  }
  std::vector<bool> seen(26 * 26 * 26);
  out->clear();
  std::string code;
  for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
    auto status = ParseCountry(
        value[i],
        [&] { return std::string(path) + "[" + std::to_string(i) + "]"; },
        countries, &code);
    if (!status.ok()) return status;
    size_t index = static_cast<size_t>((code[0] - 'A') * 26 * 26 +
                                       (code[1] - 'A') * 26 + (code[2] - 'A'));
    if (index < seen.size() && seen[index]) continue;
    if (index < seen.size()) seen[index] = true;
    out->push_back(code);
  }
  return absl::OkStatus();
}

// RapidJSON's English messages start upper case and end with a period;
// ours continue a sentence.
std::string ParseErrorText(rapidjson::ParseErrorCode code) {
  std::string text = rapidjson::GetParseError_En(code);
  if (!text.empty() && text.back() == '.') text.pop_back();
  if (!text.empty() && text[0] >= 'A' && text[0] <= 'Z') {
    text[0] = static_cast<char>(text[0] - 'A' + 'a');
  }
  return text;
}

bool IsJsonWhitespace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

absl::Status ParseBodyObject(std::string_view body, std::string_view shape,
                             rapidjson::Document* doc) {
  // Some Windows clients prefix a byte order mark; RFC 8259 lets us ignore
  // it. Offsets in messages still count from the start of what was sent.
  size_t base = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") {
    body.remove_prefix(3);
    base = 3;
  }
  size_t first = 0;
  while (first < body.size() && IsJsonWhitespace(body[first])) ++first;
  if (first == body.size()) {
    return absl::InvalidArgumentError("the request body is empty; send " +
                                      std::string(shape));
  }

  // RapidJSON treats a NUL byte as the end of input, so "{...}\0junk" would
  // pass as one object; JSON allows NUL nowhere outside an escape.
  if (const void* nul = std::memchr(body.data(), '\0', body.size())) {
    size_t offset = static_cast<const char*>(nul) - body.data();
    return absl::InvalidArgumentError(
        "the request body is not valid JSON: a NUL byte at offset " +
        std::to_string(base + offset));
  }
  // Checked here rather than left to the parser for a message that says
  // what is wrong: outside strings RapidJSON only says "invalid value".
  if (size_t bad = FirstInvalidUtf8(body); bad != std::string_view::npos) {
    return absl::InvalidArgumentError(
        "the request body is not valid UTF-8 at offset " +
        std::to_string(base + bad) + "; send the JSON encoded as UTF-8");
  }

  doc->Parse<kParseFlags>(body.data(), body.size());
  if (doc->HasParseError()) {
    std::string offset = std::to_string(base + doc->GetErrorOffset());
    if (doc->GetParseError() == rapidjson::kParseErrorDocumentRootNotSingular) {
      return absl::InvalidArgumentError(
          "the request body is not valid JSON: unexpected data after the "
          "top-level value at offset " +
          offset);
    }
    return absl::InvalidArgumentError("the request body is not valid JSON: " +
                                      ParseErrorText(doc->GetParseError()) +
                                      " at offset " + offset);
  }
  if (!doc->IsObject()) {
    return absl::InvalidArgumentError("the request body must be " +
                                      std::string(shape) + ", got " +
                                      TypeName(*doc));
  }
  return absl::OkStatus();
}

std::string Echo(std::string_view text, size_t max_code_points) {
  std::string out;
  out.reserve(std::min(text.size(), max_code_points) + 3);
  size_t pos = 0;
  size_t count = 0;
  while (pos < text.size()) {
    if (count == max_code_points) {
      out += "\xE2\x80\xA6";  // U+2026 HORIZONTAL ELLIPSIS
      break;
    }
    char32_t cp = 0;
    size_t length = DecodeUtf8(text, pos, &cp);
    // Each broken byte counts as one replaced character.
    pos += length == 0 ? 1 : length;
    out +=
        (length != 0 && cp >= 0x20 && cp <= 0x7E) ? static_cast<char>(cp) : '?';
    ++count;
  }
  return out;
}

std::string Quote(const Value& string_value) {
  std::string out = "'";
  out += Echo(View(string_value), kMaxEchoCodePoints);
  out += '\'';
  return out;
}

std::string_view View(const Value& string_value) {
  return std::string_view(string_value.GetString(),
                          string_value.GetStringLength());
}

namespace {

constexpr auto kTypeNames = MakeNameTable<rapidjson::Type>({
    {rapidjson::kNullType, "null"},
    {rapidjson::kFalseType, "a boolean"},
    {rapidjson::kTrueType, "a boolean"},
    {rapidjson::kObjectType, "an object"},
    {rapidjson::kArrayType, "an array"},
    {rapidjson::kStringType, "a string"},
    {rapidjson::kNumberType, "a number"},
});

}  // namespace

const char* TypeName(const Value& value) {
  // Every name is a literal, so the view's data is NUL-terminated.
  return kTypeNames.NameOf(value.GetType(), "an unknown value").data();
}

absl::Status Invalid(std::string_view path, std::string_view what) {
  std::string message(path);
  message.append(": ").append(what);
  return absl::InvalidArgumentError(message);
}

absl::Status WrongType(std::string_view path, std::string_view expected,
                       const Value& value) {
  return Invalid(path, std::string("expected ")
                           .append(expected)
                           .append(", got ")
                           .append(TypeName(value)));
}

std::string ChildPath(std::string_view parent, std::string_view key) {
  std::string path(parent);
  if (!path.empty()) path += '.';
  // Keys are user input too; an empty one would make the path unreadable.
  path += key.empty() ? "\"\"" : Echo(key, kMaxEchoKeyCodePoints);
  return path;
}

const phone::Country* LookupAlpha3(std::string_view text,
                                   const phone::Countries& countries) {
  if (!IsAlpha3Shape(text)) return nullptr;
  return countries.ByAlpha3(text);
}

absl::Status ParseOutputFormatValue(const Value& value, std::string_view path,
                                    const phone::Countries& countries,
                                    phone::OutputFormat* out) {
  if (!value.IsString()) return WrongType(path, "a string", value);
  auto format = ParseOutputFormat(View(value), countries);
  if (!format.has_value()) {
    return Invalid(path, Quote(value) +
                             " is not E164, PLUS_E164, NATIONAL, "
                             "INTERNATIONAL or an ISO 3166 alpha-3 code");
  }
  *out = *std::move(format);
  return absl::OkStatus();
}

absl::Status ParseLiveStatusValue(const Value& value, std::string_view path,
                                  const phone::Countries& countries,
                                  SupplementaryLiveStatus* out) {
  if (!value.IsObject()) return WrongType(path, "an object", value);
  static constexpr std::array<std::string_view, 2> kLists = {"mobile",
                                                             "landline"};
  std::array<const Value*, 2> lists;
  auto status =
      CollectFields(value, kLists, lists, [&] { return std::string(path); });
  if (!status.ok()) return status;
  SupplementaryLiveStatus live;
  if (lists[0] != nullptr) {
    status = ParseCountryList(*lists[0], std::string(path) + ".mobile",
                              countries, &live.mobile);
    if (!status.ok()) return status;
  }
  if (lists[1] != nullptr) {
    status = ParseCountryList(*lists[1], std::string(path) + ".landline",
                              countries, &live.landline);
    if (!status.ok()) return status;
  }
  *out = std::move(live);
  return absl::OkStatus();
}

int64_t CountCodePoints(std::string_view text) {
  std::optional<size_t> count = Utf8CodePoints(text);
  return count ? static_cast<int64_t>(*count) : -1;
}

}  // namespace phonebulk::batch::json_fields
