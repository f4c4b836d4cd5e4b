// The real-time endpoint POST /phone/validate/v2: one phone in, one result
// out (enumerated values in the provider's sentence case), metadata.phone_detail
// only with Add-Metadata,
// product scoping, Timeout-Seconds (2–15) and one credit per call.

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

constexpr char kValidate[] = "/phone/validate/v2";

class ValidateTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("rt", 100, {"--products", "phone-validate"});
  }
  HttpResponse Validate(const Json& body, const Headers& extra = {},
                        const std::string& token = "") {
    return Call("POST", kValidate, token.empty() ? token_ : token, body.dump(), extra);
  }
  std::string token_;
};

TEST_F(ValidateTest, ValidatesOneNumber) {
  HttpResponse r = Validate({{"number", "01206250380"}, {"country_iso", "GBR"},
                             {"output_format", "PLUS_E164"}});
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json p = r.JsonBody()["result"];
  EXPECT_EQ(p.value("number", ""), "01206250380") << r.Evidence();
  EXPECT_EQ(p.value("validated_phone_number", ""), "441206250380") << r.Evidence();
  EXPECT_EQ(p.value("formatted_phone_number", ""), "+441206250380") << r.Evidence();
  EXPECT_EQ(p.value("phone_type", ""), "Landline") << "sentence case" << r.Evidence();
  EXPECT_EQ(p.value("confidence", ""), "Unknown") << "sentence case" << r.Evidence();
  EXPECT_TRUE(r.HasHeader("X-Rate-Limit-Limit")) << r.Evidence();
  EXPECT_EQ(FindNulls(r.JsonBody()), "") << r.Evidence();
  EXPECT_EQ(Credits("rt"), 99) << "one credit per real-time call";
}

TEST_F(ValidateTest, InvalidNumberIsUnverified) {
  HttpResponse r = Validate({{"number", "2020000000"}, {"country_iso", "USA"}});
  ASSERT_EQ(r.status, 200) << r.Evidence();
  EXPECT_EQ(r.JsonBody()["result"].value("confidence", ""), "Unverified") << r.Evidence();
  EXPECT_EQ(r.JsonBody()["result"].value("validated_phone_number", ""), "12020000000");
}

TEST_F(ValidateTest, MetadataOnlyWithAddMetadata) {
  for (const char* value : {"", "false"}) {
    Headers headers;
    if (*value != '\0') headers.push_back({"Add-Metadata", value});
    HttpResponse r = Validate({{"number", "+447400123456"}}, headers);
    ASSERT_EQ(r.status, 200) << r.Evidence();
    EXPECT_FALSE(r.JsonBody().contains("metadata")) << r.Evidence();
  }
}

TEST_F(ValidateTest, MetadataCarriesPhoneDetail) {
  HttpResponse r = Validate({{"number", "+447400123456"}}, {{"Add-Metadata", "true"}});
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json detail = r.JsonBody()["metadata"]["phone_detail"];
  ASSERT_TRUE(detail.is_object()) << r.Evidence();
  EXPECT_EQ(detail.value("country_iso", ""), "GBR") << r.Evidence();
  EXPECT_EQ(detail.value("country_prefix", ""), "44") << r.Evidence();
}

TEST_F(ValidateTest, BulkOnlyTokenIs403) {
  std::string bulk = CreateToken("bulk-only", 100, {"--products", "phone-bulk"});
  HttpResponse r = Validate({{"number", "+447400123456"}}, {}, bulk);
  EXPECT_TRUE(IsErrorResponse(r, 403, kValidate));
  EXPECT_EQ(Credits("bulk-only"), 100);
}

TEST_F(ValidateTest, BadBodiesAndHeadersAre400) {
  EXPECT_TRUE(IsErrorResponse(Validate({{"number", "1"}, {"colour", "red"}}), 400, kValidate));
  EXPECT_TRUE(IsErrorResponse(Validate({{"country_iso", "GBR"}}), 400, kValidate));
  EXPECT_TRUE(IsErrorResponse(Validate({{"number", "1"}, {"country_iso", "XYZ"}}), 400, kValidate));
  for (const std::string t : {"1", "16", "abc", "0"}) {
    HttpResponse r = Validate({{"number", "+447400123456"}}, {{"Timeout-Seconds", t}});
    EXPECT_TRUE(IsErrorResponse(r, 400, kValidate)) << "Timeout-Seconds: " << t;
  }
  for (const std::string t : {"2", "15"}) {
    HttpResponse r = Validate({{"number", "+447400123456"}}, {{"Timeout-Seconds", t}});
    EXPECT_EQ(r.status, 200) << "Timeout-Seconds: " << t << r.Evidence();
  }
}

TEST_F(ValidateTest, WrongMethodIs405) {
  HttpResponse r = Call("GET", kValidate, token_);
  EXPECT_TRUE(IsErrorResponse(r, 405, kValidate));
  EXPECT_NE(r.Header("Allow").value_or("").find("POST"), std::string::npos) << r.Evidence();
}

// ------------------------------------------------- answers, countries, options

// GB and US numbers end to end: the contract's fields in sentence case, and
// metadata.phone_detail with Add-Metadata. Country fields are
// libphonenumber's calling codes and iso-codes' names.
TEST_F(ValidateTest, GbAndUsNumbersInSentenceCaseWithPhoneDetail) {
  struct Case {
    Json body;
    std::string validated, type, country_iso, prefix, country_name;
  } cases[] = {
      {{{"number", "07400 123456"}, {"country_iso", "GBR"}},
       "447400123456", "Mobile", "GBR", "44", "United Kingdom"},
      {{{"number", "2026298914"}, {"country_iso", "USA"}},
       "12026298914", "Mobile or landline", "USA", "1", "United States"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Validate(c.body, {{"Add-Metadata", "true"}});
    ASSERT_EQ(r.status, 200) << r.Evidence();
    EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/json");
    Json result = r.JsonBody()["result"];
    EXPECT_EQ(result.value("number", ""), c.body["number"]) << r.Evidence();
    EXPECT_EQ(result.value("validated_phone_number", ""), c.validated);
    EXPECT_EQ(result.value("formatted_phone_number", ""), c.validated)
        << "E164 is the default output_format" << r.Evidence();
    EXPECT_EQ(result.value("phone_type", ""), c.type) << r.Evidence();
    EXPECT_EQ(result.value("confidence", ""), "Unknown") << r.Evidence();
    EXPECT_FALSE(result.contains("ported_date")) << "not asked" << r.Evidence();
    EXPECT_FALSE(result.contains("disposable_number"))
        << "only with get_disposable_number" << r.Evidence();
    EXPECT_FALSE(result.contains("metadata")) << r.Evidence();
    Json detail = r.JsonBody()["metadata"]["phone_detail"];
    ASSERT_TRUE(detail.is_object()) << "asked for" << r.Evidence();
    EXPECT_EQ(detail.value("country_iso", ""), c.country_iso) << r.Evidence();
    EXPECT_EQ(detail.value("original_country_iso", ""), c.country_iso);
    EXPECT_EQ(detail.value("country_prefix", ""), c.prefix) << r.Evidence();
    EXPECT_EQ(detail.value("country_name", ""), c.country_name) << r.Evidence();
    EXPECT_EQ(detail.value("is_ported", ""), "Unknown") << r.Evidence();
    EXPECT_FALSE(detail.contains("network_status")) << "no live source";
    EXPECT_EQ(FindNulls(r.JsonBody()), "") << r.Evidence();
  }
}

TEST_F(ValidateTest, OptionsShapeTheAnswer) {
  HttpResponse r = Validate({{"number", "+12026298914"},
                             {"output_format", "GBR"},
                             {"get_ported_date", true},
                             {"get_disposable_number", true},
                             {"supplementary_live_status", {{"mobile", {"USA"}}}}});
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json result = r.JsonBody()["result"];
  EXPECT_EQ(result.value("formatted_phone_number", ""), "00 1 202-629-8914")
      << "as dialled from the UK" << r.Evidence();
  EXPECT_EQ(result.value("ported_date", ""), "Unknown") << r.Evidence();
  EXPECT_EQ(result.value("disposable_number", ""), "Unknown") << r.Evidence();
  EXPECT_EQ(Credits("rt"), 99) << "no ported date or live lookup to pay for";
}

TEST_F(ValidateTest, IncludeAddsTheExtensions) {
  HttpResponse plain = Validate({{"number", "+441206250380"}});
  ASSERT_EQ(plain.status, 200) << plain.Evidence();
  EXPECT_FALSE(plain.JsonBody()["result"].contains("location"));
  EXPECT_FALSE(plain.JsonBody()["result"].contains("time_zones"));
  HttpResponse r = Call("POST", std::string(kValidate) + "?include=location,time_zones",
                        token_, Json{{"number", "+441206250380"}}.dump());
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json result = r.JsonBody()["result"];
  EXPECT_TRUE(result["location"].is_string()) << r.Evidence();
  ASSERT_TRUE(result["time_zones"].is_array()) << r.Evidence();
  EXPECT_EQ(result["time_zones"].dump(), R"(["Europe/London"])") << r.Evidence();
  HttpResponse bad = Call("POST", std::string(kValidate) + "?include=weather", token_,
                          Json{{"number", "+441206250380"}}.dump());
  EXPECT_TRUE(IsErrorResponse(bad, 400, kValidate));
}

// ------------------------------------------------------------ errors and access

TEST_F(ValidateTest, MalformedBodiesAre400AndFree) {
  struct Case {
    std::string body;
    std::string detail_has;
  } cases[] = {
      {"", "empty"},
      {"{\"number\":", "not valid JSON"},
      {"[]", "must be a JSON object"},
      {R"({"number":"1","colour":"red"})", "colour: unknown field"},
      {R"({"number":12})", "number: expected a string"},
      {R"({"number":"1","cache_value_days":31})", "cache_value_days"},
      {R"({"number":""})", "number: is empty"},
      {R"({"number":"1","get_ported_date":"yes"})", "get_ported_date"},
      {R"({"number":"1","output_format":"E.164"})", "output_format"},
  };
  for (const Case& c : cases) {
    HttpResponse r = Call("POST", kValidate, token_, c.body);
    EXPECT_TRUE(IsErrorResponse(r, 400, kValidate)) << c.body;
    std::string detail = r.JsonBody()["error"].value("detail", "");
    EXPECT_NE(detail.find(c.detail_has), std::string::npos) << c.body << r.Evidence();
  }
  EXPECT_EQ(Credits("rt"), 100) << "refused calls cost nothing";
}

TEST_F(ValidateTest, TokenAndContentTypeChecks) {
  EXPECT_TRUE(IsErrorResponse(Validate({{"number", "1"}}, {}, "not-a-token"), 401, kValidate));
  HttpResponse none = Call("POST", kValidate, "", Json{{"number", "1"}}.dump());
  EXPECT_TRUE(IsErrorResponse(none, 400, kValidate)) << "no token";
  HttpResponse text = Send({"POST", kValidate,
                            {{"Auth-Token", token_}, {"Content-Type", "text/plain"}},
                            Json{{"number", "1"}}.dump()});
  EXPECT_TRUE(IsErrorResponse(text, 415, kValidate));
  HttpResponse accept = Validate({{"number", "1"}}, {{"Accept", "text/html"}});
  EXPECT_TRUE(IsErrorResponse(accept, 406, kValidate));
  // The scope works both ways: a phone-validate token has no bulk access.
  EXPECT_TRUE(IsErrorResponse(ListBatches(token_), 403, kBatches));
  EXPECT_EQ(Credits("rt"), 100);
}

TEST_F(ValidateTest, NoCreditsIs403AndNoAnswer) {
  std::string broke = CreateToken("broke", 0, {"--products", "phone-validate"});
  HttpResponse r = Validate({{"number", "+441206250380"}}, {}, broke);
  EXPECT_TRUE(IsErrorResponse(r, 403, kValidate));
  EXPECT_FALSE(r.JsonBody().contains("result")) << r.Evidence();
  EXPECT_NE(r.JsonBody()["error"].value("detail", "").find("credits"), std::string::npos)
      << r.Evidence();
  EXPECT_EQ(Credits("broke"), 0);
}

TEST_F(ValidateTest, EachCallCostsExactlyOneCredit) {
  for (int i = 1; i <= 3; ++i) {
    HttpResponse r = Validate({{"number", i == 2 ? "nonsense" : "+441206250380"}});
    ASSERT_EQ(r.status, 200) << r.Evidence();
    EXPECT_EQ(Credits("rt"), 100 - i) << "after call " << i << " (valid or not)";
  }
}

TEST_F(ValidateTest, ReferenceIdAndRateLimitHeaders) {
  HttpResponse ok = Validate({{"number", "+441206250380"}}, {{"Reference-Id", "signup (42)"}});
  ASSERT_EQ(ok.status, 200) << ok.Evidence();
  EXPECT_EQ(ok.Header("Reference-Id").value_or(""), "signup (42)") << ok.Evidence();
  EXPECT_TRUE(ok.HasHeader("X-Rate-Limit-Limit")) << ok.Evidence();
  EXPECT_TRUE(ok.HasHeader("X-Rate-Limit-Remaining")) << ok.Evidence();
  EXPECT_TRUE(ok.HasHeader("X-Rate-Limit-Reset")) << ok.Evidence();
  HttpResponse bad = Validate({{"number", 1}}, {{"Reference-Id", "signup (43)"}});
  EXPECT_TRUE(IsErrorResponse(bad, 400, kValidate));
  EXPECT_EQ(bad.Header("Reference-Id").value_or(""), "signup (43)") << bad.Evidence();
  HttpResponse invalid = Validate({{"number", "1"}}, {{"Reference-Id", "no <tags>"}});
  EXPECT_TRUE(IsErrorResponse(invalid, 400, kValidate));

  std::string slow = CreateToken("slow", 100, {"--products", "phone-validate",
                                               "--rate-limit", "2"});
  for (int i = 0; i < 2; ++i) {
    EXPECT_EQ(Validate({{"number", "1"}}, {}, slow).status, 200);
  }
  HttpResponse limited = Validate({{"number", "1"}}, {}, slow);
  EXPECT_TRUE(IsErrorResponse(limited, 429, kValidate));
  EXPECT_TRUE(limited.HasHeader("Retry-After")) << limited.Evidence();
  EXPECT_EQ(limited.Header("X-Rate-Limit-Remaining").value_or(""), "0");
  EXPECT_EQ(Credits("slow"), 98) << "a 429 costs nothing";
}

// ---------------------------------------------------------------- cache_value_days

// A disposable-number list the test can change under the running server:
// the one input that makes a fresh answer differ from a stored one, so the
// test can see which of the two it got.
class ValidateCacheTest : public ValidateTest {
 protected:
  void SetUp() override {
    list_ = dir() + "/disposable.txt";
    WriteList("range 447400\n");
    ValidateTest::SetUp();
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--io-threads", "2", "--disposable-file", list_};
  }
  void WriteList(const std::string& text) {
    std::FILE* f = std::fopen(list_.c_str(), "w");
    ASSERT_NE(f, nullptr);
    std::fputs(text.c_str(), f);
    std::fclose(f);
  }
  std::string Disposable(const std::string& number, int cache_days) {
    HttpResponse r = Validate({{"number", number},
                               {"get_disposable_number", true},
                               {"cache_value_days", cache_days}});
    EXPECT_EQ(r.status, 200) << r.Evidence();
    return r.JsonBody()["result"].value("disposable_number", "");
  }
  std::string list_;
};

TEST_F(ValidateCacheTest, CachedAnswerIsServedAndCharged) {
  constexpr char kNumber[] = "+447400123456";
  ASSERT_EQ(Disposable(kNumber, 0), "Yes");  // fresh, and stored
  WriteList("# emptied\n");
  // Another number of the range tells when the server has re-read the list
  // (it checks every 2 s); its own cache entry does not touch kNumber's.
  ASSERT_TRUE(WaitUntil([&] { return Disposable("+447400123457", 0) == "Unknown"; },
                        std::chrono::seconds(10), std::chrono::milliseconds(500)));
  long long before = Credits("rt").value_or(-1);
  EXPECT_EQ(Disposable(kNumber, 1), "Yes") << "answered from the stored result";
  EXPECT_EQ(Credits("rt").value_or(-1), before - 1) << "a cached answer costs a credit";
  EXPECT_EQ(Disposable(kNumber, 0), "Unknown") << "0 means always fresh";
  EXPECT_EQ(Disposable(kNumber, 30), "Unknown") << "the fresh answer replaced it";
}

// ---------------------------------------------------------------- Timeout-Seconds

// --chunk-delay-ms (test-only) also slows every real-time validation down.
class ValidateTimeoutTest : public ValidateTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--io-threads", "4", "--chunk-delay-ms", "3000"};
  }
};

TEST_F(ValidateTimeoutTest, SlowAnswerIs408AndFree) {
  auto start = std::chrono::steady_clock::now();
  HttpResponse r = Validate({{"number", "+441206250380"}}, {{"Timeout-Seconds", "2"}});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(IsErrorResponse(r, 408, kValidate));
  EXPECT_TRUE(r.HasHeader("X-Rate-Limit-Limit")) << r.Evidence();
  EXPECT_LT(took, std::chrono::milliseconds(2900)) << "answered when the time was up";
  EXPECT_EQ(Credits("rt"), 100) << "a 408 costs nothing";
  // Without the header a call may take up to 15 s.
  HttpResponse slow = Validate({{"number", "+441206250380"}});
  EXPECT_EQ(slow.status, 200) << slow.Evidence();
  EXPECT_EQ(Credits("rt"), 99);
}

}  // namespace
}  // namespace phonebulk::it
