#include "phone/time_zones.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "phone/prefix_table_testing.h"

namespace phonebulk::phone {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

std::vector<std::string> Zones(const TimeZoneTable& table,
                               std::string_view digits) {
  auto zones = table.Lookup(digits);
  return {zones.begin(), zones.end()};
}

struct KnownZones {
  const char* digits;
  std::vector<std::string> zones;  // in the order of the data
};

// Expected values are the longest matching prefix of python3-phonenumbers
// 8.12.57's phonenumbers.tzdata.TIMEZONE_DATA (given per case), which is
// what phonenumbers.timezone.time_zones_for_number returns for a valid
// number of that range.
TEST(TimeZoneTableTest, KnownNumbers) {
  const KnownZones kKnown[] = {
      // '442' (London landlines).
      {"442071234567", {"Europe/London"}},
      // '1212' and '1213' (NANP area codes).
      {"12125550123", {"America/New_York"}},
      {"12135550123", {"America/Los_Angeles"}},
      // '4474': a mobile range shared with the Crown Dependencies.
      {"447400123456",
       {"Europe/Guernsey", "Europe/Isle_of_Man", "Europe/London"}},
      // '49', '81', '234', '551', '79', '91'.
      {"4930123456", {"Europe/Berlin"}},
      {"819012345678", {"Asia/Tokyo"}},
      {"2348031234567", {"Africa/Lagos"}},
      {"5511987654321", {"America/Sao_Paulo"}},
      {"79161234567", {"Europe/Moscow"}},
      {"919810123456", {"Asia/Calcutta"}},
  };
  const TimeZoneTable& table = TimeZoneTable::BuiltIn();
  for (const KnownZones& k : kKnown) {
    SCOPED_TRACE(k.digits);
    EXPECT_THAT(Zones(table, k.digits), ElementsAreArray(k.zones));
  }
}

TEST(TimeZoneTableTest, LongestPrefixWins) {
  const TimeZoneTable& table = TimeZoneTable::BuiltIn();
  // tzdata '44' lists four zones; '442' only London; '441481' Guernsey.
  EXPECT_THAT(Zones(table, "44"),
              ElementsAre("Europe/Guernsey", "Europe/Isle_of_Man",
                          "Europe/Jersey", "Europe/London"));
  EXPECT_THAT(Zones(table, "442"), ElementsAre("Europe/London"));
  EXPECT_THAT(Zones(table, "441481123456"), ElementsAre("Europe/Guernsey"));
  // tzdata '1' is the whole of NANP: 42 zones.
  EXPECT_EQ(table.Lookup("1").size(), 42u);
}

TEST(TimeZoneTableTest, UnknownPrefixGivesNothing) {
  const TimeZoneTable& table = TimeZoneTable::BuiltIn();
  // +800 (international freephone) and +882 have no tzdata entry;
  // libphonenumber would answer "Etc/Unknown", we answer nothing.
  EXPECT_THAT(Zones(table, "80012345678"), IsEmpty());
  EXPECT_THAT(Zones(table, "88212345678"), IsEmpty());
  EXPECT_THAT(Zones(table, ""), IsEmpty());
  EXPECT_THAT(Zones(table, "+442071234567"), IsEmpty());
}

TEST(TimeZoneTableTest, BuiltInIsParsedOnce) {
  EXPECT_EQ(&TimeZoneTable::BuiltIn(), &TimeZoneTable::BuiltIn());
  EXPECT_EQ(TimeZoneTable::BuiltIn().size(), 3272u);  // len(TIMEZONE_DATA)
}

TEST(TimeZoneTableTest, ParsesItsTextForm) {
  auto table = TimeZoneTable::Parse(
      "# comment\n"
      "Europe/London\t44 442\n"
      "America/Argentina/Buenos_Aires&Etc/GMT+5\t54\n");
  ASSERT_TRUE(table.ok()) << table.status();
  EXPECT_EQ((*table)->size(), 3u);
  EXPECT_THAT(Zones(**table, "4420"), ElementsAre("Europe/London"));
  EXPECT_THAT(Zones(**table, "541"),
              ElementsAre("America/Argentina/Buenos_Aires", "Etc/GMT+5"));
  EXPECT_THAT(Zones(**table, "1"), IsEmpty());
}

TEST(TimeZoneTableTest, RejectsMalformedText) {
  const char* kBad[] = {
      "",                                       // no prefixes
      "Europe/London\n",                        // one field
      "Europe/London\t44\t45\n",                // three fields
      "\t44\n",                                 // no zone
      "Europe/London&\t44\n",                   // empty zone in the list
      "Europe/London Town\t44\n",               // not a zone name
      "Europe/London\t\n",                      // no prefixes on the line
      "Europe/London\t4x\n",                    // not digits
      "Europe/London\t44 \n",                   // empty prefix
      "Europe/London\t44\nEurope/Paris\t44\n",  // one range, two answers
  };
  ExpectParseRejectsEach<TimeZoneTable>(kBad);
}

}  // namespace
}  // namespace phonebulk::phone
