#include "phone/time_zones.h"

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/strings.h"
#include "phone/embedded_table.h"
#include "phone/prefix_index.h"

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

struct TimeZoneTable::Impl {
  // One entry per distinct list of zones (a few hundred); prefixes point at
  // them, so a list shared by thousands of prefixes is stored once.
  std::vector<std::vector<std::string>> zone_lists;
  PrefixIndex index;  // prefix -> index into zone_lists
};

TimeZoneTable::TimeZoneTable() : impl_(std::make_unique<Impl>()) {}
TimeZoneTable::~TimeZoneTable() = default;

absl::StatusOr<std::unique_ptr<TimeZoneTable>> TimeZoneTable::Parse(
    std::string_view text) {
  std::unique_ptr<TimeZoneTable> table(new TimeZoneTable());
  Impl& impl = *table->impl_;
  absl::Status status = ReadPrefixTable(
      text, "time-zone table", 2, "ZONE&ZONE...<TAB>PREFIXES", impl.index,
      [&](std::span<const std::string_view> fields, uint32_t) {
        std::vector<std::string> zones;
        for (std::string_view zone : Split(fields[0], '&')) {
          if (!IsZoneName(zone)) {
            return absl::InvalidArgumentError("'" + std::string(zone) +
                                              "' is not a zone name");
          }
          zones.emplace_back(zone);
        }
        // Record i is zone_lists[i]: the value its prefixes point at.
        impl.zone_lists.push_back(std::move(zones));
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  return table;
}

const TimeZoneTable& TimeZoneTable::BuiltIn() {
  return BuiltInTable<TimeZoneTable>(embedded::kTimeZoneTable, &Parse);
}

std::span<const std::string> TimeZoneTable::Lookup(
    std::string_view e164_digits) const {
  const Impl& impl = *impl_;
  std::optional<uint32_t> found = impl.index.FindLongest(e164_digits);
  if (!found) return {};
  return impl.zone_lists[*found];
}

size_t TimeZoneTable::size() const { return impl_->index.size(); }

}  // namespace phonebulk::phone
