#include "phone/email_gateways.h"

#include <cctype>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/countries.h"
#include "phone/embedded_table.h"

namespace phonebulk::embedded {
extern const std::string_view kEmailGatewaysTsv;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

constexpr std::string_view kHeader =
    "country_alpha3\toperator_name\tsms_domain\tmms_domain\tsource";

// A domain as it may follow '@': letters, digits, '-' and '.', with a dot.
bool IsDomain(std::string_view d) {
  if (d.empty() || d.front() == '.' || d.back() == '.') return false;
  if (d.find('.') == std::string_view::npos) return false;
  for (char c : d) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<EmailGateways>> EmailGateways::Parse(
    std::string_view text) {
  std::unique_ptr<EmailGateways> gateways(new EmailGateways());
  const Countries& countries = Countries::Default();
  bool seen_header = false;
  int line_no = 0;
  for (std::string_view raw : Split(text, '\n')) {
    ++line_no;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    std::string_view trimmed = TrimAscii(raw);
    if (trimmed.empty() || trimmed.front() == '#') continue;
    auto error = [&](const std::string& why) {
      return absl::InvalidArgumentError("email gateways line " +
                                        std::to_string(line_no) + ": " + why);
    };
    if (!seen_header) {
      // The header pins the column order, so a reordered file fails loudly
      // instead of putting domains where operator names belong.
      if (raw != kHeader) {
        return error("expected the header '" + std::string(kHeader) + "'");
      }
      seen_header = true;
      continue;
    }
    std::vector<std::string_view> cols = Split(raw, '\t');
    if (cols.size() != 5) {
      return error("expected 5 tab-separated columns, found " +
                   std::to_string(cols.size()));
    }
    std::string_view alpha3 = TrimAscii(cols[0]);
    std::string_view name = TrimAscii(cols[1]);
    std::string_view sms = TrimAscii(cols[2]);
    std::string_view mms = TrimAscii(cols[3]);
    std::string_view source = TrimAscii(cols[4]);
    const Country* country = countries.ByAlpha3(alpha3);
    if (country == nullptr) {
      return error("'" + std::string(alpha3) +
                   "' is not an ISO 3166 alpha-3 code");
    }
    if (name.empty()) return error("operator_name is empty");
    if (sms.empty() && mms.empty()) return error("no sms or mms domain");
    if (!sms.empty() && !IsDomain(sms)) {
      return error("'" + std::string(sms) + "' is not a domain");
    }
    if (!mms.empty() && !IsDomain(mms)) {
      return error("'" + std::string(mms) + "' is not a domain");
    }
    // Every row must say where it comes from; see docs/data.md.
    if (source.empty()) return error("source is empty");
    if (!gateways->gateways_.Add(name, country->alpha3,
                                 Gateway{std::string(sms), std::string(mms)})) {
      return error("duplicate operator '" + std::string(name) + "' in " +
                   country->alpha3);
    }
  }
  if (!seen_header) {
    return absl::InvalidArgumentError("email gateways: no header row");
  }
  return gateways;
}

const EmailGateways& EmailGateways::BuiltIn() {
  // The file is checked by the tests; a bad one must not ship quietly.
  return BuiltInTable<EmailGateways>(embedded::kEmailGatewaysTsv, &Parse);
}

const EmailGateways::Gateway* EmailGateways::Find(
    std::string_view country_alpha3, std::string_view operator_name) const {
  return gateways_.Find(country_alpha3, operator_name);
}

}  // namespace phonebulk::phone
