#include "batch/config.h"

#include <gtest/gtest.h>

#include <string>

namespace phonebulk::batch {
namespace {

using Kind = phone::OutputFormat::Kind;

BatchConfig FullConfig() {
  BatchConfig config;
  config.output_format = {Kind::kDialledFrom, "GBR"};
  config.country_iso = "USA";
  config.get_ported_date = true;
  config.supplementary_live_status =
      SupplementaryLiveStatus{{"USA", "CAN"}, {"GBR"}};
  config.max_processing_time = "PT25M";
  config.max_processing_duration = absl::Minutes(25);
  return config;
}

TEST(ConfigTest, RoundTrips) {
  struct Case {
    const char* name;
    BatchConfig config;
  };
  BatchConfig plus;
  plus.output_format.kind = Kind::kPlusE164;
  BatchConfig national;
  national.output_format.kind = Kind::kNational;
  national.country_iso = "DEU";
  BatchConfig international;
  international.output_format.kind = Kind::kInternational;
  international.max_processing_time = "P1D";
  international.max_processing_duration = absl::Hours(24);
  BatchConfig empty_live;
  empty_live.supplementary_live_status = SupplementaryLiveStatus{};
  BatchConfig landline_only;
  landline_only.supplementary_live_status =
      SupplementaryLiveStatus{{}, {"GBR"}};
  landline_only.max_processing_time = "PT1H30M";
  landline_only.max_processing_duration = absl::Minutes(90);

  const Case cases[] = {
      {"defaults", BatchConfig{}}, {"plus", plus},
      {"national", national},      {"international", international},
      {"empty_live", empty_live},  {"landline_only", landline_only},
      {"full", FullConfig()},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    std::string json = SerializeConfig(c.config);
    absl::StatusOr<BatchConfig> parsed = ParseStoredConfig(json);
    ASSERT_TRUE(parsed.ok()) << parsed.status() << " for " << json;
    EXPECT_EQ(*parsed, c.config) << json;
    // Stable: serializing the parsed value gives the same text.
    EXPECT_EQ(SerializeConfig(*parsed), json);
  }
}

TEST(ConfigTest, SerializesInTheContractShape) {
  EXPECT_EQ(SerializeConfig(BatchConfig{}),
            R"({"output_format":"E164","get_ported_date":false})");
  EXPECT_EQ(SerializeConfig(FullConfig()),
            R"({"output_format":"GBR","country_iso":"USA",)"
            R"("get_ported_date":true,"supplementary_live_status":)"
            R"({"mobile":["USA","CAN"],"landline":["GBR"]},)"
            R"("max_processing_time":"PT25M"})");
}

TEST(ConfigTest, StoredFormatsAreCaseInsensitive) {
  auto parsed = ParseStoredConfig(R"({"output_format":"plus_e164"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->output_format.kind, Kind::kPlusE164);
  parsed = ParseStoredConfig(R"({"output_format":"gbr"})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->output_format,
            (phone::OutputFormat{Kind::kDialledFrom, "GBR"}));
}

// The one reader of OutputFormat::Name(): every name reads back, and a
// three-letter code is taken without a country lookup.
TEST(ConfigTest, OutputFormatNamesReadBack) {
  for (const phone::OutputFormat& format :
       {phone::OutputFormat{Kind::kE164, ""},
        phone::OutputFormat{Kind::kPlusE164, ""},
        phone::OutputFormat{Kind::kNational, ""},
        phone::OutputFormat{Kind::kInternational, ""},
        phone::OutputFormat{Kind::kDialledFrom, "ZZZ"}}) {
    EXPECT_EQ(ParseOutputFormatName(format.Name()), format) << format.Name();
  }
  EXPECT_EQ(ParseOutputFormatName("national"),
            (phone::OutputFormat{Kind::kNational, ""}));
  EXPECT_EQ(ParseOutputFormatName("deu"),
            (phone::OutputFormat{Kind::kDialledFrom, "DEU"}));
  EXPECT_EQ(ParseOutputFormatName(""), std::nullopt);
  EXPECT_EQ(ParseOutputFormatName("E.164"), std::nullopt);
  EXPECT_EQ(ParseOutputFormatName("GB1"), std::nullopt);
  EXPECT_EQ(ParseOutputFormatName("GBRR"), std::nullopt);
}

TEST(ConfigTest, IgnoresUnknownStoredKeys) {
  // A row written by a newer release must stay readable after a rollback.
  auto parsed = ParseStoredConfig(R"({"output_format":"E164","future":1})");
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(*parsed, BatchConfig{});
}

TEST(ConfigTest, RejectsDamagedStoredConfig) {
  const char* cases[] = {
      "",
      "[]",
      "{",
      R"({"output_format":1})",
      R"({"output_format":"NOPE"})",
      R"({"country_iso":null})",
      R"({"get_ported_date":"yes"})",
      R"({"supplementary_live_status":[]})",
      R"({"supplementary_live_status":{"mobile":"USA"}})",
      R"({"supplementary_live_status":{"mobile":[1]}})",
      R"({"max_processing_time":"25 minutes"})",
  };
  for (const char* json : cases) {
    auto parsed = ParseStoredConfig(json);
    EXPECT_FALSE(parsed.ok()) << json;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kDataLoss) << json;
  }
}

TEST(ConfigTest, ReferenceIds) {
  struct Case {
    std::string text;
    bool valid;
  } cases[] = {
      {"crm-export-2025-09", true},
      {"a", true},
      {"A_z 0-9/:.,()", true},
      {std::string(256, 'x'), true},
      {std::string(257, 'x'), false},
      {"", false},
      {"tab\there", false},
      {"semi;colon", false},
      {"quote'", false},
      {"new\nline", false},
      {"caf\xC3\xA9", false},  // \w is ASCII only
      {std::string("nul\0x", 5), false},
      {"brackets[]", false},
      {"plus+", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IsValidReferenceId(c.text), c.valid) << "'" << c.text << "'";
  }
}

}  // namespace
}  // namespace phonebulk::batch
