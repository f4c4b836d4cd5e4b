#include "batch/create_request.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "common/time_format.h"
#include "rapidjson/document.h"
#include "rapidjson/error/en.h"

namespace phonebulk::batch {
namespace {

using rapidjson::Value;

// Validating the encoding keeps invalid UTF-8 out of stored numbers; the
// iterative parser uses a heap stack, so deep nesting cannot overflow ours.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseIterativeFlag;
constexpr size_t kMaxEchoCodePoints = 40;
constexpr size_t kMaxEchoKeyCodePoints = 40;
constexpr absl::Duration kMinProcessingTime = absl::Minutes(1);
constexpr absl::Duration kMaxProcessingTime = absl::Hours(24);

constexpr char kEmptyBody[] =
    "the request body is empty; send a JSON object with a 'phones' array";
constexpr char kNotAlpha3[] = "is not an ISO 3166 alpha-3 code";

// Decodes one UTF-8 code point at `text[*pos]` strictly (no overlong forms,
// no surrogates, nothing above U+10FFFF) and advances `*pos`. Returns -1 and
// leaves `*pos` unchanged on an invalid sequence.
int32_t DecodeUtf8(std::string_view text, size_t* pos) {
  size_t i = *pos;
  auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *pos = i + 1;
    return b0;
  }
  int extra;
  int32_t cp;
  int32_t min;
  if (b0 >= 0xC2 && b0 <= 0xDF) {
    extra = 1, cp = b0 & 0x1F, min = 0x80;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    extra = 2, cp = b0 & 0x0F, min = 0x800;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    extra = 3, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (text.size() - i - 1 < static_cast<size_t>(extra)) return -1;
  for (int k = 1; k <= extra; ++k) {
    unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  *pos = i + 1 + extra;
  return cp;
}

// Offset of the first byte that is not part of valid UTF-8, or npos.
size_t FirstInvalidUtf8(std::string_view text) {
  size_t pos = 0;
  while (pos < text.size()) {
    // ASCII is the overwhelmingly common case; skip it a word at a time.
    while (pos + 8 <= text.size()) {
      uint64_t word;
      std::memcpy(&word, text.data() + pos, 8);
      if (word & 0x8080808080808080ULL) break;
      pos += 8;
    }
    if (pos >= text.size()) break;
    if (DecodeUtf8(text, &pos) < 0) return pos;
  }
  return std::string_view::npos;
}

// A user-supplied value made safe to put in a message: printable ASCII is
// kept, anything else (controls, non-ASCII, broken UTF-8) becomes '?', and
// long values are cut. The result is always printable UTF-8, so it can go
// into a JSON error body or a log line as it is.
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
    int32_t cp = DecodeUtf8(text, &pos);
    if (cp < 0) ++pos;  // count each broken byte as one replaced character
    out += (cp >= 0x20 && cp <= 0x7E) ? static_cast<char>(cp) : '?';
    ++count;
  }
  return out;
}

std::string Quote(const Value& string_value) {
  std::string out = "'";
  out += Echo(std::string_view(string_value.GetString(),
                               string_value.GetStringLength()),
              kMaxEchoCodePoints);
  out += '\'';
  return out;
}

std::string_view View(const Value& string_value) {
  return std::string_view(string_value.GetString(),
                          string_value.GetStringLength());
}

const char* TypeName(const Value& value) {
  switch (value.GetType()) {
    case rapidjson::kNullType:
      return "null";
    case rapidjson::kFalseType:
    case rapidjson::kTrueType:
      return "a boolean";
    case rapidjson::kObjectType:
      return "an object";
    case rapidjson::kArrayType:
      return "an array";
    case rapidjson::kStringType:
      return "a string";
    case rapidjson::kNumberType:
      return "a number";
  }
  return "an unknown value";
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

// Checks that `object` has only keys from `names`, each at most once, and
// points found[i] at the value of names[i] (nullptr when absent). Objects
// here are tiny, so a linear scan beats any map. `parent` builds the
// object's path and is only called on error, keeping the happy path free of
// string building (it runs 10,000 times per request for phones).
template <size_t N, typename ParentPath>
absl::Status CollectFields(const Value& object,
                           const std::array<std::string_view, N>& names,
                           std::array<const Value*, N>& found,
                           const ParentPath& parent) {
  found.fill(nullptr);
  for (const auto& member : object.GetObject()) {
    std::string_view key = View(member.name);
    size_t i = 0;
    while (i < N && names[i] != key) ++i;
    if (i == N) return Invalid(ChildPath(parent(), key), "unknown field");
    if (found[i] != nullptr) {
      return Invalid(ChildPath(parent(), key),
                     "the field appears more than once; send it once");
    }
    found[i] = &member.value;
  }
  return absl::OkStatus();
}

bool IsAlpha3Shape(std::string_view text) {
  if (text.size() != 3) return false;
  for (char c : text) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// The shape check first keeps odd input (embedded NULs, long strings) away
// from the table and makes the common miss cheap.
const phone::Country* LookupAlpha3(std::string_view text,
                                   const phone::Countries& countries) {
  if (!IsAlpha3Shape(text)) return nullptr;
  return countries.ByAlpha3(text);
}

bool EqualsIgnoreCase(std::string_view text, std::string_view upper) {
  if (text.size() != upper.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != upper[i]) return false;
  }
  return true;
}

// A country code value, stored upper case in `*out`. `path` builds the
// value's path and is only called on error.
template <typename Path>
absl::Status ParseCountry(const Value& value, const Path& path,
                          const phone::Countries& countries, std::string* out) {
  if (!value.IsString()) {
    return WrongType(path(), "an ISO 3166 alpha-3 code string", value);
  }
  const phone::Country* country = LookupAlpha3(View(value), countries);
  if (country == nullptr) {
    return Invalid(path(), Quote(value) + " " + kNotAlpha3);
  }
  *out = country->alpha3;
  return absl::OkStatus();
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

// Counts the code points of a string value, or returns -1 when it holds a
// surrogate: RapidJSON decodes a lone "\uD800" escape into bytes that are
// not UTF-8, and such a number could not be written back as JSON.
int64_t CountCodePoints(std::string_view text) {
  int64_t count = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    if (static_cast<unsigned char>(text[pos]) < 0x80) {
      ++pos;
    } else if (DecodeUtf8(text, &pos) < 0) {
      return -1;
    }
    ++count;
  }
  return count;
}

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
    constexpr std::string_view kField = "defaults.output_format";
    if (!v->IsString()) return WrongType(kField, "a string", *v);
    auto format = ParseOutputFormat(View(*v), countries);
    if (!format.has_value()) {
      return Invalid(kField, Quote(*v) +
                                 " is not E164, PLUS_E164, NATIONAL, "
                                 "INTERNATIONAL or an ISO 3166 alpha-3 code");
    }
    config.output_format = *std::move(format);
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
    constexpr std::string_view kField = "defaults.supplementary_live_status";
    if (!v->IsObject()) return WrongType(kField, "an object", *v);
    static constexpr std::array<std::string_view, 2> kLists = {"mobile",
                                                               "landline"};
    std::array<const Value*, 2> lists;
    status =
        CollectFields(*v, kLists, lists, [&] { return std::string(kField); });
    if (!status.ok()) return status;
    SupplementaryLiveStatus live;
    if (lists[0] != nullptr) {
      status = ParseCountryList(*lists[0],
                                "defaults.supplementary_live_status.mobile",
                                countries, &live.mobile);
      if (!status.ok()) return status;
    }
    if (lists[1] != nullptr) {
      status = ParseCountryList(*lists[1],
                                "defaults.supplementary_live_status.landline",
                                countries, &live.landline);
      if (!status.ok()) return status;
    }
    config.supplementary_live_status = std::move(live);
  }
  return absl::OkStatus();
}

std::string PhonePath(rapidjson::SizeType index) {
  return "phones[" + std::to_string(index) + "]";
}

absl::Status ParsePhones(const Value& value, const phone::Countries& countries,
                         std::vector<store::PhoneInput>* phones) {
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
    store::PhoneInput& phone = phones->emplace_back();

    const Value* number = found[0];
    if (number == nullptr) {
      return Invalid(PhonePath(i) + ".number",
                     "missing; every phone needs a 'number' string");
    }
    if (!number->IsString()) {
      return WrongType(PhonePath(i) + ".number", "a string", *number);
    }
    std::string_view text = View(*number);
    int64_t length = CountCodePoints(text);
    if (length < 0) {
      return Invalid(PhonePath(i) + ".number",
                     "contains an unpaired UTF-16 surrogate escape; send "
                     "valid Unicode");
    }
    if (static_cast<size_t>(length) > kMaxNumberLength) {
      return Invalid(PhonePath(i) + ".number",
                     std::to_string(length) + " characters, at most " +
                         std::to_string(kMaxNumberLength) + " are allowed");
    }
    phone.number.assign(text);

    if (const Value* country = found[1]) {
      status = ParseCountry(
          *country, [&] { return PhonePath(i) + ".country_iso"; }, countries,
          &phone.country_iso);
      if (!status.ok()) return status;
    }
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

std::optional<phone::OutputFormat> ParseOutputFormat(
    std::string_view text, const phone::Countries& countries) {
  using Kind = phone::OutputFormat::Kind;
  phone::OutputFormat format;
  if (EqualsIgnoreCase(text, "E164")) {
    format.kind = Kind::kE164;
  } else if (EqualsIgnoreCase(text, "PLUS_E164")) {
    format.kind = Kind::kPlusE164;
  } else if (EqualsIgnoreCase(text, "NATIONAL")) {
    format.kind = Kind::kNational;
  } else if (EqualsIgnoreCase(text, "INTERNATIONAL")) {
    format.kind = Kind::kInternational;
  } else if (const phone::Country* country = LookupAlpha3(text, countries)) {
    format.kind = Kind::kDialledFrom;
    format.from_alpha3 = country->alpha3;
  } else {
    return std::nullopt;
  }
  return format;
}

absl::StatusOr<CreateBatchRequest> ParseCreateBatchRequest(
    std::string_view body, const phone::Countries& countries) {
  // Some Windows clients prefix a byte order mark; RFC 8259 lets us ignore
  // it. Offsets in messages still count from the start of what was sent.
  size_t base = 0;
  if (body.substr(0, 3) == "\xEF\xBB\xBF") {
    body.remove_prefix(3);
    base = 3;
  }
  size_t first = 0;
  while (first < body.size() && IsJsonWhitespace(body[first])) ++first;
  if (first == body.size()) return absl::InvalidArgumentError(kEmptyBody);

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

  rapidjson::Document doc;
  doc.Parse<kParseFlags>(body.data(), body.size());
  if (doc.HasParseError()) {
    std::string offset = std::to_string(base + doc.GetErrorOffset());
    if (doc.GetParseError() == rapidjson::kParseErrorDocumentRootNotSingular) {
      return absl::InvalidArgumentError(
          "the request body is not valid JSON: unexpected data after the "
          "top-level value at offset " +
          offset);
    }
    return absl::InvalidArgumentError("the request body is not valid JSON: " +
                                      ParseErrorText(doc.GetParseError()) +
                                      " at offset " + offset);
  }
  if (!doc.IsObject()) {
    return absl::InvalidArgumentError(
        std::string("the request body must be a JSON object with a 'phones' "
                    "array, got ") +
        TypeName(doc));
  }

  static constexpr std::array<std::string_view, 2> kNames = {"defaults",
                                                             "phones"};
  std::array<const Value*, 2> found;
  auto status = CollectFields(doc, kNames, found, [] { return std::string(); });
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
