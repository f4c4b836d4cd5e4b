#include "api/query.h"

#include <gtest/gtest.h>

namespace phonebulk::api {
namespace {

TEST(ParseQueryTest, DecodesPercentEscapesAndPlusAsPythonAndFormsWriteThem) {
  std::vector<QueryParam> params =
      ParseQuery("/r?include=location%2Ctime_zones&name=a+b%20c&flag");
  ASSERT_EQ(params.size(), 3u);
  EXPECT_EQ(params[0].name, "include");
  EXPECT_EQ(params[0].value, "location,time_zones");
  EXPECT_EQ(params[1].name, "name");
  EXPECT_EQ(params[1].value, "a b c");
  EXPECT_EQ(params[2].name, "flag");
  EXPECT_EQ(params[2].value, "");
}

TEST(ParseQueryTest, SplitsBeforeDecodingSoAnEncodedAmpersandStaysInTheValue) {
  std::vector<QueryParam> params = ParseQuery("/r?a=x%26b%3Dy&c=%3D");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].value, "x&b=y");
  EXPECT_EQ(params[1].name, "c");
  EXPECT_EQ(params[1].value, "=");
}

TEST(ParseQueryTest, NoQueryEmptyPiecesAndBrokenEscapes) {
  EXPECT_TRUE(ParseQuery("/r").empty());
  EXPECT_TRUE(ParseQuery("/r?").empty());
  std::vector<QueryParam> params = ParseQuery("/r?&&limit=%zz&offset=%4");
  ASSERT_EQ(params.size(), 2u);
  EXPECT_EQ(params[0].value, "%zz");  // left for the handler to refuse
  EXPECT_EQ(params[1].value, "%4");
}

TEST(ParseQueryTest, KeepsDecodedNulBytes) {
  std::vector<QueryParam> params = ParseQuery("/r?a=x%00y");
  ASSERT_EQ(params.size(), 1u);
  EXPECT_EQ(params[0].value, std::string("x\0y", 3));
}

}  // namespace
}  // namespace phonebulk::api
