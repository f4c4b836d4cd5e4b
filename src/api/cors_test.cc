// The CORS rules (cors.h) as pure functions: which origins a preflight
// admits and why the others are refused. The server's answers are asserted
// end to end in tests/integration/headers_test.cc.
#include "api/cors.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phonebulk::api {
namespace {

const std::vector<std::string> kDomains = {"acme.example", "*.shop.example"};

TEST(CorsTest, OriginOnAllowListFollowsTheDomainRules) {
  EXPECT_TRUE(OriginOnAllowList("https://acme.example", kDomains));
  EXPECT_TRUE(OriginOnAllowList("https://app.acme.example:8443", kDomains));
  EXPECT_TRUE(OriginOnAllowList("http://eu.shop.example", kDomains));
  // "*." admits subdomains only.
  EXPECT_FALSE(OriginOnAllowList("https://shop.example", kDomains));
  // A look-alike suffix is not a subdomain.
  EXPECT_FALSE(OriginOnAllowList("https://notacme.example", kDomains));
  // Opaque and untrusted origins are never admitted.
  EXPECT_FALSE(OriginOnAllowList("null", kDomains));
  EXPECT_FALSE(OriginOnAllowList("", kDomains));
  EXPECT_FALSE(OriginOnAllowList("file:///home/x.html", kDomains));
  EXPECT_FALSE(
      OriginOnAllowList("https://evil.example\\@acme.example", kDomains));
  EXPECT_FALSE(OriginOnAllowList("https://acme.example", {}));
}

TEST(CorsTest, APreflightNeedsBothHeaders) {
  EXPECT_TRUE(IsPreflight("https://acme.example", "POST"));
  EXPECT_FALSE(IsPreflight("https://acme.example", ""));
  EXPECT_FALSE(IsPreflight("", "POST"));
}

TEST(CorsTest, PreflightAdmitsAListedOriginForAMethodThePathAnswers) {
  EXPECT_EQ(PreflightRefusal("https://app.acme.example", "POST", "GET, POST",
                             kDomains),
            "");
  EXPECT_EQ(PreflightRefusal("https://app.acme.example", "GET", "GET, POST",
                             kDomains),
            "");
}

TEST(CorsTest, PreflightRefusalSaysWhy) {
  std::string other =
      PreflightRefusal("https://other.example", "POST", "GET, POST", kDomains);
  EXPECT_NE(other.find("'https://other.example' is not on any token's "
                       "domain allow-list"),
            std::string::npos)
      << other;
  std::string method =
      PreflightRefusal("https://acme.example", "DELETE", "GET, POST", kDomains);
  EXPECT_NE(method.find("answers GET, POST, not DELETE"), std::string::npos)
      << method;
  // Methods are case-sensitive: "post" is not POST.
  EXPECT_NE(PreflightRefusal("https://acme.example", "post", "POST", kDomains),
            "");
}

}  // namespace
}  // namespace phonebulk::api
