#include "lookup/protocol.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace phonebulk::lookup {
namespace {

TEST(LiveStatusTest, EveryWireNameRoundTrips) {
  const std::vector<std::pair<std::string, LiveStatus>> cases = {
      {"live", LiveStatus::kLive},
      {"absent", LiveStatus::kAbsent},
      {"dead", LiveStatus::kDead},
      {"no_teleservice", LiveStatus::kNoTeleservice},
      {"no_coverage", LiveStatus::kNoCoverage},
      {"unknown", LiveStatus::kUnknown},
  };
  for (const auto& [name, status] : cases) {
    EXPECT_EQ(ParseLiveStatus(name), status) << name;
    EXPECT_EQ(LiveStatusName(status), name);
  }
  for (const char* bad :
       {"", "LIVE", "Live", "alive", "no-coverage", " live"}) {
    EXPECT_FALSE(ParseLiveStatus(bad)) << bad;
  }
}

TEST(ProtocolTest, RequestRoundTrips) {
  std::vector<std::string> numbers = {"447400123456", "14155550100"};
  std::string body = EncodeLookupRequest(numbers);
  EXPECT_EQ(body, R"({"numbers":["447400123456","14155550100"]})");
  auto parsed = ParseLookupRequest(body, 100);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, numbers);
}

TEST(ProtocolTest, BadRequestsRejected) {
  for (const char* body :
       {"", "[]", "{}", R"({"numbers":[]})", R"({"numbers":"1"})",
        R"({"numbers":[1]})", R"({"numbers":["+44"]})",
        R"({"numbers":["1234567890123456"]})", R"({"numbers":["1","2","3"]})",
        R"({"numbers":["1"]} x)"}) {
    EXPECT_FALSE(ParseLookupRequest(body, 2).ok()) << body;
  }
}

TEST(ProtocolTest, AllFieldsParsed) {
  std::vector<std::string> asked = {"447400123456"};
  auto r = ParseLookupResults(
      R"({"results":[{"number":"447400123456","status":"live",
          "mccmnc":"23415","operator_name":"Vodafone",
          "original_operator_name":"O2","ported":true,
          "ported_date":"2019-08-21T00:00:00Z"}]})",
      asked);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE((*r)[0]);
  const LookupAnswer& a = *(*r)[0];
  EXPECT_EQ(a.number, "447400123456");
  EXPECT_EQ(a.status, LiveStatus::kLive);
  EXPECT_EQ(a.mccmnc, "23415");
  EXPECT_EQ(a.operator_name, "Vodafone");
  EXPECT_EQ(a.original_operator_name, "O2");
  EXPECT_EQ(a.ported, true);
  EXPECT_EQ(a.ported_date, "2019-08-21T00:00:00Z");
}

TEST(ProtocolTest, EveryStatusWithOptionalFieldsMissing) {
  std::vector<std::string> asked = {"1", "2", "3", "4", "5", "6"};
  auto r = ParseLookupResults(
      R"({"results":[
          {"number":"1","status":"live"},
          {"number":"2","status":"absent"},
          {"number":"3","status":"dead","mccmnc":null,"ported":null},
          {"number":"4","status":"no_teleservice"},
          {"number":"5","status":"no_coverage"},
          {"number":"6","status":"unknown","extra":{"from":"provider"}}]})",
      asked);
  ASSERT_TRUE(r.ok()) << r.status();
  const LiveStatus want[] = {
      LiveStatus::kLive,       LiveStatus::kAbsent,
      LiveStatus::kDead,       LiveStatus::kNoTeleservice,
      LiveStatus::kNoCoverage, LiveStatus::kUnknown};
  for (size_t i = 0; i < asked.size(); ++i) {
    ASSERT_TRUE((*r)[i]) << i;
    EXPECT_EQ((*r)[i]->number, asked[i]);
    EXPECT_EQ((*r)[i]->status, want[i]);
    EXPECT_EQ((*r)[i]->mccmnc, "");
    EXPECT_EQ((*r)[i]->ported, std::nullopt);
  }
}

TEST(ProtocolTest, AnyOrderUnknownNumbersIgnoredMissingNumbersUnanswered) {
  std::vector<std::string> asked = {"111", "222", "333"};
  auto r = ParseLookupResults(
      R"({"results":[{"number":"333","status":"dead"},
                     {"number":"999","status":"live"},
                     {"number":"111","status":"absent"},
                     {"number":"111","status":"live"}]})",
      asked);
  ASSERT_TRUE(r.ok()) << r.status();
  ASSERT_TRUE((*r)[0]);
  EXPECT_EQ((*r)[0]->status, LiveStatus::kAbsent);  // first duplicate wins
  EXPECT_FALSE((*r)[1]);
  ASSERT_TRUE((*r)[2]);
  EXPECT_EQ((*r)[2]->status, LiveStatus::kDead);
}

TEST(ProtocolTest, DuplicateAskedNumbersBothAnswered) {
  std::vector<std::string> asked = {"111", "111"};
  auto r = ParseLookupResults(
      R"({"results":[{"number":"111","status":"live"}]})", asked);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)[0]);
  EXPECT_TRUE((*r)[1]);
}

TEST(ProtocolTest, MalformedAnswersRejectedWhole) {
  std::vector<std::string> asked = {"111"};
  const char* cases[] = {
      "", "null", "[]", "{}", R"({"results":{}})",
      R"({"results":[{"number":"111","status":"live"}])",  // cut off
      R"({"results":[]} trailing)", R"({"results":[1]})",
      R"({"results":[{"status":"live"}]})",
      R"({"results":[{"number":111,"status":"live"}]})",
      R"({"results":[{"number":"111"}]})",
      R"({"results":[{"number":"111","status":"alive"}]})",
      R"({"results":[{"number":"111","status":"LIVE"}]})",
      R"({"results":[{"number":"111","status":null}]})",
      R"({"results":[{"number":"111","status":"live","ported":"yes"}]})",
      R"({"results":[{"number":"111","status":"live","mccmnc":23415}]})",
      R"({"results":[{"number":"111","status":"live","mccmnc":"2341"}]})",
      R"({"results":[{"number":"111","status":"live","mccmnc":"2341x"}]})",
      R"({"results":[{"number":"111","status":"live","operator_name":7}]})",
      R"({"results":[{"number":"111","status":"live","ported_date":false}]})",
      // One good result does not save a response with a bad one.
      R"({"results":[{"number":"111","status":"live"},{"number":"2"}]})",
      "{\"results\":[{\"number\":\"111\",\"status\":\"live\","
      "\"operator_name\":\"\xC3\x28\"}]}",  // invalid UTF-8
  };
  for (const char* body : cases) {
    EXPECT_FALSE(ParseLookupResults(body, asked).ok()) << body;
  }
}

TEST(ProtocolTest, ResultsRoundTrip) {
  LookupAnswer full{"447400123456", LiveStatus::kLive,      "23415", "Vodafone",
                    "O2",           "2019-08-21T00:00:00Z", true};
  LookupAnswer bare;
  bare.number = "15";
  bare.status = LiveStatus::kNoCoverage;
  LookupAnswer not_ported = bare;
  not_ported.number = "16";
  not_ported.ported = false;
  std::vector<LookupAnswer> answers = {full, bare, not_ported};
  std::vector<std::string> asked = {"16", "15", "447400123456"};
  auto r = ParseLookupResults(EncodeLookupResults(answers), asked);
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ((*r)[0], not_ported);
  EXPECT_EQ((*r)[1], bare);
  EXPECT_EQ((*r)[2], full);
}

TEST(ProtocolTest, E164Digits) {
  EXPECT_TRUE(IsE164Digits("1"));
  EXPECT_TRUE(IsE164Digits("123456789012345"));
  EXPECT_FALSE(IsE164Digits(""));
  EXPECT_FALSE(IsE164Digits("1234567890123456"));
  EXPECT_FALSE(IsE164Digits("+44"));
  EXPECT_FALSE(IsE164Digits("44 7"));
}

}  // namespace
}  // namespace phonebulk::lookup
