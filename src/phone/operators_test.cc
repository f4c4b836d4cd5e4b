#include "phone/operators.h"

#include <optional>
#include <string_view>

#include "gtest/gtest.h"
#include "phone/prefix_table_testing.h"

namespace phonebulk::phone {
namespace {

struct KnownOperator {
  const char* digits;  // E.164 without '+'
  const char* name;    // "" means no operator known
  const char* mccmnc;
};

// Expected names come from python3-phonenumbers 8.12.57:
//   /usr/bin/python3 -c 'import phonenumbers as p, phonenumbers.carrier as c;
//     print(c.name_for_number(p.parse("+447400123456"), "en"))'
// (the matching prefix of phonenumbers.carrierdata is given per case).
// Expected MCC/MNCs come from mobile-broadband-provider-info 20230416,
// /usr/share/mobile-broadband-provider-info/serviceproviders.xml: a code is
// expected only where the country's provider of that name has exactly one
// <network-id>; where it has several, the table must leave it empty.
const KnownOperator kKnown[] = {
    // GB: carrierdata '447400' Three. The xml calls it "3" (23420); names
    // differ, so no code rather than a guess.
    {"447400123456", "Three", ""},
    // GB: '447404' Lycamobile; xml gb "Lycamobile" mcc=234 mnc=26.
    {"447404123456", "Lycamobile", "23426"},
    // GB: '447384' Vodafone; xml gb "Vodafone" mcc=234 mnc=15.
    {"447384123456", "Vodafone", "23415"},
    // DE: '491520' Vodafone; xml de "Vodafone" has 26202, 26204, 26209.
    {"4915201234567", "Vodafone", ""},
    // DE: '49170' T-Mobile; xml de "T-Mobile(Telekom)" has 26201, 26206.
    {"491701234567", "T-Mobile", ""},
    // IN: '919810' Airtel; xml in "Airtel" has two dozen codes.
    {"919810123456", "Airtel", ""},
    // BR: '5511987' TIM; xml br "TIM" has 72402, 72403, 72404, 72408.
    {"5511987654321", "TIM", ""},
    // NG: '234803' MTN; xml ng "MTN" has 62130, 62160.
    {"2348031234567", "MTN", ""},
    // FR: '33651' Free Mobile; xml fr "Free Mobile" mcc=208 mnc=15.
    {"33651234567", "Free Mobile", "20815"},
    // KE: '25471' Safaricom; xml ke "Safaricom" mcc=639 mnc=02.
    {"254712345678", "Safaricom", "63902"},
    // ZA: '2782' Vodacom; xml za "Vodacom" mcc=655 mnc=01.
    {"27821234567", "Vodacom", "65501"},
    // PK: '9230' Mobilink; xml pk "Mobilink" mcc=410 mnc=01.
    {"923001234567", "Mobilink", "41001"},
    // AU: '61412' Optus; xml au "Optus" mcc=505 mnc=02.
    {"61412345678", "Optus", "50502"},
    // AU: '61400' Telstra; xml au "Telstra" mcc=505 mnc=01.
    {"61400123456", "Telstra", "50501"},
    // TR: '9053' Turkcell; xml tr "Turkcell" mcc=286 mnc=01.
    {"905321234567", "Turkcell", "28601"},
    // IT: '3934' Vodafone; xml it "Vodafone" mcc=222 mnc=10.
    {"393412345678", "Vodafone", "22210"},
    // ES: '34612' Syma (an MVNO absent from the xml).
    {"34612345678", "Syma", ""},
    // KZ (+7 shared with RU): '7701' Kcell/Activ; no xml provider of that
    // name in kz.
    {"77011234567", "Kcell/Activ", ""},
    // ET: '2517' Safaricom (Ethiopia). The xml's Safaricom is Kenyan only:
    // a same-name operator in another country must not borrow 63902.
    {"251712345678", "Safaricom", ""},
    // US: NANP ranges have no carrier data in libphonenumber.
    {"12125550123", "", ""},
    // IT: no carrierdata prefix covers +39 31.
    {"393123456789", "", ""},
};

TEST(OperatorTableTest, KnownNumbersOfManyCountries) {
  const OperatorTable& table = OperatorTable::BuiltIn();
  for (const KnownOperator& k : kKnown) {
    SCOPED_TRACE(k.digits);
    std::optional<OperatorInfo> info = table.Lookup(k.digits);
    if (*k.name == '\0') {
      EXPECT_FALSE(info.has_value()) << info->name;
      continue;
    }
    ASSERT_TRUE(info.has_value());
    EXPECT_EQ(info->name, k.name);
    EXPECT_EQ(info->mccmnc, k.mccmnc);
  }
}

TEST(OperatorTableTest, BuiltInIsParsedOnce) {
  EXPECT_EQ(&OperatorTable::BuiltIn(), &OperatorTable::BuiltIn());
  // carrierdata 8.12.57 has 28,409 prefixes, two of them with no English
  // name (Hong Kong '852461' and '85270'), which are left out.
  EXPECT_EQ(OperatorTable::BuiltIn().size(), 28407u);
}

TEST(OperatorTableTest, LongestPrefixWins) {
  const OperatorTable& table = OperatorTable::BuiltIn();
  // carrierdata: '852460' China Unicom, but '8524607' Multibyte.
  auto shorter = table.Lookup("85246001234");
  auto longer = table.Lookup("85246071234");
  ASSERT_TRUE(shorter.has_value());
  ASSERT_TRUE(longer.has_value());
  EXPECT_EQ(shorter->name, "China Unicom");
  EXPECT_EQ(longer->name, "Multibyte");
}

TEST(OperatorTableTest, ParsesItsTextForm) {
  auto table = OperatorTable::Parse(
      "# comment\n"
      "\n"
      "Short\t\t44\n"
      "Long\t23415\t4474 447\n"
      "Long\t23499\t331\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), 4u);
  EXPECT_EQ((*table)->Lookup("4474000")->name, "Long");
  EXPECT_EQ((*table)->Lookup("4474000")->mccmnc, "23415");
  EXPECT_EQ((*table)->Lookup("4473000")->mccmnc, "23415");
  EXPECT_EQ((*table)->Lookup("4420")->name, "Short");
  EXPECT_EQ((*table)->Lookup("4420")->mccmnc, "");
  EXPECT_EQ((*table)->Lookup("3310")->mccmnc, "23499");
  // Shorter than any prefix, a different country, not digits.
  EXPECT_FALSE((*table)->Lookup("4").has_value());
  EXPECT_FALSE((*table)->Lookup("").has_value());
  EXPECT_FALSE((*table)->Lookup("1447").has_value());
  EXPECT_FALSE((*table)->Lookup("+4474").has_value());
  // A non-digit ends the usable prefix.
  EXPECT_EQ((*table)->Lookup("44x74")->name, "Short");
}

TEST(OperatorTableTest, RejectsMalformedText) {
  const char* kBad[] = {
      "",                                 // no prefixes at all
      "# only a comment\n",               // nor here
      "Name\t23415\n",                    // two fields
      "Name\t23415\t44\textra\n",         // four fields
      "\t23415\t44\n",                    // empty name
      " Name\t23415\t44\n",               // padded name
      "Name\t2341\t44\n",                 // MCC/MNC too short
      "Name\t2341567\t44\n",              // too long
      "Name\t234x5\t44\n",                // not digits
      "Name\t23415\t\n",                  // no prefixes on the line
      "Name\t23415\t44  45\n",            // empty prefix
      "Name\t23415\t4a\n",                // not digits
      "Name\t23415\t1234567890123456\n",  // longer than E.164 allows
      "A\t\t44\nB\t\t44\n",               // one range, two operators
  };
  ExpectParseRejectsEach<OperatorTable>(kBad);
  auto dup = OperatorTable::Parse("A\t\t44\nB\t\t44\n");
  EXPECT_NE(dup.status().message().find("line 2"), std::string_view::npos)
      << dup.status();
}

}  // namespace
}  // namespace phonebulk::phone
