// Generated parser inputs (parse_inputs.h).

#include "phone/engine/parse_inputs.h"

#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "phonenumbers/phonemetadata.pb.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace i18n::phonenumbers {
int metadata_size();
const void* metadata_get();
}  // namespace i18n::phonenumbers

namespace phonebulk::phone::engine {
namespace {

using i18n::phonenumbers::PhoneMetadataCollection;
using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  uint64_t Below(uint64_t n) { return engine_() % n; }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }
  char Digit() { return static_cast<char>('0' + Below(10)); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  std::mt19937_64 engine_;
};

struct Example {
  PhoneNumber number;
  std::string region;  // "001" for non-geographical entities
  int type;            // PhoneNumberType
};

// Junk words, as bench/corpus/corpus_gen.cc writes them (the first
// kCorpusJunkWords), and a few more forms.
constexpr size_t kCorpusJunkWords = 26;
const std::vector<std::string>& JunkWords() {
  static const auto* const kWords = new std::vector<std::string>{
      "n/a",
      "N/A",
      "none",
      "unknown",
      "-",
      "+",
      "()",
      "TBD",
      "call me",
      "0",
      "00",
      "+0",
      "1-800-FLOWERS",
      "+44 (0) 20 7946 0958 ext. 12",
      "john@example.com",
      "tél: 01 23 45 67 89",
      "電話 03-1234-5678",
      "☎ +33 1 23 45 67 89",
      "12 34",
      "+1 (555) ",
      "#!$%&*",
      "null",
      "0x1F4",
      "1e10",
      "  +49  ",
      "+999 123 456",
      "",
      " ",
      "++44 20 7946 0958",
      "+＋44 20",
      "tel:+1-202-555-0100;isub=12",
      "(530) 583-6985 x302/x2303",
      "12345/ x6",
      "0044",
      "+44",
      "1",
      "12",
      "123",
      "+123",
      "+0044 20 7946 0958",
      "\xEF\xBC\x8B"
      "44 20 7946 0958",
      "\xff\xfe",
      "44\xc3",
  };
  return *kWords;
}

class Generator {
 public:
  explicit Generator(uint64_t seed)
      : rng_(seed), util_(*PhoneNumberUtil::GetInstance()) {
    std::set<std::string> regions;
    util_.GetSupportedRegions(&regions);
    for (const std::string& region : regions) {
      regions_.push_back(region);
      for (int type = 0; type <= PhoneNumberUtil::VOICEMAIL; ++type) {
        Example e{PhoneNumber(), region, type};
        if (util_.GetExampleNumberForType(
                region, static_cast<PhoneNumberUtil::PhoneNumberType>(type),
                &e.number)) {
          examples_.push_back(std::move(e));
        }
      }
    }
    std::set<int> codes;
    util_.GetSupportedGlobalNetworkCallingCodes(&codes);
    for (int code : codes) {
      Example e{PhoneNumber(), "001", PhoneNumberUtil::UNKNOWN};
      if (util_.GetExampleNumberForNonGeoEntity(code, &e.number)) {
        examples_.push_back(std::move(e));
      }
    }
    // Each region's international prefix, where it is a plain digit string
    // (or its preferred one): what people dial from there.
    PhoneMetadataCollection collection;
    collection.ParseFromArray(i18n::phonenumbers::metadata_get(),
                              i18n::phonenumbers::metadata_size());
    for (const auto& m : collection.metadata()) {
      std::string idd = m.preferred_international_prefix().empty()
                            ? m.international_prefix()
                            : m.preferred_international_prefix();
      if (!idd.empty() &&
          idd.find_first_not_of("0123456789") == std::string::npos) {
        idds_.push_back({m.id(), idd});
      }
    }
  }

  const std::vector<Example>& examples() const { return examples_; }
  Rng& rng() { return rng_; }

  // The example with its last digits (up to 4) replaced, as the corpus does.
  PhoneNumber Varied(const Example& e) {
    std::string nsn;
    util_.GetNationalSignificantNumber(e.number, &nsn);
    const size_t vary = std::min<size_t>(4, nsn.size() - 1);
    for (size_t i = nsn.size() - vary; i < nsn.size(); ++i) {
      nsn[i] = rng_.Digit();
    }
    PhoneNumber n = e.number;
    n.set_national_number(std::strtoull(nsn.c_str(), nullptr, 10));
    return n;
  }

  std::string Format(const PhoneNumber& n,
                     PhoneNumberUtil::PhoneNumberFormat f) {
    std::string out;
    util_.Format(n, f, &out);
    return out;
  }

  std::string RandomRegion() {
    switch (rng_.Below(20)) {
      case 0:
        return "";
      case 1:
        return "ZZ";
      case 2:
        return "001";
      case 3:
        return "gb";
      default:
        return rng_.Pick(regions_);
    }
  }

  const std::pair<std::string, std::string>& RandomIdd() {
    return rng_.Pick(idds_);
  }

  void Junk(std::string* out);
  // Pieces of Form: the number with random separators, as a vanity
  // number, as RFC 3966 with a phone-context.
  std::string Separated(const PhoneNumber& n, const std::string& e164);
  std::string Vanity(const PhoneNumber& n);
  std::string PhoneContext(const PhoneNumber& n, const std::string& nsn,
                           const std::string& e164);
  // Junk as the corpus draws it: 60% its words, 40% printable ASCII.
  void CorpusJunk(std::string* out) {
    out->clear();
    if (rng_.Percent(60)) {
      *out = JunkWords()[rng_.Below(kCorpusJunkWords)];
      return;
    }
    const int len = 1 + static_cast<int>(rng_.Below(24));
    for (int i = 0; i < len; ++i) out->push_back(char(' ' + rng_.Below(95)));
  }
  // One of the differential forms of `e`, with a default region.
  ParseInput Form(const Example& e);

 private:
  Rng rng_;
  const PhoneNumberUtil& util_;
  std::vector<std::string> regions_;
  std::vector<Example> examples_;
  std::vector<std::pair<std::string, std::string>> idds_;  // region, IDD
};

void Generator::Junk(std::string* out) {
  out->clear();
  const int kind = static_cast<int>(rng_.Below(4));
  if (kind == 0) {
    *out = rng_.Pick(JunkWords());
    return;
  }
  const int len = 1 + static_cast<int>(rng_.Below(24));
  if (kind == 1) {  // printable ASCII, as the corpus
    for (int i = 0; i < len; ++i) out->push_back(char(' ' + rng_.Below(95)));
    return;
  }
  // Digits and phone punctuation with now and then a letter or symbol, or
  // a non-ASCII character (full-width and Arabic-Indic digits included).
  static const std::vector<std::string> kPieces = {
      "0",
      "1",
      "2",
      "4",
      "5",
      "7",
      "9",
      " ",
      "-",
      "(",
      ")",
      ".",
      "/",
      "+",
      "x",
      "#",
      "*",
      "~",
      ",",
      ";",
      ":",
      "=",
      "a",
      "E",
      "t",
      "int",
      "ext",
      "\t",
      "\xEF\xBC\x91",
      "\xD9\xA3",
      "\xDB\xB5",
      "\xC3\xA9",
      "\xE2\x80\x94",
      "\xE3\x80\x80",
      "\xEF\xBC\x8B",
      "\xC2\xA0",
      "\xE0\xA5\xA7",
      "\xF0\x9F\x93\x9E",
      "\xE3\x83\xBC",  // U+30FC: punctuation to the library, declined
  };
  for (int i = 0; i < len; ++i) {
    out->append(kind == 2 && i % 3 != 0 ? std::string(1, rng_.Digit())
                                        : rng_.Pick(kPieces));
  }
}

// Replaces ASCII digits by full-width (U+FF10..) or Arabic-Indic (U+0660..)
// ones, each with probability 1/2.
std::string WidenDigits(Rng& rng, std::string_view s) {
  std::string out;
  const bool arabic = rng.Percent(50);
  for (char c : s) {
    if (c >= '0' && c <= '9' && rng.Percent(50)) {
      const int d = c - '0';
      if (arabic) {
        out += "\xD9";
        out.push_back(static_cast<char>(0xA0 + d));
      } else {
        out += "\xEF\xBC";
        out.push_back(static_cast<char>(0x90 + d));
      }
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// clang-format off
// Separators between digits, non-ASCII punctuation too: no-break space, en
// dash, ideographic space, full-width parentheses and hyphen.
constexpr const char* kSeparators[] = {
    " ", "-", ".", "/", " - ", "(", ")", "  ", "[", "]", "*", "\xC2\xA0",
    "\xE2\x80\x93", "\xE3\x80\x80", "\t", "\xEF\xBC\x88", "\xEF\xBC\x89",
    "\xEF\xBC\x8D"};
// Extensions of every kind MaybeStripExtension knows, and near misses.
constexpr const char* kExtensions[] = {
    " ext. 123", " x12", ";ext=5", ",,12", " #", " ext 7#", " - 503#",
    " int 4", ",9", " extension 22", " anexo 3", "~5", " :",
    "\xC2\xA0x\xC2\xA0" "12", "\text\xEF\xBC\x8E" "5", "\t,,7"};
// Text around a number.
constexpr const char* kBefore[] = {"Tel: ", "phone ", "(", "Mob. ", "tel:",
                                   "☎ ", "電話 ", "* "};
constexpr const char* kAfter[] = {"", " (office)", ".", " ", "!", " / ",
                                  "\n", " ☎"};
// clang-format on

template <typename T, size_t N>
const T& PickFrom(Rng& rng, const T (&array)[N]) {
  return array[rng.Below(N)];
}

std::string Generator::Separated(const PhoneNumber& n,
                                 const std::string& e164) {
  const std::string base =
      rng_.Percent(50) ? e164 : Format(n, PhoneNumberUtil::NATIONAL);
  std::string text;
  for (char c : base) {
    if (rng_.Percent(25)) text += PickFrom(rng_, kSeparators);
    if (c != ' ') text.push_back(c);
  }
  return text;
}

std::string Generator::Vanity(const PhoneNumber& n) {
  static const char kLetters[] = "ADGJMPTWadgjmptw";
  std::string text = Format(n, PhoneNumberUtil::NATIONAL);
  for (char& c : text) {
    if (c >= '2' && c <= '9' && rng_.Percent(40)) {
      c = kLetters[(c - '2') + (rng_.Percent(50) ? 8 : 0)];
    }
  }
  return text;
}

std::string Generator::PhoneContext(const PhoneNumber& n,
                                    const std::string& nsn,
                                    const std::string& e164) {
  std::string national = Format(n, PhoneNumberUtil::NATIONAL);
  for (char& c : national) c = c == ' ' ? '-' : c;
  const std::string cc = std::to_string(n.country_code());
  switch (rng_.Below(7)) {
    case 0:
      return "tel:" + nsn + ";phone-context=+" + cc;
    case 1:
      return "tel:" + national + ";phone-context=+" + cc + ";a=b";
    case 2:
      return nsn + ";phone-context=example.com";
    case 3:
      return "tel:" + nsn + ";ext=12;phone-context=+" + cc;
    case 4:
      return "tel:" + nsn + ";isub=7;phone-context=+" + cc;
    case 5:
      return "tel:" + e164 + ";phone-context=+" + cc;
    default:
      return "tel:" + nsn + ";phone-context=+";
  }
}

ParseInput Generator::Form(const Example& e) {
  const PhoneNumber n = Varied(e);
  const std::string e164 = Format(n, PhoneNumberUtil::E164);
  const std::string digits = e164.substr(1);
  std::string nsn;
  util_.GetNationalSignificantNumber(n, &nsn);
  ParseInput in;
  const int roll = static_cast<int>(rng_.Below(100));
  in.region = roll < 50 ? e.region : roll < 80 ? RandomRegion() : "ZZ";
  if (roll >= 90) in.region = "";
  // One draw per statement below: the order of evaluation of operands is
  // unspecified, and the inputs must not depend on the compiler.
  switch (rng_.Below(15)) {
    case 0:
      in.text = e164;
      break;
    case 1:
      in.text = Format(n, PhoneNumberUtil::INTERNATIONAL);
      break;
    case 2:
      in.text = Format(n, PhoneNumberUtil::NATIONAL);
      break;
    case 3:
      in.text = Format(n, PhoneNumberUtil::RFC3966);
      break;
    case 4:
      in.text = digits;
      break;
    case 5:
      in.text = "00" + digits;
      break;
    case 6: {
      const auto& [region, idd] = RandomIdd();
      in.text = idd + digits;
      if (rng_.Percent(80)) in.region = region;
      break;
    }
    case 7:
      in.text = nsn;
      break;
    case 8:
      in.text = Separated(n, e164);
      break;
    case 9: {  // digits dropped or added
      std::string d = digits;
      const int k = 1 + static_cast<int>(rng_.Below(4));
      if (rng_.Percent(50) && d.size() > static_cast<size_t>(k) + 1) {
        d.erase(d.size() - k);
      } else {
        for (int i = 0; i < k; ++i) d.push_back(rng_.Digit());
      }
      in.text = rng_.Percent(50) ? "+" + d : d;
      break;
    }
    case 10:
      in.text = WidenDigits(
          rng_, rng_.Percent(50) ? e164 : Format(n, PhoneNumberUtil::NATIONAL));
      break;
    case 11:
      in.text = Format(n, rng_.Percent(50) ? PhoneNumberUtil::E164
                                           : PhoneNumberUtil::NATIONAL);
      in.text += PickFrom(rng_, kExtensions);
      break;
    case 12:
      in.text = Vanity(n);
      break;
    case 13:
      in.text = PhoneContext(n, nsn, e164);
      break;
    default:
      in.text = PickFrom(rng_, kBefore);
      in.text += rng_.Percent(50) ? Format(n, PhoneNumberUtil::INTERNATIONAL)
                                  : Format(n, PhoneNumberUtil::NATIONAL);
      in.text += PickFrom(rng_, kAfter);
      break;
  }
  return in;
}

// phone::Validator's ReadAsInternational (validator.cc): what Parse gets
// for a row without a country.
std::string ReadAsInternational(std::string_view number) {
  size_t start = 0;
  while (start < number.size() &&
         (number[start] == ' ' ||
          (number[start] >= '\t' && number[start] <= '\r'))) {
    ++start;
  }
  number.remove_prefix(start);
  if (number.starts_with("00")) {
    number.remove_prefix(2);
  } else if (number.empty() || number[0] < '0' || number[0] > '9') {
    return std::string(number);
  }
  std::string out(1, '+');
  out.append(number);
  return out;
}

}  // namespace

std::vector<ParseInput> DifferentialInputs(uint64_t seed, int count) {
  Generator gen(seed);
  std::vector<ParseInput> inputs;
  inputs.reserve(count);
  // Every example in every form at least once, then random draws.
  while (static_cast<int>(inputs.size()) < count) {
    for (const Example& e : gen.examples()) inputs.push_back(gen.Form(e));
    for (int i = 0; i < 600; ++i) {
      ParseInput junk;
      gen.Junk(&junk.text);
      junk.region = gen.RandomRegion();
      junk.junk = true;
      inputs.push_back(std::move(junk));
    }
  }
  return inputs;
}

std::vector<ParseInput> CorpusLikeInputs(uint64_t seed, int rows,
                                         int* skipped) {
  Generator gen(seed);
  Rng& rng = gen.rng();
  // The corpus draws regions uniformly, then mobile 50%, fixed 30%, other
  // 20%; 2% of rows a non-geographical entity.
  std::vector<std::vector<const Example*>> by_region;
  std::vector<const Example*> non_geo;
  for (const Example& e : gen.examples()) {
    if (e.region == "001") {
      non_geo.push_back(&e);
      continue;
    }
    if (by_region.empty() || by_region.back().front()->region != e.region) {
      by_region.emplace_back();
    }
    by_region.back().push_back(&e);
  }
  auto draw = [&]() -> const Example& {
    if (rng.Percent(2)) return *rng.Pick(non_geo);
    const auto& pool = rng.Pick(by_region);
    const int roll = static_cast<int>(rng.Below(100));
    const int want = roll < 50   ? PhoneNumberUtil::MOBILE
                     : roll < 80 ? PhoneNumberUtil::FIXED_LINE
                                 : -1;
    for (const Example* e : pool) {
      if (e->type == want) return *e;
    }
    return *rng.Pick(pool);
  };
  *skipped = 0;
  std::vector<ParseInput> inputs;
  for (int row = 0; row < rows; ++row) {
    const int form = static_cast<int>(rng.Below(100));
    ParseInput in;
    if (form >= 93) {  // junk 5, long 1, empty 1
      if (form < 98) {
        gen.CorpusJunk(&in.text);
      } else if (form == 98) {
        const size_t len = 100 + rng.Below(901);
        while (in.text.size() < len)
          in.text += rng.Percent(50) ? "12 " : "(34)-";
        in.text.resize(len);
      }
    } else {
      const Example& e = draw();
      const PhoneNumber n = gen.Varied(e);
      const std::string e164 = gen.Format(n, PhoneNumberUtil::E164);
      if (form < 32) {
        in.text = e164;
      } else if (form < 46) {
        in.text = e164.substr(1);
      } else if (form < 54) {
        in.text = "00" + e164.substr(1);
      } else if (form < 59) {
        in.text = gen.Format(n, PhoneNumberUtil::INTERNATIONAL);
      } else if (form < 82) {
        in.text = gen.Format(n, PhoneNumberUtil::NATIONAL);
        in.region = e.region == "001" ? "" : e.region;
        if (in.region.empty()) in.text = e164;
      } else if (form < 90) {
        std::string d = e164.substr(1);
        const int k = 1 + static_cast<int>(rng.Below(4));
        if (rng.Percent(50) && d.size() > static_cast<size_t>(k) + 1) {
          d.erase(d.size() - k);
        } else {
          for (int i = 0; i < k; ++i) d.push_back(rng.Digit());
        }
        in.text = rng.Percent(50) ? "+" + d : d;
      } else {
        in.text = gen.Format(n, PhoneNumberUtil::NATIONAL);
        in.region = gen.RandomRegion();
        if (in.region.size() != 2 || in.region == "gb") in.region = "US";
      }
    }
    // What the validator does before Parse: trim, cap, read as
    // international without a country.
    const size_t first = in.text.find_first_not_of(" \t\n\r\f\v");
    const size_t last = in.text.find_last_not_of(" \t\n\r\f\v");
    if (first == std::string::npos || last - first + 1 > 250) {
      ++*skipped;
      continue;
    }
    if (in.region.empty()) in.text = ReadAsInternational(in.text);
    inputs.push_back(std::move(in));
  }
  return inputs;
}

}  // namespace phonebulk::phone::engine
