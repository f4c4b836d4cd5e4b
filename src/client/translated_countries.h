#ifndef PHONEBULK_CLIENT_TRANSLATED_COUNTRIES_H_
#define PHONEBULK_CLIENT_TRANSLATED_COUNTRIES_H_

// Country names in a few other languages ("Deutschland", "Royaume-Uni"),
// for exports written outside the English-speaking world. They come from
// the same Debian package as the country table, iso-codes, which ships
// each language's names as a gettext catalogue
// (/usr/share/locale/LANG/LC_MESSAGES/iso_3166-1.mo) whose keys are the
// English names of iso_3166-1.json: nothing is typed by hand. Immutable
// after loading; thread-safe.

#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "phone/countries.h"

namespace phonebulk::client {

class TranslatedCountryNames {
 public:
  // The languages read by Default(): the larger Western European ones,
  // whose names are written in Latin letters as CSV exports carry them.
  static constexpr const char* kLanguages[] = {"de", "es", "fr",
                                               "it", "nl", "pt"};
  static constexpr char kLocaleDir[] = "/usr/share/locale";

  // Reads LOCALE_DIR/LANG/LC_MESSAGES/iso_3166-1.mo for each language; a
  // missing or malformed catalogue is skipped (the names are a convenience:
  // codes and English names work without them). A translation that is an
  // English name of any country, or that two countries share, is left
  // out, so a translation never changes what an English name means.
  static TranslatedCountryNames Load(const std::string& locale_dir,
                                     std::span<const char* const> languages,
                                     const phone::Countries& countries);
  // kLanguages from kLocaleDir, loaded on first use.
  static const TranslatedCountryNames& Default();

  // The alpha-3 code of the country `name` means (phone::CountryNameKey
  // rules: ASCII case and surrounding spaces ignored), or "".
  std::string_view Find(std::string_view name) const;
  size_t size() const { return alpha3_.size(); }

 private:
  std::unordered_map<std::string, std::string> alpha3_;  // key -> alpha-3
};

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_TRANSLATED_COUNTRIES_H_
