#include "phone/prefix_index.h"

#include <algorithm>
#include <string>

namespace phonebulk::phone {

absl::Status PrefixIndex::Add(std::string_view prefix, uint32_t value) {
  if (prefix.empty() || prefix.size() > kMaxDigits) {
    return absl::InvalidArgumentError("prefix '" + std::string(prefix) +
                                      "' is not 1 to 15 digits");
  }
  uint64_t key = 0;
  for (char c : prefix) {
    if (c < '0' || c > '9') {
      return absl::InvalidArgumentError("prefix '" + std::string(prefix) +
                                        "' is not 1 to 15 digits");
    }
    key = key * 10 + static_cast<uint64_t>(c - '0');
  }
  if (!by_length_[prefix.size()].try_emplace(key, value).second) {
    return absl::InvalidArgumentError("duplicate prefix " +
                                      std::string(prefix));
  }
  min_length_ = std::min(min_length_, prefix.size());
  max_length_ = std::max(max_length_, prefix.size());
  ++size_;
  return absl::OkStatus();
}

std::optional<uint32_t> PrefixIndex::FindLongest(
    std::string_view digits) const {
  // Integer values of the first 1..max_length digits, in one pass.
  std::array<uint64_t, kMaxDigits + 1> keys;
  size_t usable = 0;
  uint64_t key = 0;
  while (usable < max_length_ && usable < digits.size()) {
    const char c = digits[usable];
    if (c < '0' || c > '9') break;
    key = key * 10 + static_cast<uint64_t>(c - '0');
    keys[++usable] = key;
  }
  for (size_t length = usable; length >= min_length_ && length > 0; --length) {
    const auto& map = by_length_[length];
    if (map.empty()) continue;
    if (auto it = map.find(keys[length]); it != map.end()) return it->second;
  }
  return std::nullopt;
}

}  // namespace phonebulk::phone
