// phonebulk_corpus: writes the benchmark corpus, deterministically from a
// seed, so that every run (and every machine) measures the same inputs.
//
//   phonebulk_corpus --seed=1 --count=100000 --out=bench/out/corpus
//
// writes
//   PREFIX.tsv           one "number<TAB>country_iso" per line (country may
//                        be empty), the input of the C++ benchmarks;
//   PREFIX.bodies.jsonl  the same rows as Bulk API create bodies, one JSON
//                        object per line, --batch phones each (default
//                        10,000, the API's maximum), the input of e2e.py.
//
// Where the numbers come from: libphonenumber's own example numbers
// (GetExampleNumberForType for every supported region and type, and
// GetExampleNumberForNonGeoEntity for +800-style codes), with their last
// digits replaced at random so that the corpus is not a few hundred numbers
// repeated (libphonenumber has no per-number cache, but the engine and the
// store might one day). Most varied numbers stay valid; some do not, as in a
// real customer list.
//
// The mix (percent of rows; kForms below), chosen to look like a CRM export:
//   32 "+4420..." E.164 with '+'           14 "4420..." E.164 without '+'
//    8 "004420..." '00' prefix              5 "+44 20 7031 3000" INTERNATIONAL
//   23 national form + its country_iso      8 E.164 with digits dropped/added
//    3 national form + a wrong country_iso  5 junk ("n/a", emails, UTF-8, ...)
//    1 long strings (100-1000 chars)        1 empty
// --form=NAME writes rows of one form only (plus_e164, digits, double_zero,
// international, national, wrong_length, wrong_country, junk, long, empty),
// for measuring each form's cost on its own.
// Regions are drawn uniformly (the corpus is about many countries, not about
// the US); within a region a mobile number is drawn half of the time and a
// fixed-line number 30% of the time, as in consumer lists, other types
// (toll free, VoIP, ...) the rest. 2% of rows use a non-geographic code.
//
// Only std::mt19937_64 (fully specified by the standard) is used, never the
// standard distributions (their algorithms differ between libraries), so a
// seed gives the same corpus with any compiler.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/strings/str_cat.h"
#include "phone/countries.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::bench {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

struct Flags {
  uint64_t seed = 1;
  int64_t count = 100'000;
  int batch = 10'000;
  std::string out = "bench/out/corpus";
  std::string form;  // empty: the default mix
};

// One example number and what the corpus needs to write it nationally.
struct Example {
  PhoneNumber number;
  std::string alpha3;  // empty for non-geographic codes and regions that
                       // iso-codes lacks (e.g. AC, TA, XK)
};

// The examples of one region, split by how often the mix draws them.
struct RegionExamples {
  std::vector<Example> mobile;
  std::vector<Example> fixed;
  std::vector<Example> other;
};

// How a row's number is written. The mix below is the corpus's shape.
enum class FormKind {
  kPlusE164,
  kDigits,
  kDoubleZero,
  kInternational,
  kNational,
  kWrongLength,
  kWrongCountry,
  kJunk,
  kLong,
  kEmpty,
};

struct Form {
  FormKind kind;
  const char* name;  // for --form
  int percent;       // share of the default mix
};

// Percentages add up to 100. Long strings are kept at 1%: libphonenumber's
// cost grows with the square of the input length (a 1000-character input
// takes milliseconds), so their share decides the corpus's average more
// than anything else, and real lists hold few of them; `--form=long` gives
// their cost on its own.
constexpr Form kForms[] = {
    {FormKind::kPlusE164, "plus_e164", 32},
    {FormKind::kDigits, "digits", 14},
    {FormKind::kDoubleZero, "double_zero", 8},
    {FormKind::kInternational, "international", 5},
    {FormKind::kNational, "national", 23},
    {FormKind::kWrongLength, "wrong_length", 8},
    {FormKind::kWrongCountry, "wrong_country", 3},
    {FormKind::kJunk, "junk", 5},
    {FormKind::kLong, "long", 1},
    {FormKind::kEmpty, "empty", 1},
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : engine_(seed) {}
  // In [0, n). The modulo bias (< n / 2^64) is irrelevant here and keeps the
  // result identical on every standard library.
  uint64_t Below(uint64_t n) { return engine_() % n; }
  bool Percent(int p) { return Below(100) < static_cast<uint64_t>(p); }
  char Digit() { return static_cast<char>('0' + Below(10)); }

 private:
  std::mt19937_64 engine_;
};

template <typename T>
const T& Pick(Rng& rng, const std::vector<T>& v) {
  return v[rng.Below(v.size())];
}

class Generator {
 public:
  Generator(uint64_t seed, const phone::Countries& countries)
      : rng_(seed), util_(*PhoneNumberUtil::GetInstance()) {
    // std::set iterates in order, so the pools do not depend on hashing.
    std::set<std::string> regions;
    util_.GetSupportedRegions(&regions);
    for (const std::string& region : regions) {
      const phone::Country* country = countries.ByAlpha2(region);
      std::set<PhoneNumberUtil::PhoneNumberType> types;
      util_.GetSupportedTypesForRegion(region, &types);
      RegionExamples examples;
      for (PhoneNumberUtil::PhoneNumberType type : types) {
        Example e;
        if (!util_.GetExampleNumberForType(region, type, &e.number)) continue;
        if (country != nullptr) e.alpha3 = country->alpha3;
        if (type == PhoneNumberUtil::MOBILE) {
          examples.mobile.push_back(std::move(e));
        } else if (type == PhoneNumberUtil::FIXED_LINE ||
                   type == PhoneNumberUtil::FIXED_LINE_OR_MOBILE) {
          examples.fixed.push_back(std::move(e));
        } else {
          examples.other.push_back(std::move(e));
        }
      }
      if (!examples.mobile.empty() || !examples.fixed.empty() ||
          !examples.other.empty()) {
        regions_.push_back(std::move(examples));
      }
      if (country != nullptr) alpha3s_.push_back(country->alpha3);
    }
    std::set<int> codes;
    util_.GetSupportedGlobalNetworkCallingCodes(&codes);
    for (int code : codes) {
      Example e;
      if (util_.GetExampleNumberForNonGeoEntity(code, &e.number)) {
        non_geo_.push_back(std::move(e));
      }
    }
  }

  size_t region_count() const { return regions_.size(); }
  size_t non_geo_count() const { return non_geo_.size(); }

  // Appends one row: the number as a client would send it, and its
  // country_iso (possibly empty). `only`: a form to use for every row
  // instead of drawing one (for the per-form breakdown).
  void Row(const Form* only, std::string* number, std::string* country) {
    number->clear();
    country->clear();
    const Form& form = only != nullptr ? *only : DrawForm();
    switch (form.kind) {
      case FormKind::kJunk:
        return Junk(number);
      case FormKind::kLong:
        return Long(number);
      case FormKind::kEmpty:
        return;  // accepted, answered unverified
      default:
        break;
    }
    Example e = VariedExample();
    std::string e164;
    util_.Format(e.number, PhoneNumberUtil::E164, &e164);  // "+4420..."
    switch (form.kind) {
      case FormKind::kPlusE164:
        *number = e164;
        break;
      case FormKind::kDigits:
        *number = e164.substr(1);
        break;
      case FormKind::kDoubleZero:
        *number = absl::StrCat("00", e164.substr(1));
        break;
      case FormKind::kInternational:
        util_.Format(e.number, PhoneNumberUtil::INTERNATIONAL, number);
        break;
      case FormKind::kNational:
        if (e.alpha3.empty()) {
          *number = e164;  // no country to give: write it internationally
        } else {
          util_.Format(e.number, PhoneNumberUtil::NATIONAL, number);
          *country = e.alpha3;
        }
        break;
      case FormKind::kWrongLength: {
        // Drop or add 1-4 digits: mostly invalid, some parse errors (too
        // short), now and then valid elsewhere in the plan.
        std::string digits = e164.substr(1);
        const int n = 1 + static_cast<int>(rng_.Below(4));
        if (rng_.Percent(50) && digits.size() > static_cast<size_t>(n) + 1) {
          digits.erase(digits.size() - n);
        } else {
          for (int i = 0; i < n; ++i) digits.push_back(rng_.Digit());
        }
        *number = rng_.Percent(50) ? absl::StrCat("+", digits) : digits;
        break;
      }
      case FormKind::kWrongCountry:
        // A national number read with some other country's rules.
        util_.Format(e.number, PhoneNumberUtil::NATIONAL, number);
        *country = Pick(rng_, alpha3s_);
        break;
      default:
        break;
    }
  }

 private:
  const Form& DrawForm() {
    int roll = static_cast<int>(rng_.Below(100));
    for (const Form& f : kForms) {
      if (roll < f.percent) return f;
      roll -= f.percent;
    }
    return kForms[0];  // unreachable: the percents add up to 100
  }

  // A random example number with its last digits (up to 4, never the
  // whole number) replaced by random ones.
  Example VariedExample() {
    Example e;
    if (rng_.Percent(2) && !non_geo_.empty()) {
      e = Pick(rng_, non_geo_);
    } else {
      const RegionExamples& r = Pick(rng_, regions_);
      const int roll = static_cast<int>(rng_.Below(100));
      const std::vector<Example>* pool = &r.other;
      if (roll < 50 && !r.mobile.empty()) {
        pool = &r.mobile;
      } else if (roll < 80 && !r.fixed.empty()) {
        pool = &r.fixed;
      }
      if (pool->empty()) pool = !r.mobile.empty() ? &r.mobile : &r.fixed;
      if (pool->empty()) pool = &r.other;
      e = Pick(rng_, *pool);
    }
    std::string nsn = std::to_string(e.number.national_number());
    const size_t vary = std::min<size_t>(4, nsn.size() - 1);
    for (size_t i = nsn.size() - vary; i < nsn.size(); ++i) {
      nsn[i] = rng_.Digit();
    }
    // The leading digits are unchanged, so Italian leading zeros and the
    // number's length stay as in the example.
    e.number.set_national_number(std::strtoull(nsn.c_str(), nullptr, 10));
    return e;
  }

  // What people type into a phone column when they have no number.
  void Junk(std::string* out) {
    static const std::vector<std::string> kWords = {
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
    };
    if (rng_.Percent(60)) {
      *out = Pick(rng_, kWords);
      return;
    }
    // Random printable ASCII (no tab or newline: they would break the TSV),
    // with the JSON-hostile characters '"' and '\' in the draw.
    const int len = 1 + static_cast<int>(rng_.Below(24));
    for (int i = 0; i < len; ++i) {
      out->push_back(static_cast<char>(' ' + rng_.Below(95)));
    }
  }

  // Long inputs, up to the API's 1000-character cap: pasted paragraphs,
  // digit runs, a number buried in text. libphonenumber refuses anything
  // over 250 characters early, so these test that the engine does too.
  void Long(std::string* out) {
    const size_t len = 100 + rng_.Below(901);
    const int kind = static_cast<int>(rng_.Below(3));
    if (kind == 0) {
      out->push_back('+');
      while (out->size() < len) out->push_back(rng_.Digit());
    } else if (kind == 1) {
      static constexpr std::string_view kText =
          "Please call the office between 9 and 5, ask for accounts; "
          "our old number +44 20 7946 0958 no longer works. ";
      while (out->size() < len) out->append(kText);
      out->resize(len);
    } else {
      while (out->size() < len) {
        out->append(rng_.Percent(50) ? "12 " : "(34)-");
      }
      out->resize(len);
    }
  }

  Rng rng_;
  const PhoneNumberUtil& util_;
  std::vector<RegionExamples> regions_;
  std::vector<Example> non_geo_;
  std::vector<std::string> alpha3s_;
};

// JSON string escaping: the generator writes only valid UTF-8, so only
// quotes, backslashes and control characters need escapes.
void AppendJsonString(std::string_view s, std::string* out) {
  out->push_back('"');
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out->push_back('\\');
      out->push_back(c);
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out->append(buf);
    } else {
      out->push_back(c);
    }
  }
  out->push_back('"');
}

bool ParseFlags(int argc, char** argv, Flags* f) {
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    auto value = [&](std::string_view name) -> const char* {
      if (a.starts_with(name) && a.size() > name.size() &&
          a[name.size()] == '=') {
        return argv[i] + name.size() + 1;
      }
      return nullptr;
    };
    if (const char* v = value("--seed")) {
      f->seed = std::strtoull(v, nullptr, 10);
    } else if (const char* v = value("--count")) {
      f->count = std::strtoll(v, nullptr, 10);
    } else if (const char* v = value("--batch")) {
      f->batch = std::atoi(v);
    } else if (const char* v = value("--out")) {
      f->out = v;
    } else if (const char* v = value("--form")) {
      f->form = v;
    } else {
      std::cerr << "unknown argument: " << a << "\n"
                << "usage: phonebulk_corpus [--seed=N] [--count=N] "
                   "[--batch=N] [--out=PREFIX] [--form=NAME]\n";
      return false;
    }
  }
  if (f->count <= 0 || f->batch <= 0 || f->batch > 10'000) {
    std::cerr << "--count must be > 0 and --batch in 1..10000\n";
    return false;
  }
  return true;
}

int Main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags)) return 2;
  const Form* only = nullptr;
  if (!flags.form.empty()) {
    for (const Form& f : kForms) {
      if (flags.form == f.name) only = &f;
    }
    if (only == nullptr) {
      std::cerr << "--form: unknown form '" << flags.form << "'; one of:";
      for (const Form& f : kForms) std::cerr << " " << f.name;
      std::cerr << "\n";
      return 2;
    }
  }
  Generator gen(flags.seed, phone::Countries::Default());

  std::ofstream tsv(flags.out + ".tsv", std::ios::binary);
  std::ofstream bodies(flags.out + ".bodies.jsonl", std::ios::binary);
  if (!tsv || !bodies) {
    std::cerr << "cannot write " << flags.out << ".{tsv,bodies.jsonl}\n";
    return 1;
  }
  std::string number, country, body;
  int in_body = 0;
  int batch_no = 0;
  for (int64_t i = 0; i < flags.count; ++i) {
    gen.Row(only, &number, &country);
    tsv << number << '\t' << country << '\n';
    if (in_body == 0) {
      body = "{\"defaults\":{\"output_format\":\"E164\",";
      absl::StrAppend(&body, "\"batch_reference_id\":\"bench-seed-", flags.seed,
                      "-", batch_no++, "\"},\"phones\":[");
    } else {
      body.push_back(',');
    }
    body += "{\"number\":";
    AppendJsonString(number, &body);
    if (!country.empty()) {
      body += ",\"country_iso\":";
      AppendJsonString(country, &body);
    }
    body.push_back('}');
    if (++in_body == flags.batch || i + 1 == flags.count) {
      body += "]}\n";
      bodies << body;
      in_body = 0;
    }
  }
  tsv.close();
  bodies.close();
  if (!tsv || !bodies) {
    std::cerr << "write failed for " << flags.out << "\n";
    return 1;
  }
  std::cerr << "corpus: " << flags.count << " rows from " << gen.region_count()
            << " regions and " << gen.non_geo_count()
            << " non-geographic codes, seed " << flags.seed << ", batches of "
            << flags.batch << " -> " << flags.out << ".{tsv,bodies.jsonl}\n";
  return 0;
}

}  // namespace
}  // namespace phonebulk::bench

int main(int argc, char** argv) { return phonebulk::bench::Main(argc, argv); }
