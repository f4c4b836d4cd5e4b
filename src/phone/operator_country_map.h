#ifndef PHONEBULK_PHONE_OPERATOR_COUNTRY_MAP_H_
#define PHONEBULK_PHONE_OPERATOR_COUNTRY_MAP_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/strings.h"

namespace phonebulk::phone {

// Values keyed by an operator's name (as libphonenumber spells it, compared
// without regard to case) and the ISO alpha-3 code of its country: one name
// can be different operators in different countries. The disposable list and
// the email gateways both look operators up this way. Not thread-safe to
// build; immutable (and so thread-safe) afterwards.
template <typename Value>
class OperatorCountryMap {
 public:
  // Adds `value` for `name` in `alpha3`; false, keeping the value already
  // there, when that pair has one. `alpha3` is compared exactly, so callers
  // pass the canonical code (Country::alpha3).
  bool Add(std::string_view name, std::string_view alpha3, Value value) {
    auto& entries = by_name_[std::string(name)];
    for (const auto& [code, unused] : entries) {
      if (code == alpha3) return false;
    }
    entries.emplace_back(std::string(alpha3), std::move(value));
    return true;
  }

  // The value of `operator_name` in `country_alpha3` (either in any case);
  // nullptr when there is none or the name is empty.
  const Value* Find(std::string_view country_alpha3,
                    std::string_view operator_name) const {
    if (operator_name.empty() || by_name_.empty()) return nullptr;
    auto it = by_name_.find(operator_name);
    if (it == by_name_.end()) return nullptr;
    for (const auto& [code, value] : it->second) {
      if (EqualsIgnoreCase(code, country_alpha3)) return &value;
    }
    return nullptr;
  }

 private:
  // Name -> (alpha-3, value) for each country that has an operator of that
  // name. Countries per name are few, so a vector.
  std::unordered_map<std::string, std::vector<std::pair<std::string, Value>>,
                     CaseInsensitiveHash, CaseInsensitiveEq>
      by_name_;
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_OPERATOR_COUNTRY_MAP_H_
