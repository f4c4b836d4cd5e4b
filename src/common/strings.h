#ifndef PHONEBULK_COMMON_STRINGS_H_
#define PHONEBULK_COMMON_STRINGS_H_

// Small ASCII string helpers on std::string_view. Debian's Abseil is built
// with its own absl::string_view (not an alias of std::string_view), so its
// string functions do not take std::string_view; these fill the gap.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace phonebulk {

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
bool StartsWithIgnoreCase(std::string_view text, std::string_view prefix);
std::string ToLowerAscii(std::string_view text);
std::string ToUpperAscii(std::string_view text);
std::string_view TrimAscii(std::string_view text);
// Splits on `sep`; keeps empty pieces.
std::vector<std::string_view> Split(std::string_view text, char sep);
// A non-negative decimal integer that fits in int64; nullopt otherwise.
std::optional<int64_t> ParseInt(std::string_view text);

// Transparent ASCII case-insensitive hashing and equality, so hash maps of
// names can be probed with a caller's string_view without a lower-case copy.
struct CaseInsensitiveHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const;
};
struct CaseInsensitiveEq {
  using is_transparent = void;
  bool operator()(std::string_view a, std::string_view b) const {
    return EqualsIgnoreCase(a, b);
  }
};

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_STRINGS_H_
