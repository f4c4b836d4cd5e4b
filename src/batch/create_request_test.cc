#include "batch/create_request.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "phone/countries.h"

namespace phonebulk::batch {
namespace {

using Kind = phone::OutputFormat::Kind;

absl::StatusOr<CreateBatchRequest> Parse(std::string_view body) {
  return ParseCreateBatchRequest(body, phone::Countries::Default());
}

// A body with `count` phones, all `number`.
std::string Phones(size_t count, std::string_view number = "1") {
  std::string body = R"({"phones":[)";
  for (size_t i = 0; i < count; ++i) {
    if (i > 0) body += ',';
    body.append(R"({"number":")").append(number).append("\"}");
  }
  return body + "]}";
}

// `defaults` JSON text plus one valid phone.
std::string WithDefaults(std::string_view defaults) {
  return std::string(R"({"defaults":)")
      .append(defaults)
      .append(R"(,"phones":[{"number":"1"}]})");
}

// One phone object given as JSON text.
std::string WithPhone(std::string_view phone) {
  return std::string(R"({"phones":[{"number":"2"},)")
      .append(phone)
      .append("]}");
}

bool IsPrintableUtf8(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c <= 0x7E) continue;
    if (text.substr(i, 3) == "\xE2\x80\xA6") {  // the ellipsis we add
      i += 2;
      continue;
    }
    return false;
  }
  return true;
}

TEST(CreateRequestTest, MinimalBody) {
  auto request = Parse(R"({"phones":[{"number":"441206250380"}]})");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->config, BatchConfig{});
  EXPECT_EQ(request->batch_reference_id, "");
  ASSERT_EQ(request->phones.size(), 1u);
  EXPECT_EQ(request->phones[0].number, "441206250380");
  EXPECT_EQ(request->phones[0].country_iso, "");
}

TEST(CreateRequestTest, ContractExample) {
  auto request = Parse(R"({
    "defaults": {
      "output_format": "E164",
      "country_iso": "GBR",
      "get_ported_date": true,
      "supplementary_live_status": {"mobile": ["USA"], "landline": ["GBR"]},
      "batch_reference_id": "crm-export-2025-09",
      "max_processing_time": "PT25M"
    },
    "phones": [{"number": "441206250380"},
               {"number": "2026298914", "country_iso": "USA"}]
  })");
  ASSERT_TRUE(request.ok()) << request.status();
  BatchConfig want;
  want.country_iso = "GBR";
  want.get_ported_date = true;
  want.supplementary_live_status = SupplementaryLiveStatus{{"USA"}, {"GBR"}};
  want.max_processing_time = "PT25M";
  want.max_processing_duration = absl::Minutes(25);
  EXPECT_EQ(request->config, want);
  EXPECT_EQ(request->batch_reference_id, "crm-export-2025-09");
  ASSERT_EQ(request->phones.size(), 2u);
  EXPECT_EQ(request->phones[0].number, "441206250380");
  EXPECT_EQ(request->phones[0].country_iso, "");
  EXPECT_EQ(request->phones[1].number, "2026298914");
  EXPECT_EQ(request->phones[1].country_iso, "USA");
}

TEST(CreateRequestTest, AcceptsEdgeCases) {
  const std::string cases[] = {
      Phones(1, ""),  // an empty number is still a record
      Phones(1, std::string(kMaxNumberLength, '9')),
      // The limit counts characters, not bytes: 1000 x U+00E9 is 2000 bytes.
      Phones(1,
             [] {
               std::string s;
               for (size_t i = 0; i < kMaxNumberLength; ++i) s += "\xC3\xA9";
               return s;
             }()),
      " \t\r\n" + Phones(1) + " \n",
      "\xEF\xBB\xBF" + Phones(1),  // a UTF-8 byte order mark
      WithDefaults("{}"),
      WithDefaults(R"({"supplementary_live_status":{}})"),
      WithDefaults(R"({"max_processing_time":"PT1M"})"),
      WithDefaults(R"({"max_processing_time":"PT24H"})"),
      WithDefaults(R"({"max_processing_time":"P1D"})"),
      WithDefaults(R"({"max_processing_time":"PT1440M"})"),
      WithDefaults(R"({"max_processing_time":"PT60S"})"),
      WithDefaults(R"({"batch_reference_id":")" + std::string(256, 'r') +
                   "\"}"),
      WithDefaults(R"({"get_ported_date":false})"),
      // Control characters are data; the validator answers "unverified".
      Phones(1, R"(\u0001\n\"x)"),
  };
  for (const std::string& body : cases) {
    auto request = Parse(body);
    EXPECT_TRUE(request.ok()) << request.status() << " for " << body;
  }
}

TEST(CreateRequestTest, FormatsAndCountriesAreCaseInsensitive) {
  struct Case {
    const char* text;
    phone::OutputFormat want;
  } cases[] = {
      {"E164", {Kind::kE164, ""}},
      {"e164", {Kind::kE164, ""}},
      {"PLUS_E164", {Kind::kPlusE164, ""}},
      {"plus_e164", {Kind::kPlusE164, ""}},
      {"National", {Kind::kNational, ""}},
      {"international", {Kind::kInternational, ""}},
      {"GBR", {Kind::kDialledFrom, "GBR"}},
      {"gbr", {Kind::kDialledFrom, "GBR"}},
      {"uSa", {Kind::kDialledFrom, "USA"}},
  };
  for (const Case& c : cases) {
    auto request = Parse(
        WithDefaults(std::string(R"({"output_format":")") + c.text + "\"}"));
    ASSERT_TRUE(request.ok()) << request.status() << " for " << c.text;
    EXPECT_EQ(request->config.output_format, c.want) << c.text;
  }

  auto request =
      Parse(R"({"defaults":{"country_iso":"gbr","supplementary_live_status":)"
            R"({"mobile":["usa","USA","Gbr"],"landline":["deu"]}},)"
            R"("phones":[{"number":"1","country_iso":"can"}]})");
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->config.country_iso, "GBR");
  // Repeated codes are kept once, in first-seen order.
  EXPECT_EQ(request->config.supplementary_live_status,
            (SupplementaryLiveStatus{{"USA", "GBR"}, {"DEU"}}));
  EXPECT_EQ(request->phones[0].country_iso, "CAN");
}

TEST(CreateRequestTest, PhoneCountLimits) {
  auto request = Parse(Phones(kMaxPhonesPerBatch));
  ASSERT_TRUE(request.ok()) << request.status();
  EXPECT_EQ(request->phones.size(), kMaxPhonesPerBatch);

  request = Parse(Phones(kMaxPhonesPerBatch + 1));
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().message(),
            "phones: 10001 items, at most 10000 are allowed");
}

TEST(CreateRequestTest, TenThousandPhonesParse) {
  std::string body = R"({"defaults":{"country_iso":"GBR"},"phones":[)";
  for (size_t i = 0; i < kMaxPhonesPerBatch; ++i) {
    if (i > 0) body += ',';
    body += R"({"number":"+44 1206 )" + std::to_string(100000 + i) +
            R"(","country_iso":"gbr"})";
  }
  body += "]}";
  // How long this takes is measured in bench/, not asserted here.
  auto request = Parse(body);
  ASSERT_TRUE(request.ok()) << request.status();
}

TEST(CreateRequestTest, DeepNestingIsAnErrorNotACrash) {
  // Regression guard: a recursive parser overflows the stack on these.
  std::string open(100000, '[');
  auto request = Parse(open);
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().message(),
            "the request body is not valid JSON: invalid value at offset "
            "100000");

  request = Parse(open + std::string(100000, ']'));
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().message(),
            "the request body must be a JSON object with a 'phones' array, "
            "got an array");

  request = Parse(R"({"phones":[{"number":"1","x":)" + open +
                  std::string(100000, ']') + "}]}");
  ASSERT_FALSE(request.ok());
  EXPECT_EQ(request.status().message(), "phones[0].x: unknown field");
}

TEST(CreateRequestTest, Rejections) {
  struct Case {
    std::string body;
    std::string message;
  };
  const std::string long_ref(257, 'r');
  std::vector<Case> cases = {
      // The body as a whole.
      {"",
       "the request body is empty; send a JSON object with a 'phones' "
       "array"},
      {" \r\n\t",
       "the request body is empty; send a JSON object with a "
       "'phones' array"},
      {"{",
       "the request body is not valid JSON: missing a name for object "
       "member at offset 1"},
      {R"({"phones":[{"number":"1"},]})",
       "the request body is not valid JSON: invalid value at offset 26"},
      {R"({"phones":[{"number":1e400}]})",
       "the request body is not valid JSON: number too big to be stored in "
       "double at offset 21"},
      {Phones(1) + " {}",
       "the request body is not valid JSON: unexpected data after the "
       "top-level value at offset 28"},
      {Phones(1) + std::string("\0{}", 3),
       "the request body is not valid JSON: a NUL byte at offset 27"},
      {"[]",
       "the request body must be a JSON object with a 'phones' array, "
       "got an array"},
      {"null",
       "the request body must be a JSON object with a 'phones' "
       "array, got null"},
      {"\"phones\"",
       "the request body must be a JSON object with a 'phones' "
       "array, got a string"},
      {"\xFE{}",
       "the request body is not valid UTF-8 at offset 0; send the "
       "JSON encoded as UTF-8"},
      // Top-level fields.
      {"{}",
       "phones: missing; send an array of 1 to 10000 objects like "
       "{\"number\": \"...\"}"},
      {R"({"phones":null})",
       "phones: expected an array of objects like "
       "{\"number\": \"...\"}, got null"},
      {R"({"phones":{"number":"1"}})",
       "phones: expected an array of objects like {\"number\": \"...\"}, got "
       "an object"},
      {R"({"phones":[]})", "phones: 0 items, at least 1 is required"},
      {R"({"phones":[{"number":"1"}],"colour":"red"})",
       "colour: unknown field"},
      {R"({"phones":[{"number":"1"}],"":1})", "\"\": unknown field"},
      {R"({"phones":[{"number":"1"}],"phones":[{"number":"1"}]})",
       "phones: the field appears more than once; send it once"},
      // Phones.
      {WithPhone("1"),
       "phones[1]: expected an object like {\"number\": \"...\"}, got a "
       "number"},
      {WithPhone("null"),
       "phones[1]: expected an object like {\"number\": \"...\"}, got null"},
      {WithPhone("{}"),
       "phones[1].number: missing; every phone needs a 'number' string"},
      {WithPhone(R"({"country_iso":"USA"})"),
       "phones[1].number: missing; every phone needs a 'number' string"},
      {WithPhone(R"({"number":12026298914})"),
       "phones[1].number: expected a string, got a number"},
      {WithPhone(R"({"number":null})"),
       "phones[1].number: expected a string, got null"},
      {WithPhone(R"({"number":"1","number":"2"})"),
       "phones[1].number: the field appears more than once; send it once"},
      {WithPhone(R"({"number":"1","extra":true})"),
       "phones[1].extra: unknown field"},
      {WithPhone(R"({"number":"1","country_iso":null})"),
       "phones[1].country_iso: expected an ISO 3166 alpha-3 code string, got "
       "null"},
      {WithPhone(R"({"number":"1","country_iso":["USA"]})"),
       "phones[1].country_iso: expected an ISO 3166 alpha-3 code string, got "
       "an array"},
      {Phones(1, std::string(kMaxNumberLength + 1, '9')),
       "phones[0].number: 1001 characters, at most 1000 are allowed"},
      {WithPhone(R"({"number":"\udc00"})"),
       "phones[1].number: contains an unpaired UTF-16 surrogate escape; send "
       "valid Unicode"},
      {WithPhone(R"({"number":"\ud800"})"),
       "the request body is not valid JSON: the surrogate pair in string is "
       "invalid at offset 37"},
      // Echoed values are capped and made printable.
      {WithPhone(R"({"number":"1","country_iso":"\u0001\n\u00e9"})"),
       "phones[1].country_iso: '\?\?\?' is not an ISO 3166 alpha-3 code"},
      {WithPhone(R"({"number":"1","country_iso":")" + std::string(50, 'A') +
                 "\"}"),
       "phones[1].country_iso: '" + std::string(40, 'A') +
           "\xE2\x80\xA6' is not an ISO 3166 alpha-3 code"},
      {WithPhone(R"({"number":"1","\u0000k\u00e9y":1})"),
       "phones[1].?k?y: unknown field"},
      // Defaults.
      {WithDefaults("null"), "defaults: expected an object, got null"},
      {WithDefaults("[]"), "defaults: expected an object, got an array"},
      {WithDefaults(R"({"colour":"red"})"), "defaults.colour: unknown field"},
      {WithDefaults(R"({"country_iso":"GBR","country_iso":"USA"})"),
       "defaults.country_iso: the field appears more than once; send it "
       "once"},
      {WithDefaults(R"({"output_format":null})"),
       "defaults.output_format: expected a string, got null"},
      {WithDefaults(R"({"country_iso":"XYZ"})"),
       "defaults.country_iso: 'XYZ' is not an ISO 3166 alpha-3 code"},
      {WithDefaults(R"({"country_iso":1})"),
       "defaults.country_iso: expected an ISO 3166 alpha-3 code string, got "
       "a number"},
      {WithDefaults(R"({"get_ported_date":"true"})"),
       "defaults.get_ported_date: expected true or false, got a string"},
      {WithDefaults(R"({"get_ported_date":null})"),
       "defaults.get_ported_date: expected true or false, got null"},
      {WithDefaults(R"({"supplementary_live_status":["USA"]})"),
       "defaults.supplementary_live_status: expected an object, got an "
       "array"},
      {WithDefaults(R"({"supplementary_live_status":{"fixed":[]}})"),
       "defaults.supplementary_live_status.fixed: unknown field"},
      {WithDefaults(
           R"({"supplementary_live_status":{"mobile":[],"mobile":[]}})"),
       "defaults.supplementary_live_status.mobile: the field appears more "
       "than once; send it once"},
      {WithDefaults(R"({"supplementary_live_status":{"mobile":"USA"}})"),
       "defaults.supplementary_live_status.mobile: expected an array of ISO "
       "3166 alpha-3 codes, got a string"},
      {WithDefaults(
           R"({"supplementary_live_status":{"mobile":["USA","XYZ"]}})"),
       "defaults.supplementary_live_status.mobile[1]: 'XYZ' is not an ISO "
       "3166 alpha-3 code"},
      {WithDefaults(R"({"supplementary_live_status":{"landline":[null]}})"),
       "defaults.supplementary_live_status.landline[0]: expected an ISO 3166 "
       "alpha-3 code string, got null"},
      {WithDefaults(R"({"batch_reference_id":")" + long_ref + "\"}"),
       "defaults.batch_reference_id: '" + std::string(40, 'r') +
           "\xE2\x80\xA6' must be 1 to 256 characters, each a letter, "
           "digit, space or one of _ - / : . , ( )"},
      {WithDefaults(R"({"batch_reference_id":7})"),
       "defaults.batch_reference_id: expected a string, got a number"},
      {WithDefaults(R"({"max_processing_time":1500})"),
       "defaults.max_processing_time: expected a string, got a number"},
  };
  // Rows that differ only in the value, whose answer quotes it. Invalid
  // UTF-8: a stray byte, an overlong '/', an encoded surrogate.
  for (std::string bad : {"\xFF", "\xC0\xAF", "\xED\xA0\x80"}) {
    cases.push_back({"{\"phones\":[{\"number\":\"" + bad + "\"}]}",
                     "the request body is not valid UTF-8 at offset 22; send "
                     "the JSON encoded as UTF-8"});
  }
  for (std::string code : {"XYZ", "GB", ""}) {
    cases.push_back(
        {WithPhone(R"({"number":"1","country_iso":")" + code + "\"}"),
         "phones[1].country_iso: '" + code +
             "' is not an ISO 3166 alpha-3 code"});
  }
  for (std::string format : {"FOO", "XYZ"}) {
    cases.push_back({WithDefaults(R"({"output_format":")" + format + "\"}"),
                     "defaults.output_format: '" + format +
                         "' is not E164, PLUS_E164, NATIONAL, INTERNATIONAL "
                         "or an ISO 3166 alpha-3 code"});
  }
  for (std::string id : {"bad;id", ""}) {
    cases.push_back(
        {WithDefaults(R"({"batch_reference_id":")" + id + "\"}"),
         "defaults.batch_reference_id: '" + id +
             "' must be 1 to 256 characters, each a letter, digit, space or "
             "one of _ - / : . , ( )"});
  }
  // Durations outside PT1M..PT24H, or not ISO-8601 (P1DT, lower case).
  for (std::string time :
       {"PT30S", "PT24H1S", "P2D", "P1DT", "pt25m", "25 minutes"}) {
    cases.push_back({WithDefaults(R"({"max_processing_time":")" + time + "\"}"),
                     "defaults.max_processing_time: '" + time +
                         "' must be an ISO-8601 duration from PT1M to PT24H"});
  }
  for (const Case& c : cases) {
    auto request = Parse(c.body);
    ASSERT_FALSE(request.ok()) << "accepted: " << c.body;
    EXPECT_EQ(request.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(std::string(request.status().message()), c.message)
        << "for " << c.body;
    EXPECT_TRUE(IsPrintableUtf8(std::string(request.status().message())))
        << request.status().message();
  }
}

TEST(CreateRequestTest, ParseOutputFormatAlone) {
  const phone::Countries& countries = phone::Countries::Default();
  EXPECT_EQ(ParseOutputFormat("NATIONAL", countries),
            (phone::OutputFormat{Kind::kNational, ""}));
  EXPECT_EQ(ParseOutputFormat("deu", countries),
            (phone::OutputFormat{Kind::kDialledFrom, "DEU"}));
  EXPECT_EQ(ParseOutputFormat("", countries), std::nullopt);
  EXPECT_EQ(ParseOutputFormat("E.164", countries), std::nullopt);
  EXPECT_EQ(ParseOutputFormat("GB", countries), std::nullopt);
  EXPECT_EQ(ParseOutputFormat(std::string_view("GB\0", 3), countries),
            std::nullopt);
}

TEST(CreateRequestTest, ParsedConfigRoundTripsThroughStorage) {
  auto request =
      Parse(R"({"defaults":{"output_format":"fra","country_iso":"deu",)"
            R"("get_ported_date":true,"max_processing_time":"PT2H",)"
            R"("supplementary_live_status":{"landline":["gbr"]}},)"
            R"("phones":[{"number":"1"}]})");
  ASSERT_TRUE(request.ok()) << request.status();
  auto stored = ParseStoredConfig(SerializeConfig(request->config));
  ASSERT_TRUE(stored.ok()) << stored.status();
  EXPECT_EQ(*stored, request->config);
}

}  // namespace
}  // namespace phonebulk::batch
