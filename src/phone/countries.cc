#include "phone/countries.h"

#include <fstream>
#include <sstream>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "nlohmann/json.hpp"
#include "phone/load_once.h"

namespace phonebulk::phone {
namespace {

// Upper-cases a short code for use as a map key. Codes are 2 or 3 characters,
// so the string stays within the small-string buffer: no heap allocation on
// the look-up path.
std::string UpperKey(std::string_view code) {
  std::string key(code);
  for (char& c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return key;
}

// Returns the string member `key` of `entry`, or nullptr when it is missing or
// not a string.
const std::string* StringMember(const nlohmann::json& entry, const char* key) {
  auto it = entry.find(key);
  if (it == entry.end() || !it->is_string()) return nullptr;
  return it->get_ptr<const std::string*>();
}

}  // namespace

std::string CountryNameKey(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) {
    text.remove_suffix(1);
  }
  std::string key(text);
  for (char& c : key) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return key;
}

absl::StatusOr<std::unique_ptr<Countries>> Countries::Load(
    const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return absl::NotFoundError("cannot read ISO 3166 country list '" + path +
                               "' (is the iso-codes package installed?)");
  }
  std::ostringstream text;
  text << in.rdbuf();
  // No exceptions: a malformed file becomes a status like any other error.
  const nlohmann::json doc = nlohmann::json::parse(text.str(), /*cb=*/nullptr,
                                                   /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("'" + path + "' is not valid JSON");
  }
  auto list = doc.find("3166-1");
  if (list == doc.end() || !list->is_array() || list->empty()) {
    return absl::InvalidArgumentError("'" + path +
                                      "' has no non-empty \"3166-1\" array");
  }

  auto countries = std::make_unique<Countries>();
  countries->countries_.reserve(list->size());
  countries->by_alpha3_.assign(26 * 26 * 26, 0);
  countries->by_alpha2_.assign(26 * 26, 0);
  std::vector<std::pair<std::string, size_t>> names;  // name key, index
  for (size_t i = 0; i < list->size(); ++i) {
    const nlohmann::json& entry = (*list)[i];
    const std::string* alpha2 =
        entry.is_object() ? StringMember(entry, "alpha_2") : nullptr;
    const std::string* alpha3 =
        entry.is_object() ? StringMember(entry, "alpha_3") : nullptr;
    const std::string* name =
        entry.is_object() ? StringMember(entry, "name") : nullptr;
    if (alpha2 == nullptr || alpha3 == nullptr || name == nullptr ||
        alpha2->size() != 2 || alpha3->size() != 3) {
      return absl::InvalidArgumentError(
          "'" + path + "': entry " + std::to_string(i) +
          " lacks a 2-letter alpha_2, a 3-letter alpha_3 or a name");
    }
    // iso-codes' `name` is sometimes the formal one ("Taiwan, Province of
    // China"); `common_name` is what people (and the provider) call it.
    const std::string* common = StringMember(entry, "common_name");
    Country country{UpperKey(*alpha2), UpperKey(*alpha3),
                    common != nullptr ? *common : *name};
    const size_t index = countries->countries_.size();
    // A duplicate code would make a look-up ambiguous: treat it as a
    // corrupt file rather than silently picking one.
    const int a2 = CodeIndex(country.alpha2);
    const int a3 = CodeIndex(country.alpha3);
    if (a2 < 0 || a3 < 0) {
      return absl::InvalidArgumentError("'" + path + "': entry " +
                                        std::to_string(i) +
                                        " has a code that is not letters");
    }
    if (countries->by_alpha2_[a2] != 0 || countries->by_alpha3_[a3] != 0) {
      return absl::InvalidArgumentError("'" + path + "': duplicate code " +
                                        country.alpha2 + "/" + country.alpha3);
    }
    countries->by_alpha2_[a2] = static_cast<uint16_t>(index + 1);
    countries->by_alpha3_[a3] = static_cast<uint16_t>(index + 1);
    countries->countries_.push_back(std::move(country));
    for (const char* key : {"name", "common_name", "official_name"}) {
      if (const std::string* n = StringMember(entry, key)) {
        names.emplace_back(CountryNameKey(*n), index);
      }
    }
  }
  // A name two countries share would make a look-up a guess: such a name
  // (none in iso-codes 4.15) is left out rather than picking one.
  std::unordered_map<std::string, size_t>& by_name = countries->by_name_;
  std::vector<std::string> ambiguous;
  for (auto& [key, index] : names) {
    auto [it, added] = by_name.emplace(key, index);
    if (!added && it->second != index) ambiguous.push_back(key);
  }
  for (const std::string& key : ambiguous) by_name.erase(key);
  return countries;
}

const Countries& Countries::Default() {
  return LoadOnceOrDie<Countries>("", [] { return Load(kDefaultPath); });
}

int Countries::CodeIndex(std::string_view code) {
  int index = 0;
  for (char c : code) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c < 'A' || c > 'Z') return -1;
    index = index * 26 + (c - 'A');
  }
  return code.empty() ? -1 : index;
}

const Country* Countries::ByAlpha3(std::string_view alpha3) const {
  if (alpha3.size() != 3) return nullptr;
  const int i = CodeIndex(alpha3);
  return i < 0 || by_alpha3_[i] == 0 ? nullptr : &countries_[by_alpha3_[i] - 1];
}

const Country* Countries::ByName(std::string_view name) const {
  auto it = by_name_.find(CountryNameKey(name));
  return it == by_name_.end() ? nullptr : &countries_[it->second];
}

const Country* Countries::ByAlpha2(std::string_view alpha2) const {
  if (alpha2.size() != 2) return nullptr;
  const int i = CodeIndex(alpha2);
  return i < 0 || by_alpha2_[i] == 0 ? nullptr : &countries_[by_alpha2_[i] - 1];
}

}  // namespace phonebulk::phone
