// libFuzzer target: the compiled engine (src/phone/engine) against
// libphonenumber on random text. The engine's contract (parse.h, engine.h,
// format.h) is that whenever it answers -- Parse not out of scope, a
// format kOk -- the answer is the library's; this target holds it to that
// beyond the generated inputs of the unit tests.
//
// Input: the first byte picks the default region (an index into every
// region the library supports, plus "ZZ", "", "001" and a lower-case code,
// which both sides must read as "no default region"); the rest is the text.
// When the engine's Parse answers, everything must agree: parse error or
// success, the PhoneNumber fields, validity, possibility, type, region,
// and the E164, INTERNATIONAL and NATIONAL texts (of the number without its
// extension, and with it). A disagreement
// prints both sides and aborts, so libFuzzer keeps the input.
//
// Run by scripts/fuzz.sh (a share of its time; ENGINE_DIFF_SECONDS to run
// this target alone for longer).

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "phone/engine/engine.h"
#include "phone/engine/format.h"
#include "phone/engine/parse.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::fuzz {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;
namespace engine = phone::engine;

// Supported regions, sorted, then the codes that mean "no default region".
const std::vector<std::string>& Regions() {
  static const std::vector<std::string>* regions = [] {
    std::set<std::string> supported;
    PhoneNumberUtil::GetInstance()->GetSupportedRegions(&supported);
    auto* list =
        new std::vector<std::string>(supported.begin(), supported.end());
    for (const char* none : {"ZZ", "", "001", "gb"}) list->push_back(none);
    return list;
  }();
  return *regions;
}

// Collects "what: library X, engine Y" lines.
class Diff {
 public:
  template <typename T>
  void Check(const char* what, const T& library, const T& engine) {
    if (library == engine) return;
    text_ += std::string("  ") + what + ": library " + Str(library) +
             ", engine " + Str(engine) + "\n";
  }
  const std::string& text() const { return text_; }

 private:
  static std::string Str(const std::string& s) { return "\"" + s + "\""; }
  static std::string Str(bool b) { return b ? "true" : "false"; }
  template <typename T>
  static std::string Str(T v) {
    return std::to_string(v);
  }
  std::string text_;
};

// The formats the engine answers (kOk) against the library's: of the
// number without its extension, and with it (format.h's two Formats).
void CompareFormats(const PhoneNumberUtil& util, const PhoneNumber& number,
                    const engine::ParsedNumber& p, Diff* diff) {
  PhoneNumber bare = number;
  bare.clear_extension();
  static constexpr struct {
    PhoneNumberUtil::PhoneNumberFormat library;
    engine::FormatStyle engine;
    const char* name;
  } kStyles[] = {
      {PhoneNumberUtil::E164, engine::FormatStyle::kE164, "E164"},
      {PhoneNumberUtil::INTERNATIONAL, engine::FormatStyle::kInternational,
       "INTERNATIONAL"},
      {PhoneNumberUtil::NATIONAL, engine::FormatStyle::kNational, "NATIONAL"},
  };
  for (const auto& style : kStyles) {
    engine::FormattedNumber text;
    if (engine::Format(p.calling_code, p.national_significant_number(),
                       style.engine, &text) != engine::FormatStatus::kOk) {
      continue;
    }
    std::string expected;
    util.Format(bare, style.library, &expected);
    diff->Check(style.name, expected, std::string(text.view()));
    if (engine::Format(p.calling_code, p.national_significant_number(),
                       p.extension(), style.engine,
                       &text) != engine::FormatStatus::kOk) {
      continue;
    }
    util.Format(number, style.library, &expected);
    diff->Check(style.name, expected, std::string(text.view()));
  }
}

// What differs between the library's answers and the engine's (in scope).
std::string Compare(const std::string& text, const std::string& region,
                    const engine::ParsedNumber& p) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const int error = util.Parse(text, region, &number);
  Diff diff;
  diff.Check("parse error", error, static_cast<int>(p.error));
  if (error != PhoneNumberUtil::NO_PARSING_ERROR ||
      p.outcome != engine::ParsedNumber::Outcome::kParsed) {
    return diff.text();
  }
  const int cc = p.calling_code;
  const std::string_view nsn = p.national_significant_number();
  diff.Check("country code", number.country_code(), cc);
  diff.Check("national number", number.national_number(), p.national_number);
  diff.Check("italian leading zero", number.italian_leading_zero(),
             p.italian_leading_zero);
  diff.Check("leading zeros", number.number_of_leading_zeros(),
             p.number_of_leading_zeros);
  diff.Check("extension", number.extension(), std::string(p.extension()));
  std::string library_nsn;
  util.GetNationalSignificantNumber(number, &library_nsn);
  diff.Check("NSN", library_nsn, std::string(nsn));
  if (!diff.text().empty()) return diff.text();  // the rest would follow

  diff.Check("valid", util.IsValidNumber(number),
             engine::IsValidNumber(cc, nsn));
  diff.Check("type", static_cast<int>(util.GetNumberType(number)),
             static_cast<int>(engine::GetNumberType(cc, nsn)));
  diff.Check("possible",
             static_cast<int>(util.IsPossibleNumberWithReason(number)),
             static_cast<int>(engine::IsPossibleNumberWithReason(cc, nsn)));
  std::string library_region;
  util.GetRegionCodeForNumber(number, &library_region);
  const auto plan = engine::NumberingPlan::ForNumber(cc, nsn);
  diff.Check("region", library_region,
             plan ? std::string(plan->region_code()) : std::string("ZZ"));
  CompareFormats(util, number, p, &diff);
  return diff.text();
}

}  // namespace

// The text as a C string literal's body: the input may hold any bytes.
std::string Escaped(std::string_view text) {
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7F && c != '"' && c != '\\') {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out;
}

}  // namespace phonebulk::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<std::string>& regions = phonebulk::fuzz::Regions();
  const std::string& region = regions[data[0] % regions.size()];
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const phonebulk::phone::engine::ParsedNumber parsed =
      phonebulk::phone::engine::Parse(text, region);
  if (parsed.outcome ==
      phonebulk::phone::engine::ParsedNumber::Outcome::kOutOfScope) {
    return 0;  // the caller asks libphonenumber: nothing to compare
  }
  // The region as it is: "", "001" and "gb" mean no default region to the
  // library too.
  const std::string diff = phonebulk::fuzz::Compare(text, region, parsed);
  if (!diff.empty()) {
    std::fprintf(stderr, "engine_diff: \"%s\" (region \"%s\") disagrees:\n%s",
                 phonebulk::fuzz::Escaped(text).c_str(), region.c_str(),
                 diff.c_str());
    std::abort();  // libFuzzer saves the input as a crash
  }
  return 0;
}
