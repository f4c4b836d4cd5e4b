#ifndef PHONEBULK_CLIENT_INPUT_RULES_H_
#define PHONEBULK_CLIENT_INPUT_RULES_H_

// How `phonebulk submit` reads the cells of a real-world export: header
// names matched loosely, country cells in the forms exports carry (alpha-3,
// alpha-2, English names, a few aliases), and the key under which two rows
// ask the same question (so it is sent and paid for once). Pure functions
// and a read-only-after-build index; thread-compatible.

#include <cstdint>
#include <limits>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "phone/countries.h"

namespace phonebulk::client {

// True when header cell `cell` names column `wanted`: ASCII case and the
// spaces and tabs around either are ignored ("  Phone " names "phone").
bool HeaderMatches(std::string_view cell, std::string_view wanted);

// The index of column `wanted` in `header`: an exact match wins; otherwise
// the one cell HeaderMatches. NotFound when none matches, InvalidArgument
// when several match loosely and none exactly (which one was meant?).
absl::StatusOr<int> FindColumn(std::span<const std::string> header,
                               std::string_view wanted);

// A name exports use for a country that iso-codes does not list ("UK").
struct CountryAlias {
  const char* name;  // lower case
  const char* alpha3;
};
// The short, documented alias list (input_rules.cc, docs/client.md).
std::span<const CountryAlias> CountryAliases();

// The country a cell means, or nullptr: an ISO 3166-1 alpha-3 or alpha-2
// code, an English name iso-codes gives the country (name, common_name,
// official_name), one of CountryAliases() such as "UK", or a name in one
// of TranslatedCountryNames::kLanguages ("Deutschland"); ASCII case and
// surrounding spaces ignored. The table is iso-codes' (phone::Countries), never
// typed here.
const phone::Country* ResolveCountry(
    std::string_view cell,
    const phone::Countries& countries = phone::Countries::Default());

// True when `text` is nothing but spaces and tabs (or empty).
bool IsBlank(std::string_view text);

// Unicode code points in `text` (valid UTF-8 assumed).
size_t CodePoints(std::string_view text);

// The key of a (number, country) question: the number without spaces,
// tabs, '-' and '.', which never change its meaning, then '|' and the
// alpha-3 code ("" for none). Anything else (a leading '+', letters,
// parentheses) is kept, so rows that share a key always get the same
// answer.
std::string DuplicateKey(std::string_view number, std::string_view alpha3);

// Which rows repeat an earlier row's question. Built by the input scan from
// every row that would be sent, in row order; read-only afterwards.
//
// It holds one entry per distinct number of the file, so its size is what
// makes a run's memory grow with the file (a server running file jobs holds
// one per running job). An entry is therefore 16 bytes of key, two
// independent 64-bit hashes of the duplicate key, rather than the key's
// text (~130 bytes an entry with its node; 1,000,000 distinct numbers:
// ~120 MB, now ~35 MB). Two different keys would have to collide in both
// hashes to be taken for one (about 1 in 10^25 for a million keys).
class DuplicateIndex {
 public:
  // Records `row` (0-based data row) under `key`. True when an earlier row
  // had the key (this one is a duplicate).
  bool Add(std::string_view key, int64_t row);
  // The first row with `key`; -1 if none.
  int64_t FirstRow(std::string_view key) const;
  // True when more than one row has `key`: its answer must be kept for
  // the later rows.
  bool Repeated(std::string_view key) const;
  size_t distinct() const { return first_.size(); }

 private:
  // The first row, with the sign bit set once a later row repeated it.
  using Entry = int64_t;
  static constexpr Entry kRepeated = std::numeric_limits<int64_t>::min();
  static std::pair<uint64_t, uint64_t> Hash(std::string_view key);

  absl::flat_hash_map<std::pair<uint64_t, uint64_t>, Entry> first_;
};

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_INPUT_RULES_H_
