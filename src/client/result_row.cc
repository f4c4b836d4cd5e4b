#include "client/result_row.h"

#include <iterator>

#include "batch/result_fields.h"
#include "client/csv_io.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;

constexpr const char* kBaseColumns[] = {"validated_phone_number",
                                        "formatted_phone_number", "phone_type",
                                        "confidence"};

// Result values never contain line breaks in practice; flattening them
// keeps each batch file one line per phone, which the stitcher relies on.
std::string FlatValue(std::string s) {
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s;
}

}  // namespace

std::string StringAt(const Json& j, const char* key) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return "";
  return FlatValue(it->get<std::string>());
}

// The appended fields of one phone, each preceded by the delimiter.
void AppendResultSuffix(const Json& phone, bool metadata, char delim,
                        std::string* out) {
  for (const char* k : kBaseColumns) {
    out->push_back(delim);
    AppendCsvField(StringAt(phone, k), delim, out);
  }
  if (!metadata) return;
  static const Json kEmpty = Json::object();
  auto it = phone.find("metadata");
  const Json& m = (it != phone.end() && it->is_object()) ? *it : kEmpty;
  for (std::string_view field : batch::kMetadataFields) {
    const std::string k(field);
    out->push_back(delim);
    AppendCsvField(StringAt(m, k.c_str()), delim, out);
  }
}

std::string EmptySuffix(bool metadata, char delim,
                        std::string_view confidence) {
  std::string s(4, delim);
  s.append(confidence);
  if (metadata) s.append(batch::kMetadataFields.size(), delim);
  return s;
}

std::vector<std::string> ResultColumns(bool metadata) {
  std::vector<std::string> c(std::begin(kBaseColumns), std::end(kBaseColumns));
  if (metadata) {
    c.insert(c.end(), batch::kMetadataFields.begin(),
             batch::kMetadataFields.end());
  }
  return c;
}

}  // namespace phonebulk::client
