#ifndef PHONEBULK_PHONE_COUNTRIES_H_
#define PHONEBULK_PHONE_COUNTRIES_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "absl/status/statusor.h"

namespace phonebulk::phone {

struct Country {
  std::string alpha2;  // "GB"
  std::string alpha3;  // "GBR"
  std::string name;    // common name where iso-codes has one, else its name
};

// Lower-cases ASCII letters and drops the spaces and tabs around `text`: the
// key under which Countries::ByName looks a name up. Other bytes (accented
// letters in UTF-8) are kept as they are.
std::string CountryNameKey(std::string_view text);

// ISO 3166-1 countries, read from Debian's iso-codes JSON (never typed by
// hand). Immutable after loading, so thread-safe.
class Countries {
 public:
  static constexpr char kDefaultPath[] =
      "/usr/share/iso-codes/json/iso_3166-1.json";

  // Reads the iso-codes file at `path`. Fails with NotFound / InvalidArgument
  // when the file is missing or not in the iso-codes shape.
  static absl::StatusOr<std::unique_ptr<Countries>> Load(
      const std::string& path = kDefaultPath);

  // Process-wide instance loaded from kDefaultPath on first use. Aborts with a
  // message when the file cannot be read: nothing works without it.
  static const Countries& Default();

  // Case-insensitive look-ups; nullptr when the code is not a country.
  const Country* ByAlpha3(std::string_view alpha3) const;
  const Country* ByAlpha2(std::string_view alpha2) const;
  // Any English name iso-codes gives a country (`name`, `common_name`,
  // `official_name`), ASCII case and surrounding spaces ignored, so that
  // CSV exports naming countries ("united kingdom", "Viet Nam", "Vietnam")
  // can be mapped to codes. nullptr for other text.
  const Country* ByName(std::string_view name) const;
  size_t size() const { return countries_.size(); }

 private:
  // The index of a code made of ASCII letters, any case: A-Z as 0-25 in
  // base 26; -1 for anything else. Codes are looked up per number on the
  // hot path, so a direct index, not a hash of a fresh upper-case string.
  static int CodeIndex(std::string_view code);

  std::vector<Country> countries_;
  // countries_ index + 1 by CodeIndex (0: no country): 26^3 and 26^2
  // entries.
  std::vector<uint16_t> by_alpha3_;
  std::vector<uint16_t> by_alpha2_;
  std::unordered_map<std::string, size_t> by_name_;  // keys CountryNameKey
};

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_COUNTRIES_H_
