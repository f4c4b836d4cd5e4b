#include "api/routes.h"

#include <gtest/gtest.h>

namespace phonebulk::api {
namespace {

using boost::beast::http::verb;
using ::phonebulk::http::HttpResponse;

HttpResponse Noop(RequestScope&) { return {}; }
HttpResponse Other(RequestScope&) { return {}; }

constexpr Route kTable[] = {
    {verb::get, "/healthz", Caller::kAnyone, Answers::kOps, Noop},
    {verb::get, "/b", Caller::kPhoneBulk, Answers::kJson, Noop},
    {verb::post, "/b", Caller::kPhoneBulk, Answers::kJson, Other},
    {verb::get, "/b/{id}", Caller::kPhoneBulk, Answers::kJson, Noop},
    {verb::post, "/b/{id}/start", Caller::kPhoneBulk, Answers::kJson, Other},
};

TEST(MatchPatternTest, LiteralSegmentsMustBeEqual) {
  std::string_view id;
  EXPECT_TRUE(MatchPattern("/healthz", "/healthz", &id));
  EXPECT_FALSE(MatchPattern("/healthz", "/healthz/", &id));
  EXPECT_FALSE(MatchPattern("/healthz", "/Healthz", &id));
  EXPECT_FALSE(MatchPattern("/b/{id}", "/b", &id));
}

TEST(MatchPatternTest, IdIsOneNonEmptySegment) {
  std::string_view id;
  EXPECT_TRUE(MatchPattern("/b/{id}/start", "/b/abc/start", &id));
  EXPECT_EQ(id, "abc");
  EXPECT_FALSE(MatchPattern("/b/{id}/start", "/b//start", &id));
  EXPECT_FALSE(MatchPattern("/b/{id}", "/b/x/y", &id));
}

TEST(MatchRouteTest, PicksTheRowOfTheMethod) {
  RouteMatch m = MatchRoute(kTable, verb::post, "/b");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.route->handler, &Other);
  EXPECT_EQ(m.pattern, "/b");
  EXPECT_TRUE(m.allow.empty());
}

TEST(MatchRouteTest, WrongMethodNamesThePatternAndItsMethods) {
  RouteMatch m = MatchRoute(kTable, verb::delete_, "/b");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.pattern, "/b");
  EXPECT_EQ(m.allow, "GET, POST");

  m = MatchRoute(kTable, verb::get, "/b/123/start");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_EQ(m.pattern, "/b/{id}/start");
  EXPECT_EQ(m.id, "123");
  EXPECT_EQ(m.allow, "POST");
}

TEST(MatchRouteTest, UnknownPathMatchesNothing) {
  RouteMatch m = MatchRoute(kTable, verb::get, "/b/1/2/3");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.pattern.empty());
  EXPECT_TRUE(m.allow.empty());
}

}  // namespace
}  // namespace phonebulk::api
