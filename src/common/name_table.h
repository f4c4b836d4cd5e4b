#ifndef PHONEBULK_COMMON_NAME_TABLE_H_
#define PHONEBULK_COMMON_NAME_TABLE_H_

// The names of an enum's values, spelled once in a table that both
// directions read: value -> name and name -> value. A hand-written switch per
// direction let the two drift apart when a value was added.

#include <array>
#include <cstddef>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

namespace phonebulk {

template <typename E, size_t N>
class NameTable {
 public:
  using Entry = std::pair<E, std::string_view>;

  constexpr explicit NameTable(std::array<Entry, N> entries)
      : entries_(entries) {}

  // The first name listed for `value`; `fallback` when none is (an
  // out-of-range value can only come from a bad cast).
  constexpr std::string_view NameOf(E value, std::string_view fallback) const {
    for (const auto& [v, name] : entries_) {
      if (v == value) return name;
    }
    return fallback;
  }

  // The first value whose name `eq` finds equal to `name`; nullopt if none.
  template <typename Eq = std::equal_to<>>
  constexpr std::optional<E> ValueOf(std::string_view name, Eq eq = {}) const {
    for (const auto& [value, n] : entries_) {
      if (eq(n, name)) return value;
    }
    return std::nullopt;
  }

 private:
  std::array<Entry, N> entries_;
};

// MakeNameTable<Color>({{Color::kRed, "red"}, {Color::kBlue, "blue"}}): the
// count is deduced, so adding a row is the whole change.
template <typename E, size_t N>
constexpr NameTable<E, N> MakeNameTable(
    const std::pair<E, std::string_view> (&entries)[N]) {
  return NameTable<E, N>(std::to_array(entries));
}

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_NAME_TABLE_H_
