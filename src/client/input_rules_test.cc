// The loose reading of real-world exports: header names, country cells and
// the duplicate key (input_rules.h), and how the input scan uses them.
#include "client/input_rules.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "client/input_scan.h"
#include "client/result_row.h"
#include "client/submit_runner.h"
#include "client/translated_countries.h"

namespace phonebulk::client {
namespace {

TEST(HeaderMatchTest, IgnoresCaseAndSurroundingSpaces) {
  EXPECT_TRUE(HeaderMatches("phone", "phone"));
  EXPECT_TRUE(HeaderMatches("  Phone ", "phone"));
  EXPECT_TRUE(HeaderMatches("PHONE\t", " phone"));
  EXPECT_FALSE(HeaderMatches("phone number", "phone"));
  EXPECT_FALSE(HeaderMatches("phones", "phone"));
  EXPECT_FALSE(HeaderMatches("", "phone"));
}

TEST(HeaderMatchTest, FindColumnPrefersAnExactMatchAndRefusesAGuess) {
  const std::vector<std::string> header = {"id", " Phone ", "Country"};
  EXPECT_EQ(FindColumn(header, "phone").value(), 1);
  EXPECT_EQ(FindColumn(header, "COUNTRY").value(), 2);
  EXPECT_TRUE(absl::IsNotFound(FindColumn(header, "mobile").status()));
  // Exact beats loose, even when the loose one comes first.
  const std::vector<std::string> both = {"Phone", "phone"};
  EXPECT_EQ(FindColumn(both, "phone").value(), 1);
  // Two loose matches and no exact one: which was meant is a guess.
  const std::vector<std::string> two = {"Phone", "PHONE "};
  absl::StatusOr<int> ambiguous = FindColumn(two, "phone");
  EXPECT_TRUE(absl::IsInvalidArgument(ambiguous.status()));
  EXPECT_NE(ambiguous.status().message().find("columns 1 and 2"),
            std::string::npos)
      << ambiguous.status();
}

TEST(CountryCellTest, CodesNamesAndAliasesMapToAlpha3) {
  const struct {
    const char* cell;
    const char* alpha3;
  } cases[] = {
      {"GBR", "GBR"},
      {"gbr", "GBR"},
      {"GB", "GBR"},
      {" gb ", "GBR"},
      {"UK", "GBR"},  // ISO 3166-1's exceptional reservation
      {"uk", "GBR"},
      {"United Kingdom", "GBR"},  // iso-codes name
      {"united kingdom of great britain and northern ireland",
       "GBR"},                   // official_name
      {"Great Britain", "GBR"},  // alias
      {"US", "USA"},
      {"USA", "USA"},
      {"United States", "USA"},
      {"United States of America", "USA"},  // official_name
      {"FR", "FRA"},
      {"france", "FRA"},
      {"French Republic", "FRA"},  // official_name
      {"Germany", "DEU"},
      {"Viet Nam", "VNM"},  // name
      {"Vietnam", "VNM"},   // common_name
      {"Taiwan, Province of China", "TWN"},
      {"Russian Federation", "RUS"},
      {"Russia", "RUS"},  // alias
      {"Türkiye", "TUR"},
      {"Turkey", "TUR"},  // alias
  };
  for (const auto& c : cases) {
    const phone::Country* country = ResolveCountry(c.cell);
    ASSERT_NE(country, nullptr) << c.cell;
    EXPECT_EQ(country->alpha3, c.alpha3) << c.cell;
  }
  for (const char* junk : {"", "  ", "Narnia", "XX", "XYZ", "U K", "Europe",
                           "United", "GBR GBR", "001"}) {
    EXPECT_EQ(ResolveCountry(junk), nullptr) << junk;
  }
}

// Each alias names a country iso-codes has, and none shadows a name
// iso-codes already gives (the list is only for what it lacks).
TEST(CountryCellTest, EveryAliasNamesAKnownCountry) {
  const phone::Countries& countries = phone::Countries::Default();
  for (const CountryAlias& a : CountryAliases()) {
    EXPECT_NE(countries.ByAlpha3(a.alpha3), nullptr) << a.name;
    EXPECT_EQ(countries.ByName(a.name), nullptr) << a.name;
    const phone::Country* c = ResolveCountry(a.name);
    ASSERT_NE(c, nullptr) << a.name;
    EXPECT_EQ(c->alpha3, a.alpha3) << a.name;
  }
}

// Names in other languages come from iso-codes' own catalogues.
TEST(CountryCellTest, TranslatedNamesFromIsoCodes) {
  const struct {
    const char* cell;
    const char* alpha3;
  } cases[] = {
      {"Deutschland", "DEU"}, {"deutschland", "DEU"},
      {"Allemagne", "DEU"},   {"Royaume-Uni", "GBR"},
      {"Reino Unido", "GBR"}, {"España", "ESP"},
      {"Niederlande", "NLD"}, {"Vereinigtes Königreich", "GBR"},
      {" Italia ", "ITA"},
  };
  for (const auto& c : cases) {
    const phone::Country* country = ResolveCountry(c.cell);
    ASSERT_NE(country, nullptr) << c.cell;
    EXPECT_EQ(country->alpha3, c.alpha3) << c.cell;
  }
  EXPECT_GT(TranslatedCountryNames::Default().size(), 1000u);
  // Without the catalogues only codes and English names work.
  const TranslatedCountryNames none = TranslatedCountryNames::Load(
      ::testing::TempDir() + "/no-such-locale-dir",
      TranslatedCountryNames::kLanguages, phone::Countries::Default());
  EXPECT_EQ(none.size(), 0u);
  EXPECT_EQ(none.Find("Deutschland"), "");
}

TEST(DuplicateKeyTest, OnlySeparatorsThatNeverChangeMeaningAreDropped) {
  EXPECT_EQ(DuplicateKey("+44 7700-900.001", "GBR"), "+447700900001|GBR");
  EXPECT_EQ(DuplicateKey("+44 7700 900001", ""),
            DuplicateKey("+447700900001", ""));
  // The same digits in another country, or without the '+', or with
  // letters, are other questions.
  EXPECT_NE(DuplicateKey("7700900001", "GBR"),
            DuplicateKey("7700900001", "USA"));
  EXPECT_NE(DuplicateKey("+447700900001", ""),
            DuplicateKey("447700900001", ""));
  EXPECT_NE(DuplicateKey("1-800-FLOWERS", "USA"),
            DuplicateKey("1-800-GARDENS", "USA"));
}

TEST(DuplicateKeyTest, IndexRemembersTheFirstRow) {
  DuplicateIndex index;
  EXPECT_FALSE(index.Add("a|", 0));
  EXPECT_FALSE(index.Add("b|", 1));
  EXPECT_TRUE(index.Add("a|", 2));
  EXPECT_EQ(index.FirstRow("a|"), 0);
  EXPECT_EQ(index.FirstRow("c|"), -1);
  EXPECT_TRUE(index.Repeated("a|"));
  EXPECT_FALSE(index.Repeated("b|"));
  EXPECT_EQ(index.distinct(), 2u);
}

// A server error about one phone of a batch names the CSV line too.
TEST(ErrorLineTest, PhoneIndexBecomesTheInputLine) {
  const std::vector<int64_t> lines = {2, 5, 9};
  EXPECT_EQ(
      internal::NameInputLine(
          R"({"error":{"detail":"phones[1].number: 1001 characters"}})", lines),
      " (phones[1] is input line 5)");
  EXPECT_EQ(internal::NameInputLine("phones[3]: out of range", lines), "");
  EXPECT_EQ(internal::NameInputLine("phones[x]", lines), "");
  EXPECT_EQ(internal::NameInputLine("no index here", lines), "");
}

// The summary counts copied answers by their confidence, read back from
// the batch file's line.
TEST(ResultSuffixTest, ConfidenceIsReadBackFromASuffix) {
  const nlohmann::json phone = {
      {"validated_phone_number", "447700900001"},
      {"formatted_phone_number", "07700 900001, \"x\""},
      {"phone_type", "MOBILE"},
      {"confidence", "unknown"}};
  for (bool metadata : {false, true}) {
    for (char delim : {',', '\t', ';'}) {
      std::string suffix;
      AppendResultSuffix(phone, metadata, /*validity=*/true, delim, &suffix);
      EXPECT_EQ(ConfidenceInSuffix(suffix, metadata, delim), "unknown")
          << suffix;
    }
  }
  EXPECT_EQ(ConfidenceInSuffix(EmptySuffix(false, true, ','), false, ','),
            "empty");
  EXPECT_EQ(ConfidenceInSuffix(",a,b", false, ','), "");
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = ::testing::TempDir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

// The scan finds mixed-case headers, maps countries, marks unknown ones and
// repeats, and names the lines of rows it will not send.
TEST(InputScanTest, ForgivingColumnsCountriesAndDuplicates) {
  const std::string long_number(1001, '1');
  std::string path =
      WriteTemp("forgiving.csv",
                " Phone ,COUNTRY\n"
                "+447700900001,UK\n"          // row 0, line 2
                "+44 7700 900001,gb\n"        // row 1: the same question
                "7700900001,Narnia\n"         // row 2: bad_country
                "+447700900001,\n"            // row 3: no country, another key
                "2026298914,United States\n"  // row 4
                "202-629-8914,usa\n"          // row 5: repeat of row 4
                ",\n" +                       // row 6: empty
                    long_number +
                    ",US\n");  // row 7: too long
  std::FILE* warnings = std::tmpfile();
  absl::StatusOr<InputScan> scan =
      ScanInput(path, ',', "phone", "country", /*dedupe=*/true, warnings);
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_EQ(scan->columns.phone, 0);
  EXPECT_EQ(scan->columns.country, 1);
  EXPECT_EQ(scan->phones, 3);  // rows 0, 3, 4
  EXPECT_EQ(scan->duplicate_rows, 2);
  EXPECT_EQ(scan->bad_country_rows, 1);
  EXPECT_EQ(scan->bad_rows, 1);
  std::string iso;
  const std::vector<std::string> row1 = {"+44 7700 900001", "gb"};
  EXPECT_EQ(scan->Plan(row1, 1, &iso, nullptr), RowKind::kDuplicate);
  const std::vector<std::string> row0 = {"+447700900001", "UK"};
  EXPECT_EQ(scan->Plan(row0, 0, &iso, nullptr), RowKind::kSend);
  EXPECT_EQ(iso, "GBR");
  std::rewind(warnings);
  char buf[2048] = {};
  std::string text(buf, std::fread(buf, 1, sizeof buf - 1, warnings));
  std::fclose(warnings);
  EXPECT_NE(text.find("line 4: country 'Narnia'"), std::string::npos) << text;
  EXPECT_NE(text.find("line 9: the number is over 1000 characters"),
            std::string::npos)
      << text;

  // Without dedupe every good row is sent.
  absl::StatusOr<InputScan> all =
      ScanInput(path, ',', "phone", "country", /*dedupe=*/false, nullptr);
  ASSERT_TRUE(all.ok()) << all.status();
  EXPECT_EQ(all->phones, 5);
  EXPECT_EQ(all->duplicate_rows, 0);
  EXPECT_EQ(all->Plan(row1, 1, &iso, nullptr), RowKind::kSend);

  // A missing column is named with the header's line.
  absl::StatusOr<InputScan> missing =
      ScanInput(path, ',', "mobile", "", true, nullptr);
  EXPECT_TRUE(absl::IsInvalidArgument(missing.status()));
  EXPECT_NE(missing.status().message().find("line 1 (the header): no "
                                            "column 'mobile'"),
            std::string::npos)
      << missing.status();
  std::remove(path.c_str());
}

}  // namespace
}  // namespace phonebulk::client
