#ifndef PHONEBULK_BATCH_JSON_FIELDS_H_
#define PHONEBULK_BATCH_JSON_FIELDS_H_

// Strict-JSON helpers shared by the request parsers (create_request.cc,
// validate_request.cc), so that both endpoints refuse the same mistakes with
// the same sentences: "path: what is wrong". Every message is built only on
// the error path, and every echoed user value is made printable and short.
// Stateless functions; thread-safe.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "batch/config.h"
#include "phone/countries.h"
#include "phone/types.h"
#include "rapidjson/document.h"

namespace phonebulk::batch::json_fields {

using rapidjson::Value;

inline constexpr size_t kMaxEchoCodePoints = 40;
inline constexpr char kNotAlpha3[] = "is not an ISO 3166 alpha-3 code";

// Parses `body` (untrusted) into `*doc` and checks that it is one JSON
// object. A leading UTF-8 byte order mark is skipped; offsets in messages
// still count from the first byte sent. `shape` completes the sentences
// "the request body is empty; send <shape>" and "the request body must be
// <shape>, got an array", e.g. "a JSON object with a 'phones' array".
// InvalidArgument for an empty body, a NUL byte, invalid UTF-8, a JSON
// syntax error or a non-object.
absl::Status ParseBodyObject(std::string_view body, std::string_view shape,
                             rapidjson::Document* doc);

// A user-supplied value made safe to put in a message: printable ASCII is
// kept, anything else becomes '?', and values over `max_code_points` are cut
// with an ellipsis.
std::string Echo(std::string_view text, size_t max_code_points);
// A string value echoed in single quotes: 'XYZ'.
std::string Quote(const Value& string_value);
std::string_view View(const Value& string_value);
// "null", "a boolean", "an object", "an array", "a string" or "a number".
const char* TypeName(const Value& value);

// InvalidArgument "<path>: <what>".
absl::Status Invalid(std::string_view path, std::string_view what);
// InvalidArgument "<path>: expected <expected>, got <type of value>".
absl::Status WrongType(std::string_view path, std::string_view expected,
                       const Value& value);
// "parent.key" (or "key" when `parent` is empty), with the key echoed safely.
std::string ChildPath(std::string_view parent, std::string_view key);

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

// The country with alpha-3 code `text` (any case), or nullptr. The shape
// check first keeps odd input (embedded NULs, long strings) away from the
// table and makes the common miss cheap.
const phone::Country* LookupAlpha3(std::string_view text,
                                   const phone::Countries& countries);

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

// An output_format value: E164, PLUS_E164, NATIONAL, INTERNATIONAL or an
// alpha-3 code, any case.
absl::Status ParseOutputFormatValue(const Value& value, std::string_view path,
                                    const phone::Countries& countries,
                                    phone::OutputFormat* out);

// A supplementary_live_status object {"mobile"?: [alpha-3...],
// "landline"?: [alpha-3...]}. Duplicates within a list are dropped.
absl::Status ParseLiveStatusValue(const Value& value, std::string_view path,
                                  const phone::Countries& countries,
                                  SupplementaryLiveStatus* out);

// The code points of `text`, or -1 when it holds a surrogate: RapidJSON
// decodes a lone "\uD800" escape into bytes that are not UTF-8, and such a
// number could not be written back as JSON.
int64_t CountCodePoints(std::string_view text);

// A phone number value: a string of at most `max_length` code points with no
// unpaired surrogate, copied into `*out`. `path` is only called on error.
template <typename Path>
absl::Status ParseNumber(const Value& value, const Path& path,
                         size_t max_length, std::string* out) {
  if (!value.IsString()) return WrongType(path(), "a string", value);
  std::string_view text = View(value);
  int64_t length = CountCodePoints(text);
  if (length < 0) {
    return Invalid(path(),
                   "contains an unpaired UTF-16 surrogate escape; send valid "
                   "Unicode");
  }
  if (static_cast<size_t>(length) > max_length) {
    return Invalid(path(), std::to_string(length) + " characters, at most " +
                               std::to_string(max_length) + " are allowed");
  }
  out->assign(text);
  return absl::OkStatus();
}

}  // namespace phonebulk::batch::json_fields

#endif  // PHONEBULK_BATCH_JSON_FIELDS_H_
