#include "client/translated_countries.h"

#include <cstdint>
#include <fstream>
#include <iterator>
#include <set>
#include <vector>

namespace phonebulk::client {
namespace {

// A GNU gettext .mo file: a header, then two tables of (length, offset)
// pairs, the originals (msgid) and their translations (msgstr), in the
// file's byte order (given by the magic number).
class MoFile {
 public:
  explicit MoFile(std::vector<char> bytes) : bytes_(std::move(bytes)) {}

  // Calls fn(msgid, msgstr) for each entry; false if the file is not a
  // well-formed catalogue (then nothing was called).
  template <typename Fn>
  bool ForEach(Fn fn) {
    uint32_t magic = 0;
    if (!Word(0, &magic)) return false;
    if (magic == 0xde120495u) {
      big_endian_ = true;
    } else if (magic != 0x950412deu) {
      return false;
    }
    uint32_t n = 0, originals = 0, translations = 0;
    if (!Word(8, &n) || !Word(12, &originals) || !Word(16, &translations)) {
      return false;
    }
    std::vector<std::pair<std::string_view, std::string_view>> entries;
    for (uint32_t i = 0; i < n; ++i) {
      std::string_view id, str;
      if (!String(originals + 8 * i, &id) ||
          !String(translations + 8 * i, &str)) {
        return false;
      }
      entries.emplace_back(id, str);
    }
    for (const auto& [id, str] : entries) fn(id, str);
    return true;
  }

 private:
  bool Word(uint64_t at, uint32_t* out) const {
    if (at + 4 > bytes_.size()) return false;
    const auto* b = reinterpret_cast<const unsigned char*>(bytes_.data() + at);
    *out = big_endian_ ? (uint32_t{b[0]} << 24 | uint32_t{b[1]} << 16 |
                          uint32_t{b[2]} << 8 | b[3])
                       : (uint32_t{b[3]} << 24 | uint32_t{b[2]} << 16 |
                          uint32_t{b[1]} << 8 | b[0]);
    return true;
  }
  bool String(uint64_t entry, std::string_view* out) const {
    uint32_t length = 0, offset = 0;
    if (!Word(entry, &length) || !Word(entry + 4, &offset)) return false;
    if (uint64_t{offset} + length > bytes_.size()) return false;
    *out = std::string_view(bytes_.data() + offset, length);
    return true;
  }

  std::vector<char> bytes_;
  bool big_endian_ = false;
};

}  // namespace

TranslatedCountryNames TranslatedCountryNames::Load(
    const std::string& locale_dir, std::span<const char* const> languages,
    const phone::Countries& countries) {
  TranslatedCountryNames names;
  std::set<std::string> ambiguous;
  for (const char* language : languages) {
    const std::string path =
        locale_dir + "/" + language + "/LC_MESSAGES/iso_3166-1.mo";
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    MoFile mo{std::vector<char>(std::istreambuf_iterator<char>(in), {})};
    mo.ForEach([&](std::string_view id, std::string_view str) {
      // The catalogue also translates other things (its header has an
      // empty id); only English country names are keys here.
      const phone::Country* country = countries.ByName(id);
      if (country == nullptr || str.empty()) return;
      std::string key = phone::CountryNameKey(str);
      if (key.empty() || countries.ByName(key) != nullptr) return;
      auto [it, added] = names.alpha3_.emplace(key, country->alpha3);
      if (!added && it->second != country->alpha3) ambiguous.insert(key);
    });
  }
  for (const std::string& key : ambiguous) names.alpha3_.erase(key);
  return names;
}

const TranslatedCountryNames& TranslatedCountryNames::Default() {
  static const TranslatedCountryNames* names = new TranslatedCountryNames(
      Load(kLocaleDir, kLanguages, phone::Countries::Default()));
  return *names;
}

std::string_view TranslatedCountryNames::Find(std::string_view name) const {
  auto it = alpha3_.find(phone::CountryNameKey(name));
  return it == alpha3_.end() ? std::string_view() : it->second;
}

}  // namespace phonebulk::client
