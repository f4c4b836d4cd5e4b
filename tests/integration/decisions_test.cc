// Pins down docs/decisions.md: the choices made where the contract is
// silent. Each test names the decision it guards; if a decision changes, the
// doc and the test change together.

#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

long long NowEpoch() { return static_cast<long long>(std::time(nullptr)); }

class DecisionsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("decisions-acct", 100000);
  }

  // Creates, starts and waits for a batch; returns the results response.
  HttpResponse RunBatch(const Json& body, const Headers& results_headers = {}) {
    std::string id = CreateBatchId(token_, body);
    if (id.empty()) return {};
    EXPECT_EQ(StartBatch(token_, id).status, 200);
    WaitForStatus(token_, id, "completed", 20s);
    return BatchResults(token_, id, results_headers);
  }

  std::string token_;
};

// ---------------------------------------------------------------- requests

// "Order of checks": ... 403 → path id not a UUID (400) → Content-Type.
TEST_F(DecisionsTest, PathIdIsCheckedAfterTokenAndBeforeContentType) {
  EXPECT_TRUE(IsErrorResponse(Call("GET", BatchPath("bad"), "nope"), 401, BatchPath("bad")))
      << "unknown token + bad path id";
  std::string disabled = CreateToken("decisions-acct", 0);
  ASSERT_EQ(RunCli({"token", "disable", "--db", db(), disabled}).exit_code, 0);
  EXPECT_TRUE(IsErrorResponse(Call("GET", BatchPath("bad"), disabled), 403, BatchPath("bad")))
      << "disabled token + bad path id";
  EXPECT_TRUE(IsErrorResponse(Call("GET", BatchPath("bad"), token_), 400, BatchPath("bad")));
}

// "the rate limit counts every authenticated request, including refused ones".
TEST_F(DecisionsTest, RefusedRequestsCountAgainstTheRateLimit) {
  // In one rate-limit window (InOneRateWindow reruns a sequence that
  // straddled a minute boundary, on a fresh account).
  const std::vector<HttpResponse> r = InOneRateWindow([&](int n) {
    std::string token =
        CreateToken("counted-" + std::to_string(n), 0, {"--rate-limit", "3"});
    return std::vector<HttpResponse>{
        Call("POST", kBatches, token, "{"), Call("GET", BatchPath("bad"), token),
        BatchStatus(token, RandomUuidV4()), ListBatches(token)};
  });
  EXPECT_EQ(r[0].status, 400);
  EXPECT_EQ(r[1].status, 400);
  EXPECT_EQ(r[2].status, 404);
  EXPECT_TRUE(IsErrorResponse(r[3], 429, kBatches)) << "4th request after 3 refused ones";
}

// "Rate limiting is a fixed window per account aligned to the wall-clock
// minute": Reset is the next minute, Retry-After the seconds until then.
TEST_F(DecisionsTest, RateLimitWindowIsTheWallClockMinute) {
  // The test's own clock is read around the two requests: its minute must
  // be the same before and after for "the next minute" to be one value.
  long long before = 0;
  long long after = 0;
  const std::vector<HttpResponse> r = InOneRateWindow([&](int n) {
    std::string token =
        CreateToken("window-" + std::to_string(n), 0, {"--rate-limit", "1"});
    before = NowEpoch();
    std::vector<HttpResponse> got = {ListBatches(token), ListBatches(token)};
    after = NowEpoch();
    if (before / 60 != after / 60) {
      // The test's minute changed: an answer of another "window" makes
      // InOneRateWindow run the attempt again.
      HttpResponse marker;
      marker.headers.push_back({"X-Rate-Limit-Reset", "test clock moved on"});
      got.push_back(marker);
    }
    return got;
  });
  const HttpResponse& first = r[0];
  ASSERT_EQ(first.status, 200) << first.Evidence();
  long long reset = std::atoll(first.Header("X-Rate-Limit-Reset").value_or("0").c_str());
  EXPECT_EQ(reset % 60, 0) << "Reset is not a minute boundary" << first.Evidence();
  EXPECT_EQ(reset, (before / 60 + 1) * 60) << first.Evidence();
  const HttpResponse& second = r[1];
  ASSERT_EQ(second.status, 429) << second.Evidence();
  long long retry = std::atoll(second.Header("Retry-After").value_or("-1").c_str());
  EXPECT_NEAR(static_cast<double>(retry), static_cast<double>(reset - after), 1.0)
      << second.Evidence();
}

// "Rate-limit headers on unauthenticated answers show the default limit
// (150) with nothing used".
TEST_F(DecisionsTest, UnauthenticatedAnswersShowTheUntouchedDefaultLimit) {
  std::vector<HttpResponse> responses = {
      ListBatches(""), ListBatches("nope"), Send({"GET", "/healthz", {}, ""}),
      Send({"GET", "/nope", {}, ""})};
  for (const HttpResponse& r : responses) {
    EXPECT_EQ(r.Header("X-Rate-Limit-Limit").value_or(""), "150") << r.Evidence();
    EXPECT_EQ(r.Header("X-Rate-Limit-Remaining").value_or(""), "150") << r.Evidence();
  }
}

// "A malformed [Reference-Id] is refused with 400 and not echoed".
TEST_F(DecisionsTest, MalformedReferenceIdIsNotEchoed) {
  HttpResponse r = ListBatches(token_, {{"Reference-Id", "bad;id"}});
  EXPECT_TRUE(IsErrorResponse(r, 400, kBatches));
  EXPECT_FALSE(r.HasHeader("Reference-Id")) << r.Evidence();
}

// "A create with an empty body is a 400, not a 415."
TEST_F(DecisionsTest, EmptyCreateBodyIs400EvenWithoutContentType) {
  HttpResponse r = Send({"POST", kBatches, {{"Auth-Token", token_}}, ""});
  EXPECT_TRUE(IsErrorResponse(r, 400, kBatches));
}

// "Accept: media ranges are matched without regard to q values."
TEST_F(DecisionsTest, AcceptIgnoresQValues) {
  HttpResponse r = ListBatches(token_, {{"Accept", "application/json;q=0"}});
  EXPECT_EQ(r.status, 200) << r.Evidence();
}

// "Auth-Token wins over x-app-key, which wins over Authorization: Bearer. An
// Authorization header that is not Bearer <token> is a 400."
TEST_F(DecisionsTest, TokenHeaderPrecedence) {
  auto get = [&](const Headers& h) { return Send({"GET", kBatches, h, ""}); };
  EXPECT_EQ(get({{"Auth-Token", token_}, {"x-app-key", "nope"}}).status, 200);
  EXPECT_TRUE(IsErrorResponse(get({{"Auth-Token", "nope"}, {"x-app-key", token_}}), 401, kBatches));
  EXPECT_EQ(get({{"x-app-key", token_}, {"Authorization", "Bearer nope"}}).status, 200);
  EXPECT_TRUE(IsErrorResponse(get({{"x-app-key", "nope"}, {"Authorization", "Bearer " + token_}}),
                              401, kBatches));
  EXPECT_TRUE(IsErrorResponse(get({{"Authorization", "Basic dXNlcjpwYXNz"}}), 400, kBatches));
  EXPECT_TRUE(IsErrorResponse(get({{"Authorization", token_}}), 400, kBatches))
      << "Authorization without a scheme";
}

// "a domain also admits its subdomains. A token with a domain allow-list
// refuses calls that send neither header"; Origin is used before Referer.
TEST_F(DecisionsTest, DomainAllowListDetails) {
  std::string token = CreateToken("web", 0, {"--allow-domain", "example.com"});
  EXPECT_EQ(ListBatches(token, {{"Origin", "https://api.example.com"}}).status, 200);
  EXPECT_EQ(ListBatches(token, {{"Origin", "http://example.com:8443"}}).status, 200);
  EXPECT_TRUE(IsErrorResponse(ListBatches(token), 403, kBatches)) << "neither Origin nor Referer";
  EXPECT_TRUE(IsErrorResponse(
      ListBatches(token, {{"Origin", "https://evil.com"}, {"Referer", "https://example.com/"}}),
      403, kBatches))
      << "Origin is checked, not Referer";
}

// "Batch ids in paths are matched case-insensitively; ids we issue are lower
// case."
TEST_F(DecisionsTest, BatchIdsAreCaseInsensitive) {
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  std::string upper = id;
  for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  EXPECT_NE(id, upper) << "issued id is not lower case: " << id;
  HttpResponse r = BatchStatus(token_, upper);
  EXPECT_EQ(r.status, 200) << r.Evidence();
  EXPECT_EQ(r.JsonBody()["result"].value("batch_id", ""), id) << "canonical id in the answer";
}

// ---------------------------------------------------------------- results

// "metadata itself is always present (maybe {})"; "Country of an invalid
// number is given only when its calling code belongs to one country".
TEST_F(DecisionsTest, MetadataAlwaysPresentAndInvalidNumberCountry) {
  Json body = PhonesBody({"", "+33 123", "+1 555"});
  HttpResponse r = RunBatch(body, {{"Add-Metadata", "true"}});
  Json phones = r.JsonBody()["result"]["phones"];
  ASSERT_EQ(phones.size(), 3u) << r.Evidence();
  for (const Json& p : phones) {
    EXPECT_TRUE(p.contains("metadata") && p["metadata"].is_object()) << p.dump();
  }
  EXPECT_EQ(phones[1]["metadata"].value("country_iso", "<absent>"), "FRA") << phones[1].dump();
  EXPECT_EQ(phones[1].value("confidence", ""), "unverified") << phones[1].dump();
  EXPECT_FALSE(phones[2]["metadata"].contains("country_iso")) << "+1 555 is not guessed"
                                                              << phones[2].dump();
}

// "A default country libphonenumber has no plan for (e.g. ATA) is accepted
// ... numbers are then read as international. As dialled from such a
// country falls back to the international format".
TEST_F(DecisionsTest, CountryWithoutNumberingPlan) {
  Json body = {{"defaults", {{"country_iso", "ATA"}, {"output_format", "ATA"}}},
               {"phones", {{{"number", "441206250380"}}}}};
  HttpResponse r = RunBatch(body);
  Json phones = r.JsonBody()["result"]["phones"];
  ASSERT_EQ(phones.size(), 1u) << r.Evidence();
  EXPECT_EQ(phones[0].value("validated_phone_number", ""), "441206250380") << phones[0].dump();
  EXPECT_EQ(phones[0].value("formatted_phone_number", ""), "+44 1206 250380") << phones[0].dump();
}

// "Extensions are dropped from E.164 forms and kept in NATIONAL and
// INTERNATIONAL in libphonenumber's style."
TEST_F(DecisionsTest, Extensions) {
  struct Case {
    const char* format;
    const char* formatted;
  };
  for (const Case& c : {Case{"E164", "12026298914"}, Case{"PLUS_E164", "+12026298914"},
                        Case{"NATIONAL", "(202) 629-8914 ext. 123"},
                        Case{"INTERNATIONAL", "+1 202-629-8914 ext. 123"}}) {
    Json body = {{"defaults", {{"country_iso", "USA"}, {"output_format", c.format}}},
                 {"phones", {{{"number", "2026298914 ext. 123"}}}}};
    HttpResponse r = RunBatch(body);
    Json phones = r.JsonBody()["result"]["phones"];
    ASSERT_EQ(phones.size(), 1u) << r.Evidence();
    EXPECT_EQ(phones[0].value("validated_phone_number", ""), "12026298914") << c.format;
    EXPECT_EQ(phones[0].value("formatted_phone_number", ""), c.formatted) << c.format;
  }
}

// "Stopping a submitted batch is allowed: it becomes stopped with reason
// stopped_by_request, nothing was reserved, every phone is unprocessed."
TEST_F(DecisionsTest, StoppingASubmittedBatch) {
  std::vector<std::string> numbers = {"441206250380", "2026298914", ""};
  std::string id = CreateBatchId(token_, PhonesBody(numbers));
  auto before = Credits("decisions-acct");
  HttpResponse stop = StopBatch(token_, id);
  ASSERT_EQ(stop.status, 200) << stop.Evidence();
  HttpResponse s = BatchStatus(token_, id);
  EXPECT_EQ(s.JsonBody()["result"].value("status", ""), "stopped") << s.Evidence();
  EXPECT_EQ(s.JsonBody()["result"].value("reason", ""), "stopped_by_request") << s.Evidence();
  EXPECT_EQ(s.JsonBody()["result"].value("records_processed", -1), 0) << s.Evidence();
  HttpResponse res = BatchResults(token_, id);
  Json r = res.JsonBody()["result"];
  EXPECT_EQ(r.value("credits_charged", -1), 0) << res.Evidence();
  ASSERT_EQ(r["phones"].size(), 3u) << res.Evidence();
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(r["phones"][i].value("number", "?"), numbers[i]);
    EXPECT_EQ(r["phones"][i].value("confidence", ""), "unprocessed");
  }
  EXPECT_TRUE(
      HasStatistics(r, {"unprocessed", "unprocessed", "unprocessed"}, 3));
  EXPECT_EQ(Credits("decisions-acct"), before);
}

// "Reservation at start is the worst case: ... one more a phone when
// supplementary_live_status names any country." Offline no lookup is made,
// so nothing extra is charged.
TEST_F(DecisionsTest, LiveStatusReservesOneMorePerPhone) {
  std::string token = CreateToken("live", 5);
  Json defaults = {{"country_iso", "USA"},
                   {"supplementary_live_status", {{"mobile", {"USA"}}}}};
  std::string three = CreateBatchId(token, PhonesBody({"2026298914", "2026298915", "2026298916"},
                                                      defaults));
  EXPECT_TRUE(IsErrorResponse(StartBatch(token, three), 403, BatchPath(three) + "/start"))
      << "3 phones × 2 > 5 credits";
  std::string two = CreateBatchId(token, PhonesBody({"2026298914", "2026298915"}, defaults));
  ASSERT_EQ(StartBatch(token, two).status, 200);
  WaitForStatus(token, two, "completed", 20s);
  EXPECT_EQ(Credits("live"), 3);
}

// ---------------------------------------------------------------- HTTP

// "Headers over 8 KiB: 431 ... with the contract's error body."
TEST_F(DecisionsTest, HugeHeadersAre431) {
  HttpResponse r = ListBatches(token_, {{"X-Padding", std::string(16 * 1024, 'p')}});
  EXPECT_EQ(r.status, 431) << r.Evidence();
  if (r.status == 431) {
    Json e = r.JsonBody()["error"];
    EXPECT_EQ(e.value("title", ""), "Request Header Fields Too Large") << r.Evidence();
    EXPECT_FALSE(e.value("detail", "").empty());
  }
  EXPECT_EQ(ListBatches(token_).status, 200) << "server still serving";
}

// "Expect: 100-continue is answered with 100 Continue before the body is
// read".
TEST_F(DecisionsTest, ExpectContinue) {
  std::string body = PhonesBody({"441206250380"}).dump();
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuth-Token: " +
                        token_ + "\r\nContent-Type: application/json\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n"));
  HttpResponse interim = conn.ReadResponse(2s);
  EXPECT_EQ(interim.status, 100) << interim.Evidence();
  ASSERT_TRUE(conn.Send(body));
  HttpResponse final_response = conn.ReadResponse(5s);
  EXPECT_EQ(final_response.status, 200) << final_response.Evidence();
}

// "The error type is a link to /docs/errors#<anchor>, a page the server
// itself serves".
TEST_F(DecisionsTest, ErrorTypeLinksToAServedPage) {
  for (HttpResponse err : {ListBatches(""), ListBatches("nope"), Send({"GET", "/nope", {}, ""})}) {
    std::string type = err.JsonBody()["error"].value("type", "");
    size_t hash = type.find('#');
    ASSERT_NE(hash, std::string::npos) << type;
    std::string page = type.substr(0, hash), anchor = type.substr(hash + 1);
    EXPECT_EQ(page, "/docs/errors") << type;
    HttpResponse doc = Send({"GET", page, {}, ""});
    EXPECT_EQ(doc.status, 200) << doc.Evidence();
    EXPECT_NE(doc.body.find("id=\"" + anchor + "\""), std::string::npos)
        << "no element with id '" << anchor << "' on " << page;
  }
}

// ---------------------------------------------------------------- retention

class ShortRetentionTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--retention-seconds", "3600", "--purge-interval-seconds", "3600"};
  }
};

// "The batch list leaves out batches past retention." One batch is aged
// past the hour in the database instead of waited for.
TEST_F(ShortRetentionTest, ListLeavesOutExpiredBatches) {
  std::string token = CreateToken("acct", 100);
  std::string old_id = CreateBatchId(token, PhonesBody({"441206250380"}));
  std::string new_id = CreateBatchId(token, PhonesBody({"441206250380"}));
  HttpResponse both = ListBatches(token);
  ASSERT_EQ(both.JsonBody()["result"]["batches"].size(), 2u) << both.Evidence();  // the control
  RunSql("UPDATE batches SET date_submitted_us = date_submitted_us - 7200000000 WHERE id = '" +
         old_id + "'");
  HttpResponse list = ListBatches(token);
  Json batches = list.JsonBody()["result"]["batches"];
  ASSERT_EQ(batches.size(), 1u) << list.Evidence();
  EXPECT_EQ(batches[0].value("batch_id", ""), new_id);
}

}  // namespace
}  // namespace phonebulk::it
