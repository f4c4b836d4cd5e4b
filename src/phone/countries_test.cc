#include "phone/countries.h"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace phonebulk::phone {
namespace {

TEST(CountriesTest, DefaultHasTheIsoCodesTable) {
  const Countries& countries = Countries::Default();
  // iso-codes lists 249 ISO 3166-1 entries; allow for later additions.
  EXPECT_GE(countries.size(), 249u);
  EXPECT_EQ(&countries, &Countries::Default());  // loaded once
}

TEST(CountriesTest, LooksUpByEitherCodeIgnoringCase) {
  const Countries& countries = Countries::Default();
  const struct {
    const char* alpha3;
    const char* alpha2;
    const char* name;
  } cases[] = {
      {"GBR", "GB", "United Kingdom"},
      {"USA", "US", "United States"},
      {"CAN", "CA", "Canada"},
      {"DEU", "DE", "Germany"},
      {"IMN", "IM", "Isle of Man"},
      // iso-codes' `name` is "Taiwan, Province of China"; its common_name
      // wins.
      {"TWN", "TW", "Taiwan"},
      {"BOL", "BO", "Bolivia"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.alpha3);
    const Country* by3 = countries.ByAlpha3(c.alpha3);
    ASSERT_NE(by3, nullptr);
    EXPECT_EQ(by3->alpha2, c.alpha2);
    EXPECT_EQ(by3->alpha3, c.alpha3);
    EXPECT_EQ(by3->name, c.name);
    EXPECT_EQ(countries.ByAlpha2(c.alpha2), by3);

    std::string lower3 = c.alpha3, lower2 = c.alpha2, mixed3 = c.alpha3;
    for (char& ch : lower3) ch = static_cast<char>(ch - 'A' + 'a');
    for (char& ch : lower2) ch = static_cast<char>(ch - 'A' + 'a');
    mixed3[1] = lower3[1];
    EXPECT_EQ(countries.ByAlpha3(lower3), by3);
    EXPECT_EQ(countries.ByAlpha3(mixed3), by3);
    EXPECT_EQ(countries.ByAlpha2(lower2), by3);
  }
}

TEST(CountriesTest, UnknownCodesAreNull) {
  const Countries& countries = Countries::Default();
  for (const char* code :
       {"XYZ", "", "G", "GBRR", "UK", "001", "ZZ", "XK", "AC", "gb ", " GB"}) {
    EXPECT_EQ(countries.ByAlpha3(code), nullptr) << code;
    EXPECT_EQ(countries.ByAlpha2(code), nullptr) << code;
  }
  // A code of the other kind does not match.
  EXPECT_EQ(countries.ByAlpha3("GB"), nullptr);
  EXPECT_EQ(countries.ByAlpha2("GBR"), nullptr);
}

class CountriesLoadTest : public testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::string path = testing::TempDir() + "/phone_countries_" + name;
    std::ofstream(path) << text;
    return path;
  }
};

TEST_F(CountriesLoadTest, MissingFileIsNotFound) {
  auto loaded = Countries::Load(testing::TempDir() + "/no/such/file.json");
  EXPECT_EQ(loaded.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CountriesLoadTest, BadShapesAreInvalidArgument) {
  const struct {
    const char* name;
    const char* text;
  } cases[] = {
      {"empty", ""},
      {"not_json", "{\"3166-1\": ["},
      {"array", "[]"},
      {"no_list", "{\"3166-2\": []}"},
      {"empty_list", "{\"3166-1\": []}"},
      {"not_object", "{\"3166-1\": [1]}"},
      {"no_alpha3", R"({"3166-1": [{"alpha_2": "GB", "name": "UK"}]})"},
      {"bad_alpha2",
       R"({"3166-1": [{"alpha_2": "GBR", "alpha_3": "GBR", "name": "UK"}]})"},
      {"number_name",
       R"({"3166-1": [{"alpha_2": "GB", "alpha_3": "GBR", "name": 1}]})"},
      {"duplicate", R"({"3166-1": [
          {"alpha_2": "GB", "alpha_3": "GBR", "name": "A"},
          {"alpha_2": "gb", "alpha_3": "GBX", "name": "B"}]})"},
  };
  for (const auto& c : cases) {
    auto loaded = Countries::Load(Write(c.name, c.text));
    EXPECT_EQ(loaded.status().code(), absl::StatusCode::kInvalidArgument)
        << c.name << ": " << loaded.status();
  }
}

TEST_F(CountriesLoadTest, ReadsAMinimalFile) {
  auto loaded = Countries::Load(Write("minimal", R"({"3166-1": [
      {"alpha_2": "gb", "alpha_3": "gbr", "name": "United Kingdom",
       "numeric": "826", "official_name": "UK of GB and NI"},
      {"alpha_2": "TW", "alpha_3": "TWN", "name": "Taiwan, Province of China",
       "common_name": "Taiwan", "numeric": "158"}]})"));
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  const Countries& countries = **loaded;
  EXPECT_EQ(countries.size(), 2u);
  const Country* gb = countries.ByAlpha3("GBR");
  ASSERT_NE(gb, nullptr);
  EXPECT_EQ(gb->alpha2, "GB");  // stored upper case
  EXPECT_EQ(gb->name, "United Kingdom");
  ASSERT_NE(countries.ByAlpha2("tw"), nullptr);
  EXPECT_EQ(countries.ByAlpha2("tw")->name, "Taiwan");
}

}  // namespace
}  // namespace phonebulk::phone
