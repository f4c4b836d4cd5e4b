#ifndef PHONEBULK_PHONE_TIME_ZONES_H_
#define PHONEBULK_PHONE_TIME_ZONES_H_

#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "phone/embedded_table.h"

namespace phonebulk::phone {

// libphonenumber's time-zone prefix table (taken at build time from Debian's
// python3-phonenumbers), looked up by longest prefix of the E.164 digits.
// Immutable, so thread-safe.
class TimeZoneTable {
 public:
  static const TimeZoneTable& BuiltIn();
  static absl::StatusOr<std::unique_ptr<TimeZoneTable>> Parse(
      std::string_view text);

  // IANA zone names for the longest matching prefix, e.g. {"Europe/London"};
  // empty when none matches.
  std::span<const std::string> Lookup(std::string_view e164_digits) const;
  size_t size() const { return zone_lists_.size(); }

 private:
  TimeZoneTable() = default;

  // One record per distinct list of zones (a few hundred); prefixes point at
  // them, so a list shared by thousands of prefixes is stored once.
  PrefixTable<std::vector<std::string>> zone_lists_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_TIME_ZONES_H_
