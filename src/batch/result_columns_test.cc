#include "batch/result_columns.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

namespace phonebulk::batch {
namespace {

std::string Field(std::string_view value) {
  std::string out;
  AppendCsvField(value, &out);
  return out;
}

TEST(ResultColumnsTest, QuotesOnlyWhatRfc4180Requires) {
  struct Case {
    std::string_view in;
    std::string_view want;
  } cases[] = {
      {"", ""},
      {"12026298914", "12026298914"},
      {"(202) 629-8914", "(202) 629-8914"},
      {"a,b", "\"a,b\""},
      {"say \"hi\"", "\"say \"\"hi\"\"\""},
      {"line\nbreak", "\"line\nbreak\""},
      {"cr\rhere", "\"cr\rhere\""},
      {"Télécom ünïcode", "Télécom ünïcode"},
  };
  for (const Case& c : cases) EXPECT_EQ(Field(c.in), c.want) << c.in;
}

TEST(ResultColumnsTest, ColumnsFollowTheJsonOrder) {
  std::vector<std::string_view> plain = {"validated_phone_number",
                                         "formatted_phone_number", "phone_type",
                                         "confidence", "disposable_number"};
  EXPECT_EQ(ResultColumns(false, false), plain);
  auto ported = ResultColumns(false, true);
  ASSERT_EQ(ported.size(), 6u);
  EXPECT_EQ(ported[4], "ported_date");
  auto meta = ResultColumns(true, true);
  ASSERT_EQ(meta.size(), 21u);
  EXPECT_EQ(meta[6], "original_operator_name");
  EXPECT_EQ(meta[11], "original_country_iso");
  EXPECT_EQ(meta[12], "operator_name");
  EXPECT_EQ(meta[17], "country_iso");
  EXPECT_EQ(meta[20], "email_to_mms_address");
  EXPECT_EQ(ResultColumns(true, false).size(), 20u);
}

int CountFields(const std::string& row) {
  // The rows under test hold no quoted commas.
  return 1 + static_cast<int>(std::count(row.begin(), row.end(), ','));
}

TEST(ResultColumnsTest, RowsHaveOneFieldPerColumn) {
  phone::PhoneResult r;
  r.validated_phone_number = "12026298914";
  r.formatted_phone_number = "(202) 629-8914";
  r.phone_type = phone::PhoneType::kLandline;
  r.confidence = phone::Confidence::kUnknown;
  r.ported_date = "not applicable";
  r.country_name = "United States";
  r.country_iso = "USA";
  r.country_prefix = "1";
  PhoneView processed{"2026298914", r};
  PhoneView unprocessed{"2026298914", std::nullopt};
  for (bool metadata : {false, true}) {
    for (bool ported : {false, true}) {
      BatchConfig config;
      config.get_ported_date = ported;
      size_t want = ResultColumns(metadata, ported).size();
      std::string a, b;
      AppendResultRow(processed, config, metadata, false, &a);
      AppendResultRow(unprocessed, config, metadata, false, &b);
      EXPECT_EQ(CountFields(a), static_cast<int>(want)) << a;
      EXPECT_EQ(CountFields(b), static_cast<int>(want)) << b;
    }
  }
  BatchConfig config;
  config.get_ported_date = true;
  std::string row;
  AppendResultRow(processed, config, false, false, &row);
  EXPECT_EQ(row,
            "12026298914,(202) 629-8914,landline,unknown,not "
            "applicable,unknown");
  row.clear();
  AppendResultRow(unprocessed, config, false, false, &row);
  EXPECT_EQ(row, ",,,unprocessed,,");
  row.clear();
  AppendResultRow(processed, BatchConfig{}, true, false, &row);
  // Offline the original country repeats the current one, as in JSON.
  EXPECT_EQ(row,
            "12026298914,(202) 629-8914,landline,unknown,unknown,,,,1,United "
            "States,USA,,,,1,United States,USA,,,");
}

// include=validity: valid and reason after disposable_number, before the
// metadata, as in the JSON answer; empty for an unprocessed phone.
TEST(ResultColumnsTest, ValidityAddsValidAndReason) {
  std::vector<std::string_view> want = {"validated_phone_number",
                                        "formatted_phone_number",
                                        "phone_type",
                                        "confidence",
                                        "disposable_number",
                                        "valid",
                                        "reason"};
  EXPECT_EQ(ResultColumns(false, false, true), want);
  auto meta = ResultColumns(true, false, true);
  ASSERT_EQ(meta.size(), 22u);
  EXPECT_EQ(meta[6], "reason");
  EXPECT_EQ(meta[7], "original_operator_name");
  phone::PhoneResult r;
  r.validated_phone_number = "447700900001";
  r.formatted_phone_number = "447700900001";
  r.invalid_reason = phone::InvalidReason::kNoSuchRange;
  std::string row;
  AppendResultRow(PhoneView{"+447700900001", r}, BatchConfig{}, false, true,
                  &row);
  EXPECT_EQ(row,
            "447700900001,447700900001,unknown,unverified,unknown,no,no such "
            "number range");
  row.clear();
  AppendResultRow(PhoneView{"x", std::nullopt}, BatchConfig{}, false, true,
                  &row);
  EXPECT_EQ(row, ",,,unprocessed,,,");
}

}  // namespace
}  // namespace phonebulk::batch
