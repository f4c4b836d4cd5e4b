// The console's answers over the files really built into the binary
// (console_assets.h): security headers, content types, caching. The same
// is checked through a started server in
// tests/integration/console_headers_test.cc.
#include "api/console.h"

#include <gtest/gtest.h>

#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "api/console_assets.h"

namespace phonebulk::api {
namespace {

namespace http = boost::beast::http;
using ::phonebulk::http::HttpResponse;

std::string Header(const HttpResponse& res, std::string_view name) {
  auto it = res.find(name);
  return it == res.end() ? "" : std::string(it->value());
}

// The page's script and style sheet, by the names it refers to them by.
std::vector<std::string> Referenced(std::string_view page) {
  std::vector<std::string> names;
  const std::string text(page);
  const std::regex ref(R"re((src|href)="/console/([^"]+)")re");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), ref);
       it != std::sregex_iterator(); ++it) {
    names.push_back((*it)[2]);
  }
  return names;
}

TEST(ConsoleTest, PageAndFilesCarryTheSecurityHeaders) {
  std::optional<HttpResponse> page = ConsoleAnswer("/console", "");
  ASSERT_TRUE(page.has_value());
  std::vector<std::string> paths = {"/console"};
  for (const std::string& name : Referenced(page->body())) {
    paths.push_back("/console/" + name);
  }
  ASSERT_EQ(paths.size(), 3u) << page->body();
  for (const std::string& path : paths) {
    std::optional<HttpResponse> res = ConsoleAnswer(path, "");
    ASSERT_TRUE(res.has_value()) << path;
    EXPECT_EQ(res->result(), http::status::ok) << path;
    const std::string csp = Header(*res, "Content-Security-Policy");
    for (const char* directive :
         {"default-src 'none'", "script-src 'self'", "style-src 'self'",
          "connect-src 'self'", "frame-ancestors 'none'", "base-uri 'none'",
          "form-action 'none'"}) {
      EXPECT_NE(csp.find(directive), std::string::npos) << path << ": " << csp;
    }
    EXPECT_EQ(csp.find("unsafe"), std::string::npos) << csp;
    EXPECT_EQ(Header(*res, "X-Content-Type-Options"), "nosniff") << path;
    EXPECT_EQ(Header(*res, "Referrer-Policy"), "no-referrer") << path;
    EXPECT_FALSE(Header(*res, "ETag").empty()) << path;
    EXPECT_FALSE(res->body().empty()) << path;
  }
}

TEST(ConsoleTest, ContentTypesAndCaching) {
  std::optional<HttpResponse> page = ConsoleAnswer("/console", "");
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(Header(*page, "Content-Type"), "text/html; charset=utf-8");
  // The page names the hashed files, so it is revalidated every time.
  EXPECT_EQ(Header(*page, "Cache-Control"), "no-cache");
  for (const std::string& name : Referenced(page->body())) {
    std::optional<HttpResponse> res = ConsoleAnswer("/console/" + name, "");
    ASSERT_TRUE(res.has_value()) << name;
    EXPECT_EQ(Header(*res, "Cache-Control"),
              "public, max-age=31536000, immutable");
    // The name carries the start of the content's hash, as the ETag does.
    const std::string etag = Header(*res, "ETag");
    ASSERT_EQ(etag.size(), 18u) << etag;
    EXPECT_NE(name.find("." + etag.substr(1, 16) + "."), std::string::npos)
        << name << " " << etag;
    EXPECT_EQ(Header(*res, "Content-Type"),
              name.ends_with(".js") ? "text/javascript; charset=utf-8"
                                    : "text/css; charset=utf-8");
  }
}

TEST(ConsoleTest, NoInlineScriptOrStyleInThePage) {
  const std::string page(ConsoleAnswer("/console", "")->body());
  // Every <script> has a src; no <style> element, no style attribute, no
  // on* handler: the CSP would block them, so they must not be needed.
  const std::regex inline_script(R"(<script(?![^>]*\bsrc=)[^>]*>)");
  EXPECT_FALSE(std::regex_search(page, inline_script));
  EXPECT_EQ(page.find("<style"), std::string::npos);
  EXPECT_EQ(page.find(" style="), std::string::npos);
  EXPECT_FALSE(std::regex_search(page, std::regex(R"(\son[a-z]+=)")));
}

TEST(ConsoleTest, IfNoneMatchAnswers304WithTheHeaders) {
  const std::string etag = Header(*ConsoleAnswer("/console", ""), "ETag");
  for (const std::string& sent :
       {etag, "W/" + etag, "\"other\", " + etag, std::string("*")}) {
    std::optional<HttpResponse> res = ConsoleAnswer("/console", sent);
    ASSERT_TRUE(res.has_value());
    EXPECT_EQ(res->result(), http::status::not_modified) << sent;
    EXPECT_TRUE(res->body().empty());
    EXPECT_EQ(Header(*res, "ETag"), etag);
    EXPECT_FALSE(Header(*res, "Content-Security-Policy").empty());
  }
  EXPECT_EQ(ConsoleAnswer("/console", "\"other\"")->result(), http::status::ok);
}

TEST(ConsoleTest, UnknownPathsAreNotFiles) {
  for (const char* path : {"/consolex", "/console/", "/console/app.js",
                           "/console/../openapi.json", "/other"}) {
    EXPECT_FALSE(ConsoleAnswer(path, "").has_value()) << path;
  }
  SCOPED_TRACE("the 404 gets the headers too");
  HttpResponse res;
  SetConsoleSecurityHeaders(res);
  EXPECT_EQ(Header(res, "X-Content-Type-Options"), "nosniff");
  EXPECT_NE(
      Header(res, "Content-Security-Policy").find("frame-ancestors 'none'"),
      std::string::npos);
}

}  // namespace
}  // namespace phonebulk::api
