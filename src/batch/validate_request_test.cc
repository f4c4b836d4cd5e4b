#include "batch/validate_request.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "phone/countries.h"

namespace phonebulk::batch {
namespace {

using Kind = phone::OutputFormat::Kind;

absl::StatusOr<ValidateRequest> Parse(std::string_view body) {
  return ParseValidateRequest(body, phone::Countries::Default());
}

TEST(ValidateRequestTest, MinimalBodyTakesTheDefaults) {
  auto request = Parse(R"({"number":"+441206250380"})");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->number, "+441206250380");
  EXPECT_EQ(request->config, BatchConfig{});
  EXPECT_EQ(request->config.output_format.kind, Kind::kE164);
  EXPECT_FALSE(request->get_disposable_number);
  EXPECT_EQ(request->cache_value_days, 0);
}

TEST(ValidateRequestTest, EveryFieldIsRead) {
  auto request = Parse(R"({
    "number": "01206 250380", "country_iso": "gbr", "output_format": "usa",
    "get_ported_date": true, "get_disposable_number": true,
    "supplementary_live_status": {"mobile": ["USA", "usa"], "landline": []},
    "cache_value_days": 30})");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->number, "01206 250380");
  EXPECT_EQ(request->config.country_iso, "GBR");
  EXPECT_EQ(request->config.output_format.kind, Kind::kDialledFrom);
  EXPECT_EQ(request->config.output_format.from_alpha3, "USA");
  EXPECT_TRUE(request->config.get_ported_date);
  EXPECT_TRUE(request->get_disposable_number);
  ASSERT_TRUE(request->config.supplementary_live_status.has_value());
  EXPECT_EQ(request->config.supplementary_live_status->mobile,
            std::vector<std::string>{"USA"});
  EXPECT_TRUE(request->config.supplementary_live_status->landline.empty());
  EXPECT_EQ(request->cache_value_days, 30);
}

TEST(ValidateRequestTest, EdgeValuesAreAccepted) {
  struct Case {
    const char* body;
    const char* why;
  } cases[] = {
      {R"({"number":"1","cache_value_days":30})", "the most days allowed"},
      {R"({"number":"1","cache_value_days":0})", "0 means always fresh"},
      {R"({"number":"1","cache_value_days":-0})", "-0 is the integer 0"},
      {R"({"number":"1","output_format":"plus_e164"})", "formats in any case"},
      {R"({"number":"1","output_format":"INTERNATIONAL"})", "our extension"},
      {R"({"number":"1","get_ported_date":false})", "explicit false"},
      {"\xEF\xBB\xBF{\"number\":\"1\"}", "a byte order mark"},
  };
  for (const Case& c : cases) {
    auto request = Parse(c.body);
    EXPECT_TRUE(request.ok()) << c.why << ": " << request.status();
  }
  std::string longest = R"({"number":")" + std::string(1000, '9') + "\"}";
  EXPECT_TRUE(Parse(longest).ok());
}

TEST(ValidateRequestTest, BadBodiesNameTheField) {
  struct Case {
    std::string body;
    std::string message;
  };
  std::vector<Case> cases = {
      {R"({"number":""})",
       "number: is empty; send the phone number to validate, e.g. "
       "{\"number\": \"+441206250380\"}"},
      {R"({"number":"  "})",
       "number: is empty; send the phone number to validate, e.g. "
       "{\"number\": \"+441206250380\"}"},
      {"",
       "the request body is empty; send a JSON object with a 'number' "
       "string"},
      {" \n",
       "the request body is empty; send a JSON object with a "
       "'number' string"},
      {"[]",
       "the request body must be a JSON object with a 'number' string, "
       "got an array"},
      {"{\"number\":",
       "the request body is not valid JSON: invalid value at "
       "offset 10"},
      {R"({"number":"1"} x)",
       "the request body is not valid JSON: "
       "unexpected data after the top-level value at "
       "offset 15"},
      {std::string("{\"number\":\"1\"}\0", 15),
       "the request body is not valid JSON: a NUL byte at offset 14"},
      {"{\"number\":\"\xff\"}",
       "the request body is not valid UTF-8 at "
       "offset 11; send the JSON encoded as UTF-8"},
      {R"({})",
       "number: missing; send the phone number as a string, e.g. "
       "{\"number\": \"+441206250380\"}"},
      {R"({"number":441206250380})",
       "number: expected a string, got a "
       "number"},
      {R"({"number":null})", "number: expected a string, got null"},
      {R"({"number":"\udc00"})",
       "number: contains an unpaired UTF-16 "
       "surrogate escape; send valid Unicode"},
      {R"({"number":"\ud800"})",
       "the request body is not valid JSON: the "
       "surrogate pair in string is invalid at "
       "offset 11"},
      {R"({"number":")" + std::string(1001, '9') + "\"}",
       "number: 1001 characters, at most 1000 are allowed"},
      {R"({"number":"1","colour":"red"})", "colour: unknown field"},
      {R"({"number":"1","number":"2"})",
       "number: the field appears more than once; send it once"},
      {R"({"number":"1","phones":[]})", "phones: unknown field"},
      {R"({"number":"1","defaults":{}})", "defaults: unknown field"},
      {R"({"number":"1","country_iso":"XYZ"})",
       "country_iso: 'XYZ' is not an ISO 3166 alpha-3 code"},
      {R"({"number":"1","country_iso":"GB"})",
       "country_iso: 'GB' is not an ISO 3166 alpha-3 code"},
      {R"({"number":"1","country_iso":44})",
       "country_iso: expected an ISO 3166 alpha-3 code string, got a number"},
      {R"({"number":"1","output_format":"E.164"})",
       "output_format: 'E.164' is not E164, PLUS_E164, NATIONAL, "
       "INTERNATIONAL or an ISO 3166 alpha-3 code"},
      {R"({"number":"1","output_format":true})",
       "output_format: expected a string, got a boolean"},
      {R"({"number":"1","get_ported_date":"yes"})",
       "get_ported_date: expected true or false, got a string"},
      {R"({"number":"1","get_disposable_number":1})",
       "get_disposable_number: expected true or false, got a number"},
      {R"({"number":"1","supplementary_live_status":[]})",
       "supplementary_live_status: expected an object, got an array"},
      {R"({"number":"1","supplementary_live_status":{"fax":[]}})",
       "supplementary_live_status.fax: unknown field"},
      {R"({"number":"1","supplementary_live_status":{"mobile":["XX"]}})",
       "supplementary_live_status.mobile[0]: 'XX' is not an ISO 3166 "
       "alpha-3 code"},
      {R"({"number":"1","supplementary_live_status":{"landline":"GBR"}})",
       "supplementary_live_status.landline: expected an array of ISO 3166 "
       "alpha-3 codes, got a string"},
      {R"({"number":"1","cache_value_days":"7"})",
       "cache_value_days: expected a whole number of days from 0 to 30, got "
       "a string"},
  };
  // Integers outside 0..30 are named in the answer.
  for (std::string days : {"31", "-1"}) {
    cases.push_back({R"({"number":"1","cache_value_days":)" + days + "}",
                     "cache_value_days: " + days +
                         " is not a whole number of days from 0 to 30"});
  }
  // Fractions, and integers too large for an integer type, are not: one
  // sentence for all.
  for (std::string days : {"1.5", "7.0", "1e30", "99999999999999999999"}) {
    cases.push_back(
        {R"({"number":"1","cache_value_days":)" + days + "}",
         "cache_value_days: must be a whole number of days from 0 to 30"});
  }
  for (const Case& c : cases) {
    auto request = Parse(c.body);
    ASSERT_FALSE(request.ok()) << c.body;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument)
        << c.body;
    EXPECT_EQ(std::string(request.status().message()), c.message) << c.body;
  }
}

TEST(ValidateRequestTest, EchoedValuesAreShortAndPrintable) {
  std::string body =
      R"({"number":"1","country_iso":")" + std::string(100, 'Z') + "\"}";
  auto request = Parse(body);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(std::string(request.status().message()),
            "country_iso: '" + std::string(40, 'Z') +
                "\xE2\x80\xA6' is not an ISO 3166 alpha-3 code");
  auto control = Parse("{\"number\":\"1\",\"k\\u0007\":1}");
  ASSERT_FALSE(control.ok());
  EXPECT_EQ(std::string(control.status().message()), "k?: unknown field");
}

}  // namespace
}  // namespace phonebulk::batch
