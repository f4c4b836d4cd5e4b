#include "client/input_rules.h"

#include <vector>

#include "absl/hash/hash.h"
#include "client/translated_countries.h"
#include "common/strings.h"

namespace phonebulk::client {
namespace {

char Lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// Names exports use that iso-codes does not list, each mapped to the
// alpha-3 code iso-codes has. Kept short on purpose: only names that are
// unambiguous and common in address data. "UK" is ISO 3166-1's own
// exceptional reservation for the United Kingdom; the others are former or
// everyday English names of the same country. A test checks that every
// target is a code iso-codes knows.
constexpr CountryAlias kCountryAliases[] = {
    {"uk", "GBR"},
    {"great britain", "GBR"},
    {"britain", "GBR"},
    {"england", "GBR"},
    {"scotland", "GBR"},
    {"wales", "GBR"},
    {"northern ireland", "GBR"},
    {"u.k.", "GBR"},
    {"u.s.", "USA"},
    {"u.s.a.", "USA"},
    {"russia", "RUS"},
    {"turkey", "TUR"},
    {"ivory coast", "CIV"},
    {"holland", "NLD"},
    {"the netherlands", "NLD"},
    {"macedonia", "MKD"},
    {"brunei", "BRN"},
    {"burma", "MMR"},
    {"swaziland", "SWZ"},
    {"cape verde", "CPV"},
    {"vatican", "VAT"},
    {"palestine", "PSE"},
};

}  // namespace

std::span<const CountryAlias> CountryAliases() { return kCountryAliases; }

bool HeaderMatches(std::string_view cell, std::string_view wanted) {
  cell = TrimAscii(cell);
  wanted = TrimAscii(wanted);
  if (cell.size() != wanted.size()) return false;
  for (size_t i = 0; i < cell.size(); ++i) {
    if (Lower(cell[i]) != Lower(wanted[i])) return false;
  }
  return true;
}

absl::StatusOr<int> FindColumn(std::span<const std::string> header,
                               std::string_view wanted) {
  std::vector<int> loose;
  for (size_t c = 0; c < header.size(); ++c) {
    if (header[c] == wanted) return static_cast<int>(c);
    if (HeaderMatches(header[c], wanted)) loose.push_back(static_cast<int>(c));
  }
  if (loose.empty()) {
    return absl::NotFoundError("no column '" + std::string(wanted) + "'");
  }
  if (loose.size() > 1) {
    return absl::InvalidArgumentError(
        "columns " + std::to_string(loose[0] + 1) + " and " +
        std::to_string(loose[1] + 1) + " both match '" + std::string(wanted) +
        "' (case and spaces ignored); name the one you mean exactly");
  }
  return loose[0];
}

const phone::Country* ResolveCountry(std::string_view cell,
                                     const phone::Countries& countries) {
  cell = TrimAscii(cell);
  if (cell.size() == 3) {
    if (const phone::Country* c = countries.ByAlpha3(cell)) return c;
  }
  if (cell.size() == 2) {
    if (const phone::Country* c = countries.ByAlpha2(cell)) return c;
  }
  const std::string key = phone::CountryNameKey(cell);
  for (const CountryAlias& a : kCountryAliases) {
    if (key == a.name) return countries.ByAlpha3(a.alpha3);
  }
  if (const phone::Country* c = countries.ByName(key)) return c;
  const std::string_view alpha3 = TranslatedCountryNames::Default().Find(key);
  return alpha3.empty() ? nullptr : countries.ByAlpha3(alpha3);
}

bool IsBlank(std::string_view text) { return TrimAscii(text).empty(); }

size_t CodePoints(std::string_view text) {
  size_t n = 0;
  for (char c : text) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::string DuplicateKey(std::string_view number, std::string_view alpha3) {
  std::string key;
  key.reserve(number.size() + 4);
  for (char c : number) {
    if (c != ' ' && c != '\t' && c != '-' && c != '.') key.push_back(c);
  }
  key.push_back('|');
  key.append(alpha3);
  return key;
}

std::pair<uint64_t, uint64_t> DuplicateIndex::Hash(std::string_view key) {
  // FNV-1a (64-bit) and Abseil's hash: two unrelated functions, so a pair
  // of keys that collides in one is no likelier to collide in the other.
  uint64_t fnv = 14695981039346656037ull;
  for (unsigned char c : key) {
    fnv ^= c;
    fnv *= 1099511628211ull;
  }
  return {fnv, absl::Hash<std::string_view>{}(key)};
}

bool DuplicateIndex::Add(std::string_view key, int64_t row) {
  auto [it, added] = first_.try_emplace(Hash(key), row);
  if (!added) it->second |= kRepeated;
  return !added;
}

int64_t DuplicateIndex::FirstRow(std::string_view key) const {
  auto it = first_.find(Hash(key));
  return it == first_.end() ? -1 : it->second & ~kRepeated;
}

bool DuplicateIndex::Repeated(std::string_view key) const {
  auto it = first_.find(Hash(key));
  return it != first_.end() && (it->second & kRepeated) != 0;
}

}  // namespace phonebulk::client
