#include "phone/validator.h"

#include <gtest/gtest.h>

#include <cctype>
#include <list>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::phone {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;
using Kind = OutputFormat::Kind;

const OutputFormat kE164{Kind::kE164, ""};
const OutputFormat kPlusE164{Kind::kPlusE164, ""};
const OutputFormat kNational{Kind::kNational, ""};
const OutputFormat kInternational{Kind::kInternational, ""};
OutputFormat From(const char* alpha3) { return {Kind::kDialledFrom, alpha3}; }

const Validator& TheValidator() {
  static const Validator* const validator = new Validator(Countries::Default());
  return *validator;
}

// Field-by-field comparison, so that a failure names the field.
void ExpectSameResult(const PhoneResult& got, const PhoneResult& want) {
  EXPECT_EQ(got.validated_phone_number, want.validated_phone_number);
  EXPECT_EQ(got.formatted_phone_number, want.formatted_phone_number);
  EXPECT_EQ(PhoneTypeName(got.phone_type), PhoneTypeName(want.phone_type));
  EXPECT_EQ(ConfidenceName(got.confidence), ConfidenceName(want.confidence));
  EXPECT_EQ(got.valid, want.valid);
  EXPECT_EQ(got.country_prefix, want.country_prefix);
  EXPECT_EQ(got.country_iso, want.country_iso);
  EXPECT_EQ(got.country_name, want.country_name);
  EXPECT_EQ(got.ported_date, want.ported_date);
  EXPECT_EQ(got.disposable_number, want.disposable_number);
}

struct Case {
  const char* number;
  const char* default_alpha3;
  OutputFormat format;
  const char* validated;
  const char* formatted;
  PhoneType type;
  bool valid;
  const char* prefix;
  const char* iso;
  const char* name;
};

void RunCases(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    SCOPED_TRACE(testing::Message()
                 << "number '" << c.number << "' default '" << c.default_alpha3
                 << "' format " << c.format.Name());
    PhoneResult want;
    want.validated_phone_number = c.validated;
    want.formatted_phone_number = c.formatted;
    want.phone_type = c.type;
    want.valid = c.valid;
    want.confidence = c.valid ? Confidence::kUnknown : Confidence::kUnverified;
    want.country_prefix = c.prefix;
    want.country_iso = c.iso;
    want.country_name = c.name;
    ExpectSameResult(
        TheValidator().Validate(c.number, c.default_alpha3, c.format), want);
  }
}

// Expected values below were checked against libphonenumber 8.12.57; a
// metadata upgrade may legitimately change some of them.
TEST(ValidatorTest, ValidNumbersAcrossCountries) {
  const PhoneType kLand = PhoneType::kLandline, kMob = PhoneType::kMobile,
                  kEither = PhoneType::kMobileOrLandline;
  RunCases({
      {"441206250380", "", kE164, "441206250380", "441206250380", kLand, true,
       "44", "GBR", "United Kingdom"},
      {"00441206250380", "", kE164, "441206250380", "441206250380", kLand, true,
       "44", "GBR", "United Kingdom"},
      {"+44 7400 123456", "", kNational, "447400123456", "07400 123456", kMob,
       true, "44", "GBR", "United Kingdom"},
      {"01206 250380", "GBR", kE164, "441206250380", "441206250380", kLand,
       true, "44", "GBR", "United Kingdom"},
      {"2026298914", "USA", kE164, "12026298914", "12026298914", kEither, true,
       "1", "USA", "United States"},
      {"12269724276", "", kE164, "12269724276", "12269724276", kEither, true,
       "1", "CAN", "Canada"},
      {"030 123456", "DEU", kInternational, "4930123456", "+49 30 123456",
       kLand, true, "49", "DEU", "Germany"},
      {"06 12 34 56 78", "FRA", kE164, "33612345678", "33612345678", kMob, true,
       "33", "FRA", "France"},
      {"+81 3-3224-9999", "", kNational, "81332249999", "03-3224-9999", kLand,
       true, "81", "JPN", "Japan"},
      {"0412 345 678", "AUS", kInternational, "61412345678", "+61 412 345 678",
       kMob, true, "61", "AUS", "Australia"},
      {"+91 98765 43210", "", kNational, "919876543210", "098765 43210", kMob,
       true, "91", "IND", "India"},
      {"+55 11 91234-5678", "", kNational, "5511912345678", "(11) 91234-5678",
       kMob, true, "55", "BRA", "Brazil"},
      {"+34 912 34 56 78", "", kNational, "34912345678", "912 34 56 78", kLand,
       true, "34", "ESP", "Spain"},
      {"+39 02 1234 5678", "", kNational, "390212345678", "02 1234 5678", kLand,
       true, "39", "ITA", "Italy"},
      {"+27 21 123 4567", "", kNational, "27211234567", "021 123 4567", kLand,
       true, "27", "ZAF", "South Africa"},
      {"+52 55 1234 5678", "", kNational, "525512345678", "55 1234 5678",
       kEither, true, "52", "MEX", "Mexico"},
      // +7 and +44 are shared: the number's pattern picks the country.
      {"+7 495 123-45-67", "", kNational, "74951234567", "8 (495) 123-45-67",
       kLand, true, "7", "RUS", "Russian Federation"},
      {"+7 701 123 4567", "", kNational, "77011234567", "8 (701) 123 4567",
       kMob, true, "7", "KAZ", "Kazakhstan"},
      {"+44 1624 756789", "", kE164, "441624756789", "441624756789", kLand,
       true, "44", "IMN", "Isle of Man"},
      // Codes iso-codes has no country for: no country fields.
      {"+800 1234 5678", "", kInternational, "80012345678", "+800 1234 5678",
       PhoneType::kTollFree, true, "800", "", ""},
      {"+383 44 123 456", "", kE164, "38344123456", "38344123456", kMob, true,
       "383", "", ""},
  });
}

TEST(ValidatorTest, EveryPhoneType) {
  RunCases({
      {"+1 800 555 0199", "", kNational, "18005550199", "(800) 555-0199",
       PhoneType::kTollFree, true, "1", "USA", "United States"},
      {"1-800-FLOWERS", "USA", kE164, "18003569377", "18003569377",
       PhoneType::kTollFree, true, "1", "USA", "United States"},
      {"+44 900 000 0000", "", kE164, "449000000000", "449000000000",
       PhoneType::kPremium, true, "44", "GBR", "United Kingdom"},
      {"+33 884 01 23 45", "", kE164, "33884012345", "33884012345",
       PhoneType::kSharedCost, true, "33", "FRA", "France"},
      {"+44 56 1234 5678", "", kE164, "445612345678", "445612345678",
       PhoneType::kVoip, true, "44", "GBR", "United Kingdom"},
      {"+44 70 1234 5678", "", kE164, "447012345678", "447012345678",
       PhoneType::kPersonalNumber, true, "44", "GBR", "United Kingdom"},
      {"+44 76 2345 6789", "", kE164, "447623456789", "447623456789",
       PhoneType::kPager, true, "44", "GBR", "United Kingdom"},
      {"+44 55 1234 5678", "", kE164, "445512345678", "445512345678",
       PhoneType::kUniversalAccessNumber, true, "44", "GBR", "United Kingdom"},
      {"+39 331 0123 4501", "", kE164, "3933101234501", "3933101234501",
       PhoneType::kVoicemail, true, "39", "ITA", "Italy"},
  });
}

TEST(ValidatorTest, EveryOutputFormat) {
  const char* kUs = "United States";
  const PhoneType kEither = PhoneType::kMobileOrLandline;
  RunCases({
      {"2026298914", "USA", kE164, "12026298914", "12026298914", kEither, true,
       "1", "USA", kUs},
      {"2026298914", "USA", kPlusE164, "12026298914", "+12026298914", kEither,
       true, "1", "USA", kUs},
      {"2026298914", "USA", kNational, "12026298914", "(202) 629-8914", kEither,
       true, "1", "USA", kUs},
      {"2026298914", "USA", kInternational, "12026298914", "+1 202-629-8914",
       kEither, true, "1", "USA", kUs},
      {"2026298914", "USA", From("GBR"), "12026298914", "00 1 202-629-8914",
       kEither, true, "1", "USA", kUs},
      // Within NANPA no international prefix is dialled.
      {"+1 202 629 8914", "", From("CAN"), "12026298914", "1 (202) 629-8914",
       kEither, true, "1", "USA", kUs},
      {"+44 7400 123456", "", From("USA"), "447400123456", "011 44 7400 123456",
       PhoneType::kMobile, true, "44", "GBR", "United Kingdom"},
      {"+44 7400 123456", "", From("fra"), "447400123456", "00 44 7400 123456",
       PhoneType::kMobile, true, "44", "GBR", "United Kingdom"},
      // An origin libphonenumber has no plan for (Antarctica) or that is no
      // country at all: the INTERNATIONAL format.
      {"+44 7400 123456", "", From("ATA"), "447400123456", "+44 7400 123456",
       PhoneType::kMobile, true, "44", "GBR", "United Kingdom"},
      {"+44 7400 123456", "", From("XYZ"), "447400123456", "+44 7400 123456",
       PhoneType::kMobile, true, "44", "GBR", "United Kingdom"},
      // Extensions survive NATIONAL/INTERNATIONAL but not E.164.
      {"+44 1206 250380 ext. 12", "", kNational, "441206250380",
       "01206 250380 x12", PhoneType::kLandline, true, "44", "GBR",
       "United Kingdom"},
  });
}

TEST(ValidatorTest, InvalidButParseableNumbersKeepWhatWasRead) {
  const PhoneType kUnk = PhoneType::kUnknown;
  RunCases({
      // +44 is shared by GB, GG, IM and JE: without a default, no country.
      {"+44 1206 25038", "", kE164, "44120625038", "44120625038", kUnk, false,
       "44", "", ""},
      {"+44 1206 25038", "GBR", kNational, "44120625038", "01206 25038", kUnk,
       false, "44", "GBR", "United Kingdom"},
      {"4412062503", "", kPlusE164, "4412062503", "+4412062503", kUnk, false,
       "44", "", ""},
      {"+1 999 555 0123", "", kE164, "19995550123", "19995550123", kUnk, false,
       "1", "", ""},
      {"+1 999 555 0123", "CAN", kE164, "19995550123", "19995550123", kUnk,
       false, "1", "CAN", "Canada"},
      // The default's code does not match the number's: no country.
      {"+1 999 555 0123", "GBR", kE164, "19995550123", "19995550123", kUnk,
       false, "1", "", ""},
      // +33 is France's alone, so even an invalid number belongs to it.
      {"+33 123", "", kE164, "33123", "33123", kUnk, false, "33", "FRA",
       "France"},
      // +247 is Ascension's alone, but iso-codes has no "AC".
      {"+247 4567", "", kE164, "2474567", "2474567", kUnk, false, "247", "",
       ""},
  });
}

TEST(ValidatorTest, UnparseableInputGivesEmptyStrings) {
  for (const char* number :
       {"", " ", "abc", "+", "00", "0", "+999 123456", "(44) 1206 250380",
        "01206 250380", "#", "+44", "\t"}) {
    for (const OutputFormat& format :
         {kE164, kPlusE164, kNational, kInternational, From("GBR")}) {
      SCOPED_TRACE(testing::Message()
                   << "'" << number << "' " << format.Name());
      ExpectSameResult(TheValidator().Validate(number, "", format),
                       PhoneResult{});
    }
  }
  ExpectSameResult(TheValidator().Validate("abc", "GBR", kE164), PhoneResult{});
  ExpectSameResult(TheValidator().Validate("", "USA", kNational),
                   PhoneResult{});
}

TEST(ValidatorTest, InternationalReading) {
  const PhoneType kLand = PhoneType::kLandline;
  RunCases({
      {"  441206250380", "", kE164, "441206250380", "441206250380", kLand, true,
       "44", "GBR", "United Kingdom"},
      {"\t 00 44 1206 250380", "", kE164, "441206250380", "441206250380", kLand,
       true, "44", "GBR", "United Kingdom"},
      {"+441206250380", "", kE164, "441206250380", "441206250380", kLand, true,
       "44", "GBR", "United Kingdom"},
      // A default country given in lower case still applies.
      {"01206 250380", "gbr", kE164, "441206250380", "441206250380", kLand,
       true, "44", "GBR", "United Kingdom"},
      // iso-codes knows Antarctica but libphonenumber has no plan for it:
      // the number is read as international.
      {"61412345678", "ATA", kE164, "61412345678", "61412345678",
       PhoneType::kMobile, true, "61", "AUS", "Australia"},
  });
}

// ---------------------------------------------------------------------------
// Cross-checks against PhoneNumberUtil called directly, the plain way.

PhoneType OracleType(PhoneNumberUtil::PhoneNumberType type) {
  constexpr PhoneType kByLibType[] = {
      PhoneType::kLandline,
      PhoneType::kMobile,
      PhoneType::kMobileOrLandline,
      PhoneType::kTollFree,
      PhoneType::kPremium,
      PhoneType::kSharedCost,
      PhoneType::kVoip,
      PhoneType::kPersonalNumber,
      PhoneType::kPager,
      PhoneType::kUniversalAccessNumber,
      PhoneType::kVoicemail,
      PhoneType::kUnknown,
  };
  static_assert(std::size(kByLibType) == PhoneNumberUtil::UNKNOWN + 1);
  return kByLibType[type];
}

// The brief's rules written out without any of Validator's shortcuts.
PhoneResult Oracle(const std::string& number, const std::string& alpha3,
                   const OutputFormat& format) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Countries& countries = Countries::Default();
  const Country* def = alpha3.empty() ? nullptr : countries.ByAlpha3(alpha3);
  if (def != nullptr && util.GetCountryCodeForRegion(def->alpha2) == 0) {
    def = nullptr;
  }
  std::string input = number;
  std::string region = "ZZ";
  if (def != nullptr) {
    region = def->alpha2;
  } else {
    const size_t start = input.find_first_not_of(" \t\n\r\f\v");
    input = start == std::string::npos ? "" : input.substr(start);
    if (input.rfind("00", 0) == 0) {
      input = "+" + input.substr(2);
    } else if (!input.empty() &&
               std::isdigit(static_cast<unsigned char>(input[0]))) {
      input = "+" + input;
    }
  }
  PhoneResult r;
  PhoneNumber n;
  if (input.empty() ||
      util.Parse(input, region, &n) != PhoneNumberUtil::NO_PARSING_ERROR) {
    return r;
  }
  std::string e164;
  util.Format(n, PhoneNumberUtil::E164, &e164);
  r.validated_phone_number = e164.substr(1);
  switch (format.kind) {
    case Kind::kE164:
      r.formatted_phone_number = e164.substr(1);
      break;
    case Kind::kPlusE164:
      r.formatted_phone_number = e164;
      break;
    case Kind::kNational:
      util.Format(n, PhoneNumberUtil::NATIONAL, &r.formatted_phone_number);
      break;
    case Kind::kInternational:
      util.Format(n, PhoneNumberUtil::INTERNATIONAL, &r.formatted_phone_number);
      break;
    case Kind::kDialledFrom: {
      const Country* from = countries.ByAlpha3(format.from_alpha3);
      util.FormatOutOfCountryCallingNumber(n, from ? from->alpha2 : "ZZ",
                                           &r.formatted_phone_number);
      break;
    }
  }
  r.valid = util.IsValidNumber(n);
  r.phone_type =
      r.valid ? OracleType(util.GetNumberType(n)) : PhoneType::kUnknown;
  r.confidence = r.valid ? Confidence::kUnknown : Confidence::kUnverified;
  r.country_prefix = std::to_string(n.country_code());
  std::string country_region;
  if (r.valid) {
    util.GetRegionCodeForNumber(n, &country_region);
  } else {
    std::list<std::string> regions;
    util.GetRegionCodesForCountryCallingCode(n.country_code(), &regions);
    if (regions.size() == 1) {
      country_region = regions.front();
    } else if (def != nullptr &&
               util.GetCountryCodeForRegion(def->alpha2) == n.country_code()) {
      country_region = def->alpha2;
    }
  }
  if (const Country* c = countries.ByAlpha2(country_region)) {
    r.country_iso = c->alpha3;
    r.country_name = c->name;
  }
  return r;
}

const OutputFormat kAllFormats[] = {
    kE164,       kPlusE164,   kNational,   kInternational,
    From("GBR"), From("USA"), From("DEU"), From("JPN"),
};

TEST(ValidatorCrossCheckTest, MatchesPhoneNumberUtil) {
  const struct {
    const char* number;
    const char* default_alpha3;
  } inputs[] = {
      {"441206250380", ""},
      {"00441206250380", ""},
      {"+44 (0) 1206 250380", ""},
      {"+44 7400 123456", ""},
      {"07400 123456", "GBR"},
      {"447400123456", "GBR"},
      {"2026298914", "USA"},
      {"(202) 629-8914", "USA"},
      {"1 202 629 8914", "USA"},
      {"12026298914", ""},
      {"12269724276", ""},
      {"226 972 4276", "CAN"},
      {"18002752273", ""},
      {"1-800-FLOWERS", "USA"},
      {"+1 868 612 3456", ""},  // Trinidad, on the shared +1
      {"+1 999 555 0123", "USA"},
      {"030 123456", "DEU"},
      {"+49 1512 3456789", ""},
      {"06 12 34 56 78", "FRA"},
      {"+33 1 42 68 53 00", ""},
      {"+33 123", ""},
      {"+81 3-3224-9999", ""},
      {"090-1234-5678", "JPN"},
      {"0412 345 678", "AUS"},
      {"+61 2 9374 4000", ""},
      {"+91 98765 43210", ""},
      {"+55 11 91234-5678", ""},
      {"+7 495 123-45-67", ""},
      {"+7 701 123 4567", ""},
      {"8 (701) 123 4567", "RUS"},
      {"+34 912 34 56 78", ""},
      {"+39 06 6982 0000", ""},  // Vatican numbers inside Rome's area
      {"+39 02 1234 5678", ""},
      {"+27 21 123 4567", ""},
      {"+52 55 1234 5678", ""},
      {"+86 10 1234 5678", ""},
      {"+82 2-312-3456", ""},
      {"+234 802 123 4567", ""},
      {"+971 50 123 4567", ""},
      {"+800 1234 5678", ""},
      {"+383 44 123 456", ""},
      {"+247 4567", ""},
      {"+44 1624 756789", ""},
      {"+44 1481 256789", ""},  // Guernsey
      {"+44 1206 250380 ext. 12", ""},
      {"+44 1206 25038", "GBR"},
      {"4412062503", ""},
      {"  441206250380", ""},
      {"61412345678", "ATA"},
      {"01206 250380", "gbr"},
      {"abc", ""},
      {"", "GBR"},
      {"+", ""},
      {"(44) 1206 250380", ""},
      {"+999 123456", ""},
      {"++44 1206 250380", ""},  // libphonenumber skips the extra '+'
  };
  for (const auto& in : inputs) {
    for (const OutputFormat& format : kAllFormats) {
      SCOPED_TRACE(testing::Message()
                   << "'" << in.number << "' default '" << in.default_alpha3
                   << "' " << format.Name());
      ExpectSameResult(
          TheValidator().Validate(in.number, in.default_alpha3, format),
          Oracle(in.number, in.default_alpha3, format));
    }
  }
}

// Every example number libphonenumber ships, for every region and type, plus
// near misses (a digit short, a digit too many), read every way a client may
// send them. Above all this guards Validator's shortcut of taking validity
// from GetNumberType() rather than calling IsValidNumber().
TEST(ValidatorCrossCheckTest, MatchesPhoneNumberUtilOnAllExampleNumbers) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Countries& countries = Countries::Default();
  std::vector<std::pair<std::string, std::string>> inputs;  // number, alpha3
  auto add = [&](const PhoneNumber& example, const std::string& alpha3) {
    std::string e164, national;
    util.Format(example, PhoneNumberUtil::E164, &e164);
    util.Format(example, PhoneNumberUtil::NATIONAL, &national);
    const std::string digits = e164.substr(1);
    inputs.emplace_back(digits, "");
    inputs.emplace_back(digits.substr(0, digits.size() - 1), "");
    inputs.emplace_back(digits + "5", "");
    if (!alpha3.empty()) inputs.emplace_back(national, alpha3);
  };
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    const Country* country = countries.ByAlpha2(region);
    std::set<PhoneNumberUtil::PhoneNumberType> types;
    util.GetSupportedTypesForRegion(region, &types);
    for (auto type : types) {
      PhoneNumber example;
      if (util.GetExampleNumberForType(region, type, &example)) {
        add(example, country != nullptr ? country->alpha3 : "");
      }
    }
  }
  std::set<int> global_codes;
  util.GetSupportedGlobalNetworkCallingCodes(&global_codes);
  for (int code : global_codes) {
    PhoneNumber example;
    if (util.GetExampleNumberForNonGeoEntity(code, &example)) add(example, "");
  }
  ASSERT_GT(inputs.size(), 2000u);

  int valid = 0;
  for (const auto& [number, alpha3] : inputs) {
    SCOPED_TRACE(testing::Message() << "'" << number << "' '" << alpha3 << "'");
    const PhoneResult got =
        TheValidator().Validate(number, alpha3, kInternational);
    ExpectSameResult(got, Oracle(number, alpha3, kInternational));
    valid += got.valid;
  }
  // Sanity: the sweep saw plenty of both valid and invalid numbers.
  EXPECT_GT(valid, 1000);
  EXPECT_GT(static_cast<int>(inputs.size()) - valid, 1000);
}

TEST(ValidatorTest, ConcurrentCallsAgree) {
  const std::vector<std::pair<const char*, const char*>> inputs = {
      {"441206250380", ""}, {"2026298914", "USA"},   {"+44 1206 25038", ""},
      {"abc", ""},          {"+7 701 123 4567", ""}, {"0412 345 678", "AUS"},
  };
  std::vector<PhoneResult> want;
  for (const auto& [number, alpha3] : inputs) {
    want.push_back(TheValidator().Validate(number, alpha3, From("GBR")));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (size_t i = 0; i < inputs.size(); ++i) {
          const PhoneResult got = TheValidator().Validate(
              inputs[i].first, inputs[i].second, From("GBR"));
          if (got.formatted_phone_number != want[i].formatted_phone_number ||
              got.country_iso != want[i].country_iso) {
            ++mismatches[t];
          }
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int m : mismatches) EXPECT_EQ(m, 0);
}

// Regression: long inputs made libphonenumber's quadratic regexes cost
// milliseconds per number; inputs over 250 characters (the Java edition's
// limit) are not parsed at all.
TEST(ValidatorTest, InputsOver250CharactersAreNotParsed) {
  const OutputFormat e164;
  std::string padded = "+44 1206 250380" + std::string(200, ' ');
  EXPECT_TRUE(TheValidator().Validate(padded, "", e164).valid);
  std::string long_digits = "+44" + std::string(248, '1');
  ASSERT_EQ(long_digits.size(), 251u);
  PhoneResult r = TheValidator().Validate(long_digits, "", e164);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.confidence, Confidence::kUnverified);
  EXPECT_EQ(r.validated_phone_number, "");
  // The cap is "over 250": an input of exactly 250 characters (spaces
  // inside count, they are not trimmed) is still read, one more is not.
  const std::string at_cap = "+44 1206" + std::string(236, ' ') + "250380";
  ASSERT_EQ(at_cap.size(), 250u);
  EXPECT_TRUE(TheValidator().Validate(at_cap, "", e164).valid);
  const std::string over_cap = "+44 1206" + std::string(237, ' ') + "250380";
  EXPECT_EQ(TheValidator().Validate(over_cap, "", e164).validated_phone_number,
            "");
  std::string long_text = "+44 1206 250380 " + std::string(240, 'x');
  EXPECT_EQ(
      TheValidator().Validate(long_text, "GBR", e164).validated_phone_number,
      "");
}

// Each reason with a real number. The expectations were checked with the
// Python port of libphonenumber (python3-phonenumbers 8.12.57, the same
// metadata as Debian's libphonenumber8): phonenumbers.parse's error_type,
// and is_possible_number_with_reason for numbers that parse but are not
// valid; tests/integration/results_ext_test.cc asks it again at test time.
TEST(ValidatorTest, SaysWhyANumberIsNotValid) {
  struct ReasonCase {
    std::string number;
    const char* default_alpha3;
    InvalidReason reason;
  };
  const std::vector<ReasonCase> cases = {
      {"", "", InvalidReason::kEmpty},
      {" \t ", "GBR", InvalidReason::kEmpty},
      {"not a number", "GBR", InvalidReason::kNotANumber},  // NOT_A_NUMBER
      {"abc", "", InvalidReason::kNotANumber},
      {"+999 1234567", "", InvalidReason::kInvalidCountryCode},
      {"999 1234567", "", InvalidReason::kInvalidCountryCode},
      {"00 1", "GBR", InvalidReason::kTooShort},   // TOO_SHORT_AFTER_IDD
      {"011 1", "USA", InvalidReason::kTooShort},  // TOO_SHORT_AFTER_IDD
      {"+44 1", "", InvalidReason::kTooShort},     // TOO_SHORT_NSN
      {"+44 12", "", InvalidReason::kTooShort},    // possible: TOO_SHORT
      {"+1 202 629 891", "", InvalidReason::kTooShort},
      {"+44 123456789012345678", "", InvalidReason::kTooLong},  // TOO_LONG_NSN
      // Parses, but IsPossibleNumberWithReason says TOO_LONG.
      {"+44 12345678901234", "", InvalidReason::kTooLong},
      {"+1 202 629 89145", "", InvalidReason::kTooLong},
      {std::string(251, '1'), "", InvalidReason::kTooLong},  // the input cap
      {"+61 22222222222", "", InvalidReason::kInvalidLength},
      {"+7 22222222222", "", InvalidReason::kInvalidLength},
      {"+44 1234", "", InvalidReason::kLocalOnly},
      {"2536000", "USA", InvalidReason::kLocalOnly},
      {"+44 7700 900001", "", InvalidReason::kNoSuchRange},
      {"2026298914", "GBR", InvalidReason::kNoSuchRange},
      {"+1 200 555 0123", "", InvalidReason::kNoSuchRange},
      // Valid, also when valid for another country than the default.
      {"+44 1206 250380", "", InvalidReason::kNone},
      {"+1 202 629 8914", "GBR", InvalidReason::kNone},
      {"2026298914", "USA", InvalidReason::kNone},
  };
  for (const ReasonCase& c : cases) {
    PhoneResult r = TheValidator().Validate(c.number, c.default_alpha3, kE164);
    EXPECT_EQ(InvalidReasonWord(r.invalid_reason), InvalidReasonWord(c.reason))
        << "'" << c.number.substr(0, 30) << "' default " << c.default_alpha3;
    EXPECT_EQ(r.valid, c.reason == InvalidReason::kNone) << c.number;
    EXPECT_EQ(ValidityWord(r.valid, r.invalid_reason),
              c.reason == InvalidReason::kNone    ? "yes"
              : c.reason == InvalidReason::kEmpty ? "empty"
                                                  : "no")
        << c.number;
  }
}

TEST(ValidatorTest, ReasonWordsRoundTrip) {
  ASSERT_EQ(InvalidReasonWords().size(),
            static_cast<size_t>(InvalidReason::kNoSuchRange) + 1);
  for (size_t i = 0; i < InvalidReasonWords().size(); ++i) {
    auto reason = static_cast<InvalidReason>(i);
    EXPECT_EQ(InvalidReasonFromWord(InvalidReasonWord(reason)), reason);
  }
  EXPECT_EQ(InvalidReasonWord(InvalidReason::kNone), "");
  EXPECT_FALSE(InvalidReasonFromWord("nonsense").has_value());
}

}  // namespace
}  // namespace phonebulk::phone
