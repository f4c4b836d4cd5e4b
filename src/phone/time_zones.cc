#include "phone/time_zones.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "common/strings.h"

namespace phonebulk::embedded {
// time_zones.txt from tools/gen_prefix_tables.py (see tables.cmake).
extern const std::string_view kTimeZoneTable;
}  // namespace phonebulk::embedded

namespace phonebulk::phone {
namespace {

// E.164 numbers have at most 15 digits, so a prefix fits in a uint64_t.
constexpr size_t kMaxPrefixDigits = 15;

bool IsDigits(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

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
  // by_length[n]: integer value of an n-digit prefix -> index into
  // zone_lists. One map per length keeps "44" and "044" apart.
  std::array<absl::flat_hash_map<uint64_t, uint32_t>, kMaxPrefixDigits + 1>
      by_length;
  size_t min_length = kMaxPrefixDigits + 1;
  size_t max_length = 0;
  size_t prefixes = 0;
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
      if (!IsDigits(prefix) || prefix.size() > kMaxPrefixDigits) {
        return LineError(line_number, "prefix '" + std::string(prefix) +
                                          "' is not 1 to 15 digits");
      }
      const uint64_t value = static_cast<uint64_t>(*ParseInt(prefix));
      if (!impl.by_length[prefix.size()]
               .try_emplace(value, list_index)
               .second) {
        return LineError(line_number,
                         "duplicate prefix " + std::string(prefix));
      }
      impl.min_length = std::min(impl.min_length, prefix.size());
      impl.max_length = std::max(impl.max_length, prefix.size());
      ++impl.prefixes;
    }
  }
  if (impl.prefixes == 0) {
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
  std::array<uint64_t, kMaxPrefixDigits + 1> values;
  size_t usable = 0;
  uint64_t value = 0;
  while (usable < impl.max_length && usable < e164_digits.size()) {
    const char c = e164_digits[usable];
    if (c < '0' || c > '9') break;
    value = value * 10 + static_cast<uint64_t>(c - '0');
    values[++usable] = value;
  }
  for (size_t length = usable; length >= impl.min_length && length > 0;
       --length) {
    const auto& map = impl.by_length[length];
    if (map.empty()) continue;
    auto it = map.find(values[length]);
    if (it != map.end()) return impl.zone_lists[it->second];
  }
  return {};
}

size_t TimeZoneTable::size() const { return impl_->prefixes; }

}  // namespace phonebulk::phone
