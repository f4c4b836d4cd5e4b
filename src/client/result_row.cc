#include "client/result_row.h"

#include "client/csv_io.h"
#include "model/result_schema.h"
#include "phone/types.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;

// The client's columns are the server's CSV result columns
// (batch/result_columns.h) for a batch without get_ported_date, which
// submit never asks: the same rule of the result schema picks them, so the
// two lists cannot drift apart.
template <typename Fn>
void ForEachColumn(bool metadata, bool validity, Fn fn) {
  for (const model::FieldSpec& spec : model::PhoneFields()) {
    if (model::Included(spec, /*ported_date=*/false, /*disposable=*/true,
                        validity)) {
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

std::vector<std::string> SuffixFields(std::string_view suffix, char delim) {
  // Each field is preceded by the delimiter and quoted as AppendCsvField
  // quotes (doubled quotes inside).
  std::vector<std::string> fields;
  size_t i = 0;
  while (i < suffix.size() && suffix[i] == delim) {
    ++i;
    std::string& field = fields.emplace_back();
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
  }
  return fields;
}

std::string ConfidenceInSuffix(std::string_view suffix, bool metadata,
                               char delim) {
  size_t want = 0;
  bool found = false;
  // disposable_number, valid and reason come after confidence, so they do
  // not move it.
  ForEachColumn(metadata, /*validity=*/false,
                [&](const model::FieldSpec& spec) {
                  if (spec.field == model::Field::kConfidence) found = true;
                  if (!found) ++want;
                });
  std::vector<std::string> fields = SuffixFields(suffix, delim);
  return want < fields.size() ? fields[want] : "";
}

std::vector<std::string> ResultColumns(bool metadata, bool validity) {
  std::vector<std::string> c;
  ForEachColumn(metadata, validity, [&](const model::FieldSpec& spec) {
    c.emplace_back(spec.name);
  });
  return c;
}

}  // namespace phonebulk::client
