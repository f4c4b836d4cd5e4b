// `phonebulk submit --report`: counting the output rows, and the JSON form.
// The HTML page is in report_html.cc.
#include "client/report.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumberutil.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "client/result_row.h"
#include "client/state.h"
#include "common/strings.h"
#include "model/result_schema.h"
#include "phone/countries.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

// The region libphonenumber places a number in, from the E.164 digits of a
// valid answer's validated_phone_number ("447700900123"): "GB", "001" for
// a non-geographic number, "" when the digits name no calling code. The
// number is built as Parse builds an E.164 input (calling codes are
// prefix-free, so the first 1-3 digits that name one are it; a national
// part starting with 0 keeps its zeros as Italian leading zeros), without
// Parse's regular expressions: a calling code of one region needs no
// matching at all.
std::string RegionOfValidated(std::string_view digits) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  for (size_t len = 1; len <= 3 && len < digits.size(); ++len) {
    std::optional<int64_t> cc = ParseInt(digits.substr(0, len));
    if (!cc) return "";
    std::string main;
    util.GetRegionCodeForCountryCode(static_cast<int>(*cc), &main);
    if (main == "ZZ") continue;
    std::string_view national = digits.substr(len);
    std::optional<int64_t> nn = ParseInt(national);
    if (!nn || national.size() > 17) return "";
    PhoneNumber n;
    n.set_country_code(static_cast<int>(*cc));
    n.set_national_number(static_cast<uint64_t>(*nn));
    const size_t zeros = national.find_first_not_of('0');
    if (zeros > 0 && zeros != std::string_view::npos) {
      n.set_italian_leading_zero(true);
      if (zeros > 1) n.set_number_of_leading_zeros(static_cast<int>(zeros));
    }
    std::string region;
    util.GetRegionCodeForNumber(n, &region);
    return region == "ZZ" ? "" : region;
  }
  return "";
}

std::string CountryName(const std::string& code) {
  if (code == "001") return "International (non-geographic)";
  if (code.empty()) return "Unknown";
  const phone::Country* c = phone::Countries::Default().ByAlpha2(code);
  return c != nullptr ? c->name : code;
}

std::vector<ReportCount> Ranked(const std::map<std::string, int64_t>& counts,
                                bool countries) {
  std::vector<ReportCount> v;
  for (const auto& [key, rows] : counts) {
    v.push_back({key, countries ? CountryName(key) : key, rows});
  }
  std::stable_sort(v.begin(), v.end(),
                   [](const ReportCount& a, const ReportCount& b) {
                     return a.rows > b.rows;
                   });
  return v;
}

// The index of the column named `name` in `columns`.
size_t IndexOf(const std::vector<std::string>& columns, model::Field field) {
  const std::string_view name = model::Name(field);
  return static_cast<size_t>(std::find(columns.begin(), columns.end(), name) -
                             columns.begin());
}

Json CountsJson(const std::vector<ReportCount>& counts, bool countries) {
  Json list = Json::array();
  for (const ReportCount& c : counts) {
    Json item = {{countries ? "code" : "name", c.key}, {"rows", c.rows}};
    if (countries) item["name"] = c.name;
    list.push_back(std::move(item));
  }
  return list;
}

}  // namespace

absl::StatusOr<ReportKind> ReportKindOf(const std::string& path) {
  const size_t dot = path.rfind('.');
  const std::string ext =
      dot == std::string::npos ? "" : ToLowerAscii(path.substr(dot));
  if (ext == ".json") return ReportKind::kJson;
  if (ext == ".html" || ext == ".htm") return ReportKind::kHtml;
  return absl::InvalidArgumentError(
      "--report '" + SafeText(path, 128) +
      "': the file name must end in .html (a page with charts) or .json");
}

ReportTally::ReportTally(bool metadata, char delim) : delim_(delim) {
  const std::vector<std::string> columns =
      ResultColumns(metadata, /*validity=*/true);
  width_ = columns.size();
  validated_ = IndexOf(columns, model::Field::kValidatedPhoneNumber);
  type_ = IndexOf(columns, model::Field::kPhoneType);
  confidence_ = IndexOf(columns, model::Field::kConfidence);
  valid_ = IndexOf(columns, model::Field::kValid);
  reason_ = IndexOf(columns, model::Field::kReason);
}

void ReportTally::AddRow(std::string_view suffix) {
  std::vector<std::string> f = SuffixFields(suffix, delim_);
  f.resize(width_);  // a short suffix counts as empty cells
  ++confidences_[f[confidence_]];
  const std::string& valid = f[valid_].empty() ? "unknown" : f[valid_];
  ++valid_counts_[valid];
  if (valid == "yes") {
    ++types_[f[type_]];
    ++regions_[RegionOfValidated(f[validated_])];
  } else if (valid == "no") {
    ++reasons_[f[reason_]];
  }
}

ReportFigures ReportTally::Figures(const SubmitSummary& s) const {
  ReportFigures f;
  f.rows = s.rows;
  f.sent = s.phones;
  f.duplicates = s.duplicate_rows;
  f.credits_charged = s.credits;
  f.credits_saved = s.duplicate_rows;
  f.seconds = s.seconds;
  f.not_sent = {{kEmptyConfidence, s.empty_rows},
                {kBadRowConfidence, s.bad_rows},
                {kBadCountryConfidence, s.bad_country_rows}};
  f.valid = valid_counts_;
  for (const char* word : {"yes", "no", "empty"}) f.valid.emplace(word, 0);
  f.line_types = Ranked(types_, false);
  f.countries = Ranked(regions_, true);
  f.reasons = Ranked(reasons_, false);
  f.confidence = Ranked(confidences_, false);
  return f;
}

std::string ReportJson(const ReportFigures& f, const std::string& input,
                       const std::string& output) {
  Json j = {
      {"input", input},
      {"output", output},
      {"rows", f.rows},
      {"sent", f.sent},
      {"duplicates", f.duplicates},
      {"credits_charged", f.credits_charged},
      {"credits_saved", f.credits_saved},
      {"seconds", f.seconds},
      {"not_sent", f.not_sent},
      {"valid", f.valid},
      {"line_types", CountsJson(f.line_types, false)},
      {"countries", CountsJson(f.countries, true)},
      {"reasons", CountsJson(f.reasons, false)},
      {"confidence", CountsJson(f.confidence, false)},
  };
  // Input text (file names) may not be UTF-8: replaced, never thrown on.
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

absl::Status WriteReport(const std::string& path, const ReportFigures& f,
                         const std::string& input, const std::string& output) {
  absl::StatusOr<ReportKind> kind = ReportKindOf(path);
  if (!kind.ok()) return kind.status();
  return WriteFileDurably(path, *kind == ReportKind::kJson
                                    ? ReportJson(f, input, output)
                                    : ReportHtml(f, input, output));
}

}  // namespace phonebulk::client
