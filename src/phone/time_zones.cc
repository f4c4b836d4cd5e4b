#include "phone/time_zones.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "common/strings.h"
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

absl::Status LineError(size_t line_number, std::string_view what) {
  return absl::InvalidArgumentError("time-zone table line " +
                                    std::to_string(line_number) + ": " +
                                    std::string(what));
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
  size_t line_number = 0;
  for (std::string_view line : Split(text, '\n')) {
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::vector<std::string_view> fields = Split(line, '\t');
    if (fields.size() != 2) {
      return LineError(line_number, "expected ZONE&ZONE...<TAB>PREFIXES, got " +
                                        std::to_string(fields.size()) +
                                        " field(s)");
    }
    std::vector<std::string> zones;
    for (std::string_view zone : Split(fields[0], '&')) {
      if (!IsZoneName(zone)) {
        return LineError(line_number,
                         "'" + std::string(zone) + "' is not a zone name");
      }
      zones.emplace_back(zone);
    }
    const auto list_index = static_cast<uint32_t>(impl.zone_lists.size());
    impl.zone_lists.push_back(std::move(zones));

    if (fields[1].empty()) return LineError(line_number, "no prefixes");
    for (std::string_view prefix : Split(fields[1], ' ')) {
      if (absl::Status s = impl.index.Add(prefix, list_index); !s.ok()) {
        return LineError(line_number, std::string(s.message()));
      }
    }
  }
  if (impl.index.size() == 0) {
    return absl::InvalidArgumentError("time-zone table has no prefixes");
  }
  return table;
}

const TimeZoneTable& TimeZoneTable::BuiltIn() {
  // Magic static: parsed once, thread-safe. Deliberately leaked so that no
  // destructor runs while other threads may still look up at exit.
  static const TimeZoneTable* const instance = [] {
    auto parsed = Parse(embedded::kTimeZoneTable);
    if (!parsed.ok()) {
      // Generated and embedded at build time: a failure is a build defect.
      std::fprintf(stderr, "phonebulk: fatal: built-in %s\n",
                   std::string(parsed.status().message()).c_str());
      std::abort();
    }
    return parsed->release();
  }();
  return *instance;
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
