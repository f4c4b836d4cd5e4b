#include <gtest/gtest.h>

#include <string>

#include "api/access.h"
#include "api/errors.h"
#include "nlohmann/json.hpp"

namespace phonebulk::api {
namespace {

TEST(IpInCidrTest, MatchesRanges) {
  struct Case {
    const char* ip;
    const char* cidr;
    bool want;
  } cases[] = {
      {"127.0.0.1", "127.0.0.0/8", true},
      {"127.0.0.1", "10.0.0.0/8", false},
      {"10.1.2.3", "10.0.0.0/8", true},
      {"10.1.2.3", "10.1.2.3", true},
      {"10.1.2.4", "10.1.2.3/32", false},
      {"192.168.1.77", "192.168.1.64/26", true},
      {"192.168.1.128", "192.168.1.64/26", false},
      {"1.2.3.4", "0.0.0.0/0", true},
      {"::1", "::1/128", true},
      {"::1", "127.0.0.0/8", false},
      {"::ffff:127.0.0.1", "127.0.0.0/8", true},
      {"2001:db8::5", "2001:db8::/32", true},
      {"2001:db9::5", "2001:db8::/32", false},
      {"not-an-ip", "0.0.0.0/0", false},
      {"1.2.3.4", "1.2.3.0/33", false},
      {"1.2.3.4", "garbage", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(IpInCidr(c.ip, c.cidr), c.want) << c.ip << " in " << c.cidr;
  }
  EXPECT_TRUE(IsValidCidr("10.0.0.0/8"));
  EXPECT_FALSE(IsValidCidr("10.0.0.0/40"));
  EXPECT_FALSE(IsValidCidr("example.com"));
}

TEST(DomainTest, HostsAndSubdomains) {
  EXPECT_EQ(HostOfUrl("https://App.Example.com:8443/path?q=1"),
            "app.example.com");
  EXPECT_EQ(HostOfUrl("http://example.com"), "example.com");
  // User info and backslashes are refused (issue 10: evil.com\\@acme...).
  EXPECT_EQ(HostOfUrl("http://user@example.com/x"), "");
  EXPECT_EQ(HostOfUrl("https://evil.com\\@acme.example"), "");
  EXPECT_EQ(HostOfUrl("acme.example"), "");
  EXPECT_EQ(HostOfUrl("http://[::1]:80/"), "::1");
  EXPECT_EQ(HostOfUrl(""), "");
  EXPECT_TRUE(HostMatchesDomain("example.com", "example.com"));
  EXPECT_TRUE(HostMatchesDomain("app.example.com", "EXAMPLE.com"));
  EXPECT_FALSE(HostMatchesDomain("badexample.com", "example.com"));
  EXPECT_FALSE(HostMatchesDomain("example.com.evil.net", "example.com"));
  EXPECT_FALSE(HostMatchesDomain("", "example.com"));
  // "*." admits subdomains only.
  EXPECT_TRUE(HostMatchesDomain("app.example.com", "*.example.com"));
  EXPECT_FALSE(HostMatchesDomain("example.com", "*.example.com"));
}

// Regression (issue 10): --allow-domain accepted '*', URLs and spaces.
TEST(DomainTest, AllowListEntriesAreHostNames) {
  std::string why;
  for (const char* good : {"acme.example", "*.acme.example", "a-b.c1.io"}) {
    EXPECT_TRUE(IsValidAllowDomain(good, &why)) << good << ": " << why;
  }
  for (const char* bad : {"*", "*.", "https://acme.example", "acme.example/",
                          "acme example", "acme.example:443", "10.0.0.1",
                          "-acme.example", "a..b", "*.*.acme.example", ""}) {
    why.clear();
    EXPECT_FALSE(IsValidAllowDomain(bad, &why)) << bad;
    EXPECT_FALSE(why.empty()) << bad;
  }
}

// The token rules a call must pass after the token is known (also asserted
// through the real server in tests/integration/access_test.cc).
TEST(TokenRefusalTest, ScopesAndAllowLists) {
  store::Token t;
  t.products = store::kProductPhoneBulk;
  auto refusal = [&](store::Product product, std::string_view ip,
                     std::string_view source) {
    return TokenRefusal(
        t, product,
        product == store::kProductPhoneBulk ? "phone-bulk" : "phone-validate",
        ip, source);
  };
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.0.0.1", ""), std::nullopt);
  EXPECT_EQ(refusal(store::kProductPhoneValidate, "10.0.0.1", ""),
            "the token is not scoped to the phone-validate product");

  t.allow_ips = {"192.168.0.0/16", "10.1.2.3"};
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "192.168.7.9", ""), std::nullopt);
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.1.2.3", ""), std::nullopt);
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.1.2.4", ""),
            "calls from 10.1.2.4 are not on the token's IP allow-list");

  t.allow_ips.clear();
  t.allow_domains = {"acme.example"};
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.0.0.1",
                    "https://app.acme.example/form"),
            std::nullopt);
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.0.0.1", ""),
            "the token only accepts calls whose Origin or Referer is on its "
            "domain allow-list, and none was sent");
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.0.0.1", "ftp://acme.example"),
            "the Origin or Referer 'ftp://acme.example' is not an http(s) URL "
            "with a plain host name");
  EXPECT_EQ(refusal(store::kProductPhoneBulk, "10.0.0.1",
                    "https://acme.example.evil.test/"),
            "the domain 'acme.example.evil.test' is not on the token's domain "
            "allow-list");

  // Disabled wins over everything else.
  t.disabled = true;
  EXPECT_EQ(
      refusal(store::kProductPhoneBulk, "10.0.0.1", "https://acme.example/"),
      "the token is disabled");
}

TEST(RateLimiterTest, CountsPerAccountPerMinute) {
  RateLimiter limiter;
  absl::Time t = absl::FromUnixSeconds(6000);  // start of a minute
  for (int i = 0; i < 3; ++i) {
    auto d = limiter.Admit(1, 3, t + absl::Seconds(i));
    EXPECT_TRUE(d.allowed);
    EXPECT_EQ(d.remaining, 2 - i);
    EXPECT_EQ(d.reset_epoch_seconds, 6060);
  }
  auto refused = limiter.Admit(1, 3, t + absl::Seconds(10));
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.remaining, 0);
  EXPECT_EQ(refused.retry_after_seconds, 50);
  // Another account has its own budget; the next minute starts afresh.
  EXPECT_TRUE(limiter.Admit(2, 3, t).allowed);
  EXPECT_TRUE(limiter.Admit(1, 3, t + absl::Seconds(60)).allowed);
}

TEST(ErrorsTest, StatusMappingIsTheOnePlace) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 400u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnauthenticated), 401u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kPermissionDenied), 403u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 403u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500u);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kDataLoss), 500u);
}

TEST(ErrorsTest, BodyShapeAndNoInternalsLeak) {
  auto body = nlohmann::json::parse(ErrorBody(404, "no batch x", "/p"));
  EXPECT_EQ(body["error"]["title"], "Not Found");
  EXPECT_EQ(body["error"]["detail"], "no batch x");
  EXPECT_EQ(body["error"]["instance"], "/p");
  EXPECT_EQ(body["error"]["type"], "/docs/errors#not-found");
  // Details of 5xx never carry the internal message.
  std::string detail =
      PublicDetail(absl::InternalError("sqlite: no such table at /var/x.db"));
  EXPECT_EQ(detail.find("sqlite"), std::string::npos);
  EXPECT_EQ(PublicDetail(absl::InvalidArgumentError("phones: empty")),
            "phones: empty");
  EXPECT_NE(ErrorDocsPage().find("## 429 Too Many Requests"),
            std::string::npos);
}

// Every status the server answers with an error body has its status text
// as the title and a section of the error page to link to (422 and 501
// were once "Error" with a link to no section).
TEST(ErrorsTest, EveryErrorStatusHasItsTitleAndSection) {
  for (unsigned status : {400u, 401u, 403u, 404u, 405u, 406u, 408u, 413u, 415u,
                          422u, 429u, 431u, 500u, 501u, 503u}) {
    SCOPED_TRACE(status);
    auto body = nlohmann::json::parse(ErrorBody(status, "d", "/p"));
    std::string title = body["error"]["title"];
    EXPECT_NE(title, "Error");
    EXPECT_NE(
        ErrorDocsPage().find("## " + std::to_string(status) + " " + title),
        std::string::npos);
    std::string type = body["error"]["type"];
    std::string anchor = type.substr(type.find('#') + 1);
    EXPECT_NE(ErrorDocsPage().find("id=\"" + anchor + "\""), std::string::npos);
  }
  EXPECT_EQ(HttpTitle(422), "Unprocessable Entity");
  EXPECT_EQ(HttpTitle(501), "Not Implemented");
}

}  // namespace
}  // namespace phonebulk::api
