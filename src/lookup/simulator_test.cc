// The simulator without sockets: requests in, responses out.

#include "lookup/simulator.h"

#include <gtest/gtest.h>

#include "lookup/protocol.h"

namespace phonebulk::lookup {
namespace {

SimulatorRequest Post(std::string body, std::string key = "k",
                      std::string type = "application/json") {
  SimulatorRequest req;
  req.method = "POST";
  if (!key.empty()) req.authorization = "Bearer " + key;
  if (!type.empty()) req.content_type = type;
  req.body = std::move(body);
  return req;
}

SimulatorOptions Keyed() {
  SimulatorOptions o;
  o.key = "k";
  return o;
}

TEST(SimulatedAnswerTest, LastDigitDecidesStatus) {
  const LiveStatus want[10] = {
      LiveStatus::kLive,   LiveStatus::kLive,          LiveStatus::kLive,
      LiveStatus::kLive,   LiveStatus::kLive,          LiveStatus::kAbsent,
      LiveStatus::kDead,   LiveStatus::kNoTeleservice, LiveStatus::kNoCoverage,
      LiveStatus::kUnknown};
  for (int d = 0; d < 10; ++d) {
    std::string number = "4474001234" + std::to_string(d);
    EXPECT_EQ(SimulatedAnswer(number).status, want[d]) << number;
  }
}

TEST(SimulatedAnswerTest, PortingFromSecondToLastDigit) {
  LookupAnswer ported = SimulatedAnswer("447400123010");  // 1: odd
  EXPECT_EQ(ported.mccmnc, "23415");                      // third-to-last 0
  EXPECT_EQ(ported.operator_name, "Vodafone UK");
  EXPECT_EQ(ported.ported, true);
  EXPECT_EQ(ported.original_operator_name, "Vodafone Germany");
  EXPECT_EQ(ported.ported_date.size(), 20u);

  LookupAnswer native = SimulatedAnswer("447400123120");  // 2: even
  EXPECT_EQ(native.mccmnc, "23410");
  EXPECT_EQ(native.ported, false);
  EXPECT_EQ(native.original_operator_name, "");
  EXPECT_EQ(native.ported_date, "");

  LookupAnswer unknown = SimulatedAnswer("447400123019");
  EXPECT_EQ(unknown.status, LiveStatus::kUnknown);
  EXPECT_EQ(unknown.mccmnc, "");
  EXPECT_EQ(unknown.ported, std::nullopt);

  EXPECT_EQ(SimulatedAnswer("7").status, LiveStatus::kNoTeleservice);
}

TEST(LookupSimulatorTest, AnswersEveryNumberInAnyOrder) {
  LookupSimulator sim(Keyed());
  std::vector<std::string> numbers = {"447400123450", "447400123455",
                                      "447400123459"};
  SimulatorReply res = sim.Handle(Post(EncodeLookupRequest(numbers)));
  ASSERT_EQ(res.status, 200u);
  auto parsed = ParseLookupResults(res.body, numbers);
  ASSERT_TRUE(parsed.ok()) << parsed.status() << res.body;
  for (size_t i = 0; i < numbers.size(); ++i) {
    ASSERT_TRUE((*parsed)[i]);
    EXPECT_EQ(*(*parsed)[i], SimulatedAnswer(numbers[i]));
  }
  EXPECT_EQ(sim.counters().answered, 1);
}

TEST(LookupSimulatorTest, RejectsBadRequests) {
  LookupSimulator sim(Keyed());
  const std::string good = R"({"numbers":["1"]})";
  struct Case {
    SimulatorRequest req;
    unsigned status;
  };
  SimulatorRequest get;
  get.method = "GET";
  std::vector<Case> cases = {
      {get, 405},
      {Post(good, ""), 401},
      {Post(good, "wrong"), 401},
      {Post(good, "k", "text/plain"), 415},
      {Post(good, "k", ""), 415},
      {Post("{", "k"), 400},
      {Post(R"({"numbers":["+1"]})", "k"), 400},
  };
  for (const Case& c : cases) {
    SimulatorReply res = sim.Handle(c.req);
    EXPECT_EQ(res.status, c.status) << c.req.body;
  }
  EXPECT_EQ(sim.counters().rejected, static_cast<int64_t>(cases.size()));
}

TEST(LookupSimulatorTest, NoKeyConfiguredAcceptsAnyone) {
  LookupSimulator sim(SimulatorOptions{});
  EXPECT_EQ(sim.Handle(Post(R"({"numbers":["1"]})", "")).status, 200u);
}

TEST(LookupSimulatorTest, InjectedFaultsFollowTheirRates) {
  SimulatorOptions o = Keyed();
  o.error_rate = 0.3;
  o.rate_429 = 0.1;
  o.malformed_rate = 0.1;
  o.seed = 7;
  LookupSimulator sim(o);
  std::vector<std::string> numbers = {"447400123450"};
  const std::string body = EncodeLookupRequest(numbers);
  int errors = 0, throttled = 0, malformed = 0, good = 0;
  for (int i = 0; i < 2000; ++i) {
    SimulatorReply res = sim.Handle(Post(body));
    if (res.status == 503) {
      ++errors;
    } else if (res.status == 429) {
      ++throttled;
      EXPECT_EQ(res.header_name, "Retry-After");
      EXPECT_EQ(res.header_value, "1");
    } else if (ParseLookupResults(res.body, numbers).ok()) {
      ++good;
    } else {
      ++malformed;
    }
  }
  EXPECT_NEAR(errors, 600, 90);
  EXPECT_NEAR(throttled, 200, 60);
  EXPECT_NEAR(malformed, 200, 60);
  EXPECT_EQ(errors + throttled + malformed + good, 2000);
  EXPECT_EQ(sim.counters().malformed, malformed);

  // The same seed injects the same faults in the same order.
  LookupSimulator again(o), other(o);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(again.Handle(Post(body)).status,
              other.Handle(Post(body)).status);
  }
}

}  // namespace
}  // namespace phonebulk::lookup
