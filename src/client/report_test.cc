// The report's counting and its two forms (report.h). The end-to-end test,
// a real run opened in a real browser, is tests/integration/
// client_report_test.cc.
#include "client/report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "client/result_row.h"

namespace phonebulk::client {
namespace {

using Json = nlohmann::json;

std::string Suffix(const Json& phone) {
  std::string s;
  AppendResultSuffix(phone, false, true, ',', &s);
  return s;
}

Json Phone(std::string validated, std::string type, std::string valid,
           std::string reason) {
  return {{"validated_phone_number", validated},
          {"formatted_phone_number", ""},
          {"phone_type", type},
          {"confidence", valid == "yes" ? "unknown" : "unverified"},
          {"disposable_number", "unknown"},
          {"valid", valid},
          {"reason", reason}};
}

ReportFigures Tally(const std::vector<std::string>& suffixes,
                    const SubmitSummary& summary = {}) {
  ReportTally tally(false, ',');
  for (const std::string& s : suffixes) tally.AddRow(s);
  return tally.Figures(summary);
}

TEST(ReportTest, CountsRowsByValidityTypeCountryAndReason) {
  SubmitSummary run;
  run.rows = 7;
  run.phones = 5;
  run.duplicate_rows = 1;
  run.credits = 5;
  run.empty_rows = 1;
  const ReportFigures f = Tally(
      {Suffix(Phone("447400123456", "mobile", "yes", "")),
       Suffix(Phone("447400123456", "mobile", "yes", "")),  // a repeat
       Suffix(Phone("12026298914", "mobile or landline", "yes", "")),
       // +1 is shared: libphonenumber places 604 (British Columbia) in CA.
       Suffix(Phone("16045550100", "mobile or landline", "yes", "")),
       // A leading zero of the national number (Italy) is kept.
       Suffix(Phone("390612345678", "landline", "yes", "")),
       Suffix(Phone("4412", "unknown", "no", "too short")),
       EmptySuffix(false, true, ',')},
      run);
  EXPECT_EQ(f.rows, 7);
  EXPECT_EQ(f.sent, 5);
  EXPECT_EQ(f.credits_saved, 1);
  EXPECT_EQ(f.valid, (std::map<std::string, int64_t>{
                         {"yes", 5}, {"no", 1}, {"empty", 1}}));
  ASSERT_EQ(f.line_types.size(), 3u);
  EXPECT_EQ(f.line_types[0].key, "mobile");  // 2, and first by key
  EXPECT_EQ(f.line_types[0].rows, 2);
  ASSERT_EQ(f.countries.size(), 4u);
  EXPECT_EQ(f.countries[0].key, "GB");
  EXPECT_EQ(f.countries[0].name, "United Kingdom");
  EXPECT_EQ(f.countries[0].rows, 2);
  std::map<std::string, int64_t> countries;
  for (const ReportCount& c : f.countries) countries[c.key] = c.rows;
  EXPECT_EQ(countries, (std::map<std::string, int64_t>{
                           {"GB", 2}, {"US", 1}, {"CA", 1}, {"IT", 1}}));
  ASSERT_EQ(f.reasons.size(), 1u);  // not the empty row's "no number given"
  EXPECT_EQ(f.reasons[0].key, "too short");
  EXPECT_EQ(f.not_sent.at("empty"), 1);
}

TEST(ReportTest, JsonAndHtmlCarryTheSameFigures) {
  SubmitSummary run;
  run.rows = 2;
  run.phones = 2;
  run.credits = 2;
  const ReportFigures f =
      Tally({Suffix(Phone("447400123456", "mobile", "yes", "")),
             Suffix(Phone("4412", "unknown", "no", "too <short> & \"odd\""))},
            run);
  const Json j = Json::parse(ReportJson(f, "in.csv", "out.csv"));
  EXPECT_EQ(j["valid"]["yes"], 1);
  EXPECT_EQ(j["countries"][0]["code"], "GB");
  EXPECT_EQ(j["reasons"][0]["name"], "too <short> & \"odd\"");
  EXPECT_EQ(j["credits_charged"], 2);

  const std::string html = ReportHtml(f, "in<1>.csv", "out.csv");
  EXPECT_NE(html.find("data-figure=\"valid.yes\" data-value=\"1\""),
            std::string::npos);
  EXPECT_NE(html.find("data-figure=\"countries.GB\" data-value=\"1\""),
            std::string::npos);
  // Text from the server or the file system is escaped, never markup.
  EXPECT_EQ(html.find("<short>"), std::string::npos);
  EXPECT_NE(html.find("too &lt;short&gt; &amp; &quot;odd&quot;"),
            std::string::npos);
  EXPECT_NE(html.find("in&lt;1&gt;.csv"), std::string::npos);
  // Self-contained: nothing is fetched.
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("://"), std::string::npos);
  EXPECT_NE(html.find("default-src 'none'"), std::string::npos);
}

TEST(ReportTest, KindComesFromTheExtension) {
  EXPECT_EQ(*ReportKindOf("a/b.JSON"), ReportKind::kJson);
  EXPECT_EQ(*ReportKindOf("r.html"), ReportKind::kHtml);
  EXPECT_EQ(*ReportKindOf("r.htm"), ReportKind::kHtml);
  EXPECT_FALSE(ReportKindOf("report.txt").ok());
  EXPECT_FALSE(ReportKindOf("report").ok());
}

}  // namespace
}  // namespace phonebulk::client
