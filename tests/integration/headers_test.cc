// Common request and response headers: the three ways to pass a token,
// Reference-Id echo (successes and errors), X-Rate-Limit-* on every
// response, the Accept and Content-Type variants that must be accepted, and
// Add-Metadata spellings.

#include <ctime>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

class HeadersTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateTokenWithDefaultLimit("headers-acct");
  }
  std::string token_;
};

TEST_F(HeadersTest, TokenInAnyOfTheThreeHeaders) {
  const std::vector<Headers> ways = {
      {{"Auth-Token", token_}},
      {{"auth-token", token_}},
      {{"x-app-key", token_}},
      {{"X-App-Key", token_}},
      {{"Authorization", "Bearer " + token_}},
      {{"Authorization", "bearer " + token_}},  // the scheme is case-insensitive
  };
  for (const Headers& h : ways) {
    HttpRequest get{"GET", kBatches, h, ""};
    HttpResponse r = Send(get);
    EXPECT_EQ(r.status, 200) << h[0].first << ": " << h[0].second << r.Evidence();
    Headers post_headers = h;
    post_headers.emplace_back("Content-Type", "application/json");
    HttpRequest post{"POST", kBatches, post_headers, PhonesBody({"441206250380"}).dump()};
    HttpResponse c = Send(post);
    EXPECT_EQ(c.status, 200) << "create via " << h[0].first << c.Evidence();
  }
  // A token in one header and garbage in another is not a free pass.
  HttpRequest mixed{"GET", kBatches, {{"Authorization", "Basic dXNlcjpwYXNz"}}, ""};
  HttpResponse m = Send(mixed);
  EXPECT_TRUE(m.status == 400 || m.status == 401) << "Basic auth only" << m.Evidence();
}

TEST_F(HeadersTest, ReferenceIdIsEchoedOnSuccess) {
  const std::string ref = "crm-42/a:b.c,d(e) f_g";
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  const Headers h = {{"Reference-Id", ref}};
  for (HttpResponse r : {ListBatches(token_, h), BatchStatus(token_, id, h),
                         BatchResults(token_, id, h),
                         CreateBatch(token_, PhonesBody({"1"}), h), StartBatch(token_, id, h)}) {
    EXPECT_EQ(r.status, 200) << r.Evidence();
    EXPECT_EQ(r.Header("Reference-Id").value_or("<absent>"), ref) << r.Evidence();
  }
  // Exactly 256 characters is still fine.
  const std::string longest(256, 'x');
  HttpResponse l = ListBatches(token_, {{"Reference-Id", longest}});
  EXPECT_EQ(l.status, 200) << l.Evidence();
  EXPECT_EQ(l.Header("Reference-Id").value_or("<absent>"), longest);
  // No Reference-Id in, none out.
  HttpResponse none = ListBatches(token_);
  EXPECT_FALSE(none.HasHeader("Reference-Id")) << none.Evidence();
}

// A table of requests that fail for different reasons, used for the
// "every response, errors included" header rules.
struct ErrorCase {
  const char* name;
  HttpRequest req;
  int want;
};

std::vector<ErrorCase> ErrorCases(const std::string& token) {
  const std::string body = R"({"phones":[{"number":"441206250380"}]})";
  const std::string missing = RandomUuidV4();
  return {
      {"400 bad path id", {"GET", BatchPath("nope"), {{"Auth-Token", token}}, ""}, 400},
      {"400 no token", {"GET", kBatches, {}, ""}, 400},
      {"400 bad body",
       {"POST", kBatches, {{"Auth-Token", token}, {"Content-Type", "application/json"}}, "{"},
       400},
      {"400 bad Add-Metadata",
       {"GET", kBatches, {{"Auth-Token", token}, {"Add-Metadata", "maybe"}}, ""}, 400},
      {"401 unknown token", {"GET", kBatches, {{"Auth-Token", "nope"}}, ""}, 401},
      {"404 unknown route", {"GET", "/nope", {{"Auth-Token", token}}, ""}, 404},
      {"404 unknown batch", {"GET", BatchPath(missing), {{"Auth-Token", token}}, ""}, 404},
      {"405", {"DELETE", kBatches, {{"Auth-Token", token}}, ""}, 405},
      {"406", {"GET", kBatches, {{"Auth-Token", token}, {"Accept", "text/html"}}, ""}, 406},
      {"415",
       {"POST", kBatches, {{"Auth-Token", token}, {"Content-Type", "text/plain"}}, body},
       415},
  };
}

TEST_F(HeadersTest, ReferenceIdIsEchoedOnErrors) {
  const std::string ref = "ticket-7";
  for (ErrorCase c : ErrorCases(token_)) {
    c.req.headers.emplace_back("Reference-Id", ref);
    HttpResponse r = Send(c.req);
    EXPECT_EQ(r.status, c.want) << c.name << r.Evidence();
    EXPECT_EQ(r.Header("Reference-Id").value_or("<absent>"), ref) << c.name << r.Evidence();
  }
}

// Checks X-Rate-Limit-Limit/Remaining/Reset are present and sane.
::testing::AssertionResult HasRateLimitHeaders(const HttpResponse& r) {
  auto limit = r.Header("X-Rate-Limit-Limit");
  auto remaining = r.Header("X-Rate-Limit-Remaining");
  auto reset = r.Header("X-Rate-Limit-Reset");
  if (!limit || !remaining || !reset) {
    return ::testing::AssertionFailure() << "missing X-Rate-Limit-* header" << r.Evidence();
  }
  long long l = std::atoll(limit->c_str()), rem = std::atoll(remaining->c_str()),
            rs = std::atoll(reset->c_str());
  long long now = static_cast<long long>(std::time(nullptr));
  if (l <= 0 || rem < 0 || rem > l || rs < now - 1 || rs > now + 61) {
    return ::testing::AssertionFailure()
           << "implausible X-Rate-Limit-* values (now=" << now << ")" << r.Evidence();
  }
  return ::testing::AssertionSuccess();
}

TEST_F(HeadersTest, RateLimitHeadersOnEveryBulkResponse) {
  HttpResponse ok = ListBatches(token_);
  EXPECT_TRUE(HasRateLimitHeaders(ok)) << "200";
  EXPECT_EQ(ok.Header("X-Rate-Limit-Limit").value_or(""), "150") << ok.Evidence();
  HttpResponse ok2 = ListBatches(token_);
  EXPECT_LT(std::atoll(ok2.Header("X-Rate-Limit-Remaining").value_or("0").c_str()),
            std::atoll(ok.Header("X-Rate-Limit-Remaining").value_or("0").c_str()))
      << "Remaining does not go down" << ok.Evidence() << ok2.Evidence();
  for (const ErrorCase& c : ErrorCases(token_)) {
    HttpResponse r = Send(c.req);
    EXPECT_EQ(r.status, c.want) << c.name << r.Evidence();
    EXPECT_TRUE(HasRateLimitHeaders(r)) << c.name;
  }
}

// The contract says "every response"; probes are responses too.
TEST_F(HeadersTest, RateLimitHeadersOnOperationalEndpoints) {
  for (const char* path : {"/healthz", "/readyz", "/metrics"}) {
    HttpResponse r = Send({"GET", path, {}, ""});
    EXPECT_EQ(r.status, 200) << path << r.Evidence();
    EXPECT_TRUE(HasRateLimitHeaders(r)) << path;
  }
}

TEST_F(HeadersTest, AcceptVariantsThatAdmitJson) {
  const std::vector<std::string> accepts = {
      "*/*", "application/*", "application/json", "application/json; charset=utf-8",
      "APPLICATION/JSON", "text/html, application/json;q=0.9", "text/html;q=0.5, */*;q=0.1"};
  HttpResponse absent = ListBatches(token_);
  EXPECT_EQ(absent.status, 200) << "no Accept" << absent.Evidence();
  for (const auto& accept : accepts) {
    HttpResponse r = ListBatches(token_, {{"Accept", accept}});
    EXPECT_EQ(r.status, 200) << "Accept: " << accept << r.Evidence();
    EXPECT_NE(r.Header("Content-Type").value_or("").find("application/json"),
              std::string::npos)
        << r.Evidence();
  }
  HttpResponse html = ListBatches(token_, {{"Accept", "text/html"}});
  EXPECT_TRUE(IsErrorResponse(html, 406, kBatches));
}

TEST_F(HeadersTest, ContentTypeVariantsThatAreJson) {
  const std::string body = PhonesBody({"441206250380"}).dump();
  for (const std::string ct :
       {"application/json", "application/json; charset=utf-8", "application/json;charset=UTF-8",
        "Application/JSON", "application/json ; charset=\"utf-8\""}) {
    HttpRequest req{"POST", kBatches, {{"Auth-Token", token_}, {"Content-Type", ct}}, body};
    HttpResponse r = Send(req);
    EXPECT_EQ(r.status, 200) << "Content-Type: " << ct << r.Evidence();
  }
}

TEST_F(HeadersTest, AddMetadataSpellings) {
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  for (const std::string v : {"true", "TRUE", "True", "tRuE"}) {
    HttpResponse r = BatchStatus(token_, id, {{"Add-Metadata", v}});
    EXPECT_EQ(r.status, 200) << r.Evidence();
    EXPECT_TRUE(r.JsonBody().contains("metadata")) << "Add-Metadata: " << v << r.Evidence();
  }
  for (const std::string v : {"false", "FALSE", "False"}) {
    HttpResponse r = BatchStatus(token_, id, {{"Add-Metadata", v}});
    EXPECT_EQ(r.status, 200) << r.Evidence();
    EXPECT_FALSE(r.JsonBody().contains("metadata")) << "Add-Metadata: " << v << r.Evidence();
  }
}

TEST_F(HeadersTest, ResponsesAreJson) {
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  for (HttpResponse r : {ListBatches(token_), BatchStatus(token_, id), BatchResults(token_, id)}) {
    EXPECT_EQ(r.status, 200) << r.Evidence();
    EXPECT_NE(r.Header("Content-Type").value_or("").find("application/json"), std::string::npos)
        << r.Evidence();
    EXPECT_TRUE(r.JsonBody().is_object()) << r.Evidence();
  }
}

TEST_F(HeadersTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(conn.Send(std::string("GET ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuth-Token: " +
                          token_ + "\r\n\r\n"));
    HttpResponse r = conn.ReadResponse(std::chrono::seconds(10));
    ASSERT_EQ(r.status, 200) << "request " << i << " on a keep-alive connection" << r.Evidence();
    EXPECT_TRUE(r.JsonBody().is_object()) << r.Evidence();
  }
  // Errors on a keep-alive connection do not break the framing either.
  ASSERT_TRUE(conn.Send("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"));
  HttpResponse e = conn.ReadResponse(std::chrono::seconds(10));
  EXPECT_TRUE(IsErrorResponse(e, 404, "/nope"));
  ASSERT_TRUE(conn.Send(std::string("GET ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuth-Token: " +
                        token_ + "\r\n\r\n"));
  HttpResponse after = conn.ReadResponse(std::chrono::seconds(10));
  EXPECT_EQ(after.status, 200) << "request after a 404 on the same connection" << after.Evidence();
}

TEST_F(HeadersTest, PipelinedRequestsAreAnsweredInOrder) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  std::string auth = "Auth-Token: " + token_ + "\r\n";
  ASSERT_TRUE(conn.Send(std::string("GET ") + BatchPath(id) + " HTTP/1.1\r\nHost: x\r\n" + auth +
                        "\r\nGET /nope HTTP/1.1\r\nHost: x\r\n\r\n" + "GET " + kBatches +
                        " HTTP/1.1\r\nHost: x\r\n" + auth + "Connection: close\r\n\r\n"));
  HttpResponse a = conn.ReadResponse(std::chrono::seconds(10));
  HttpResponse b = conn.ReadResponse(std::chrono::seconds(10));
  HttpResponse c = conn.ReadResponse(std::chrono::seconds(10));
  EXPECT_EQ(a.status, 200) << a.Evidence();
  EXPECT_EQ(a.JsonBody()["result"].value("batch_id", ""), id) << a.Evidence();
  EXPECT_EQ(b.status, 404) << b.Evidence();
  EXPECT_EQ(c.status, 200) << c.Evidence();
  EXPECT_TRUE(c.JsonBody()["result"]["batches"].is_array()) << c.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
