#include "api/csv_views.h"

#include <gtest/gtest.h>

#include <vector>

#include "api/results_handler.h"

namespace phonebulk::api {
namespace {

batch::BatchResults Stopped() {
  batch::BatchResults results;
  results.view.batch.status = model::BatchStatus::kStopped;
  phone::PhoneResult r;
  r.validated_phone_number = "441206250380";
  r.formatted_phone_number = "01206 250380";
  r.phone_type = phone::PhoneType::kLandline;
  r.confidence = phone::Confidence::kUnknown;
  results.phones.push_back({"+44 1206, \"250380\"", r});
  results.phones.push_back({"2026298914", std::nullopt});
  return results;
}

TEST(BatchResultsCsvTest, HeaderThenQuotedRowsWithCrlf) {
  EXPECT_EQ(BatchResultsCsv(Stopped(), false),
            "number,validated_phone_number,formatted_phone_number,phone_type,"
            "confidence,disposable_number\r\n"
            "\"+44 1206, \"\"250380\"\"\",441206250380,01206 250380,landline,"
            "unknown,unknown\r\n"
            "2026298914,,,,unprocessed,\r\n");
}

TEST(BatchResultsCsvTest, EmptyWhileProcessingIsTheHeaderAlone) {
  batch::BatchResults results;
  results.view.batch.status = model::BatchStatus::kProcessing;
  results.view.config.get_ported_date = true;
  std::string csv = BatchResultsCsv(results, true);
  EXPECT_EQ(csv.find("\r\n"), csv.size() - 2);
  EXPECT_TRUE(csv.starts_with("number,validated_phone_number,"));
  EXPECT_NE(csv.find(",ported_date,disposable_number,original_operator_name,"),
            std::string::npos);
  EXPECT_TRUE(csv.ends_with(",email_to_mms_address\r\n"));
}

TEST(ParsePagingTest, AcceptsAndRefuses) {
  EXPECT_FALSE(ParsePaging("/r").value().has_value());
  EXPECT_FALSE(ParsePaging("/r?include=location").value().has_value());
  auto page = ParsePaging("/r?offset=20&limit=10&include=location").value();
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->offset, 20);
  EXPECT_EQ(page->limit, 10);
  page = ParsePaging("/r?limit=10000").value();
  EXPECT_EQ(page->offset, 0);
  EXPECT_EQ(page->limit, 10000);
  page = ParsePaging("/r?offset=5").value();
  EXPECT_FALSE(page->limit.has_value());

  // Bad targets, by the parameter the refusal must name.
  struct Bad {
    const char* names;
    std::vector<const char*> targets;
  } bad[] = {
      {"query offset", {"/r?offset=-1", "/r?offset=x", "/r?offset="}},
      {"query limit",
       {"/r?limit=0", "/r?limit=10001", "/r?limit=1.5", "/r?limit",
        "/r?offset=1&limit=-3"}},
  };
  for (const Bad& b : bad) {
    for (const char* target : b.targets) {
      auto got = ParsePaging(target);
      ASSERT_FALSE(got.ok()) << target;
      EXPECT_EQ(got.status().code(), absl::StatusCode::kInvalidArgument)
          << target;
      EXPECT_TRUE(std::string(got.status().message()).starts_with(b.names))
          << target << ": " << got.status().message();
    }
  }
}

TEST(ChooseResultsFormatTest, ListedOrderDecides) {
  using F = ResultsFormat;
  struct Case {
    const char* accept;
    std::optional<F> want;
  } cases[] = {
      {"", F::kJson},
      {"*/*", F::kJson},
      {"application/json", F::kJson},
      {"text/csv", F::kCsv},
      {"TEXT/CSV; charset=utf-8", F::kCsv},
      {"text/csv, application/json", F::kCsv},
      {"application/json, text/csv", F::kJson},
      {"text/html, text/csv;q=0.5", F::kCsv},
      {"text/html, */*;q=0.1", F::kJson},
      {"text/html", std::nullopt},
      {"application/xml", std::nullopt},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ChooseResultsFormat(c.accept), c.want) << c.accept;
  }
}

}  // namespace
}  // namespace phonebulk::api
