#include "phone/time_zones.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/embedded_table.h"

namespace phonebulk::embedded {
// time_zones.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kTimeZoneTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

// IANA names are ASCII letters, digits and "/_-+"; anything else (a space,
// a stray tab) means the text is not what the generator writes.
bool IsZoneName(std::string_view zone) {
  if (zone.empty()) return false;
  for (char c : zone) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                    (c >= '0' && c <= '9') || c == '/' || c == '_' ||
                    c == '-' || c == '+';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<std::unique_ptr<TimeZoneTable>> TimeZoneTable::Parse(
    std::string_view text) {
  std::unique_ptr<TimeZoneTable> table(new TimeZoneTable());
  absl::Status status = table->zone_lists_.Read(
      text, {"time-zone table", 2, "ZONE&ZONE...<TAB>PREFIXES"},
      [](std::span<const std::string_view> fields)
          -> absl::StatusOr<std::vector<std::string>> {
        std::vector<std::string> zones;
        for (std::string_view zone : Split(fields[0], '&')) {
          if (!IsZoneName(zone)) {
            return absl::InvalidArgumentError("'" + std::string(zone) +
                                              "' is not a zone name");
          }
          zones.emplace_back(zone);
        }
        return zones;
      });
  if (!status.ok()) return status;
  return table;
}

const TimeZoneTable& TimeZoneTable::BuiltIn() {
  return BuiltInTable<TimeZoneTable>(embedded::kTimeZoneTable, &Parse);
}

std::span<const std::string> TimeZoneTable::Lookup(
    std::string_view e164_digits) const {
  const std::vector<std::string>* zones = zone_lists_.FindLongest(e164_digits);
  if (zones == nullptr) return {};
  return *zones;
}

}  // namespace phonebulk::phone
