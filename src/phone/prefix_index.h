#ifndef PHONEBULK_PHONE_PREFIX_INDEX_H_
#define PHONEBULK_PHONE_PREFIX_INDEX_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"

namespace phonebulk::phone {

// Maps digit prefixes of E.164 numbers to small integers (indexes into a
// caller's table) and finds the longest prefix of a number. One hash map per
// prefix length keyed by the prefix's integer value: "44" and "044" cannot
// collide, and a look-up is at most 15 probes with no allocation. Used by
// the operator and time-zone tables. Not thread-safe to build; immutable
// (and so thread-safe) afterwards.
class PrefixIndex {
 public:
  // E.164 numbers have at most 15 digits, so a prefix fits in a uint64_t.
  static constexpr size_t kMaxDigits = 15;

  // Adds `prefix` (1 to 15 ASCII digits) -> `value`. InvalidArgument for a
  // malformed or duplicate prefix (two entries for one range would make the
  // answer depend on input order).
  absl::Status Add(std::string_view prefix, uint32_t value);

  // The value of the longest prefix of `digits`; nullopt when none matches.
  // A non-digit ends the usable part of `digits`.
  std::optional<uint32_t> FindLongest(std::string_view digits) const;

  size_t size() const { return size_; }

 private:
  std::array<absl::flat_hash_map<uint64_t, uint32_t>, kMaxDigits + 1>
      by_length_;
  size_t min_length_ = kMaxDigits + 1;
  size_t max_length_ = 0;
  size_t size_ = 0;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_PREFIX_INDEX_H_
