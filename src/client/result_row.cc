#include "client/result_row.h"

#include "client/csv_io.h"
#include "model/result_schema.h"
#include "phone/types.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;

// The client's base columns are the phone fields every answer has
// (model::Presence::kAlways), with `validity` also valid and reason:
// ported_date and disposable_number are left out.
template <typename Fn>
void ForEachColumn(bool metadata, bool validity, Fn fn) {
  for (const model::FieldSpec& spec : model::PhoneFields()) {
    if (spec.presence == model::Presence::kAlways ||
        (validity && spec.presence == model::Presence::kWithValidity)) {
      fn(spec);
    }
  }
  if (!metadata) return;
  for (const model::FieldSpec& spec : model::MetadataFields()) fn(spec);
}

// Result values never contain line breaks in practice; flattening them
// keeps each batch file one line per phone, which the stitcher relies on.
std::string FlatValue(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::string StringAt(const Json& j, std::string_view key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return FlatValue(it->get<std::string>());
}

// The appended fields of one phone, each preceded by the delimiter.
void AppendResultSuffix(const Json& phone, bool metadata, bool validity,
                        char delim, std::string* out) {
  static const Json kEmpty = Json::object();
  auto it = phone.find("metadata");
  const Json& m = (it != phone.end() && it->is_object()) ? *it : kEmpty;
  ForEachColumn(metadata, validity, [&](const model::FieldSpec& spec) {
    const Json& from = spec.section == model::Section::kMetadata ? m : phone;
    out->push_back(delim);
    AppendCsvField(StringAt(from, spec.name), delim, out);
  });
}

std::string EmptySuffix(bool metadata, bool validity, char delim,
                        std::string_view confidence, std::string_view reason) {
  const bool empty = confidence == kEmptyConfidence;
  // An empty cell gets the words the server gives a blank number.
  if (empty && reason.empty()) {
    reason = phone::InvalidReasonWord(phone::InvalidReason::kEmpty);
  }
  std::string s;
  ForEachColumn(metadata, validity, [&](const model::FieldSpec& spec) {
    s.push_back(delim);
    if (spec.field == model::Field::kConfidence) s.append(confidence);
    if (spec.field == model::Field::kValid) s.append(empty ? "empty" : "no");
    if (spec.field == model::Field::kReason) {
      AppendCsvField(FlatValue(std::string(reason)), delim, &s);
    }
  });
  return s;
}

std::string ConfidenceInSuffix(std::string_view suffix, bool metadata,
                               char delim) {
  size_t want = 0;
  bool found = false;
  // valid and reason come after confidence, so they do not move it.
  ForEachColumn(metadata, /*validity=*/false,
                [&](const model::FieldSpec& spec) {
                  if (spec.field == model::Field::kConfidence) found = true;
                  if (!found) ++want;
                });
  // Each field is preceded by the delimiter and quoted as AppendCsvField
  // quotes (doubled quotes inside).
  size_t i = 0;
  for (size_t n = 0; i < suffix.size() && suffix[i] == delim; ++n) {
    ++i;
    std::string field;
    if (i < suffix.size() && suffix[i] == '"') {
      for (++i; i < suffix.size(); ++i) {
        if (suffix[i] != '"') {
          field += suffix[i];
        } else if (i + 1 < suffix.size() && suffix[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          ++i;
          break;
        }
      }
    } else {
      while (i < suffix.size() && suffix[i] != delim) field += suffix[i++];
    }
    if (n == want) return field;
  }
  return "";
}

std::vector<std::string> ResultColumns(bool metadata, bool validity) {
  std::vector<std::string> c;
  ForEachColumn(metadata, validity, [&](const model::FieldSpec& spec) {
    c.emplace_back(spec.name);
  });
  return c;
}

}  // namespace phonebulk::client
