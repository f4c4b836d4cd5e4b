#ifndef PHONEBULK_PHONE_OPERATORS_H_
#define PHONEBULK_PHONE_OPERATORS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "phone/embedded_table.h"

namespace phonebulk::phone {

// What the numbering plan says about the operator a range was allocated to.
struct OperatorInfo {
  std::string_view name;    // English name from libphonenumber, e.g. "Vodafone"
  std::string_view mccmnc;  // e.g. "23415"; empty when no code is certain
};

// libphonenumber's carrier prefix table (English names), taken at build time
// from Debian's python3-phonenumbers of the same version as the C++ library,
// joined with MCC/MNC codes from mobile-broadband-provider-info. Looked up by
// longest prefix of the E.164 digits. Immutable, so thread-safe.
class OperatorTable {
 public:
  // The table compiled into the binary.
  static const OperatorTable& BuiltIn();
  // Parses the table's text form (see tools/gen_prefix_tables.py).
  static absl::StatusOr<std::unique_ptr<OperatorTable>> Parse(
      std::string_view text);

  // Longest matching prefix of `e164_digits` (no '+'); nullopt when none.
  std::optional<OperatorInfo> Lookup(std::string_view e164_digits) const;
  size_t size() const { return operators_.size(); }

 private:
  struct Operator {
    uint32_t name;       // index into names_
    std::string mccmnc;  // 5 or 6 digits or empty; fits the SSO buffer
  };

  OperatorTable() = default;

  // Each distinct name once: a name with several codes (one per country)
  // sits on several lines of the text.
  std::vector<std::string> names_;
  PrefixTable<Operator> operators_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_OPERATORS_H_
