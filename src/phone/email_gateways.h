#ifndef PHONEBULK_PHONE_EMAIL_GATEWAYS_H_
#define PHONEBULK_PHONE_EMAIL_GATEWAYS_H_

#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "phone/operator_country_map.h"

namespace phonebulk::phone {

// Email-to-SMS/MMS gateways that North American operators publish
// (data/email_gateways.tsv, each row with its source). Immutable,
// thread-safe.
class EmailGateways {
 public:
  struct Gateway {
    std::string sms_domain;  // e.g. "vtext.com"; empty when none
    std::string mms_domain;  // e.g. "vzwpix.com"; empty when none
  };
  static const EmailGateways& BuiltIn();
  static absl::StatusOr<std::unique_ptr<EmailGateways>> Parse(
      std::string_view text);

  // The gateway of `operator_name` (as libphonenumber names it) in
  // `country_alpha3`; nullptr when none is published.
  const Gateway* Find(std::string_view country_alpha3,
                      std::string_view operator_name) const;

 private:
  EmailGateways() = default;

  OperatorCountryMap<Gateway> gateways_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_EMAIL_GATEWAYS_H_
