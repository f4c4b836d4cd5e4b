// Live-status semantics: who is looked up, what an answer changes, what it
// costs, and that an unanswered lookup costs nothing.
#include "batch/live_status.h"

#include <gtest/gtest.h>

#include "batch/pipeline.h"
#include "phone/countries.h"
#include "phone/validator.h"

namespace phonebulk::batch {
namespace {

phone::PhoneResult Valid(phone::PhoneType type, const char* iso) {
  phone::PhoneResult r;
  r.valid = true;
  r.phone_type = type;
  r.country_iso = iso;
  r.confidence = phone::Confidence::kUnknown;
  return r;
}

TEST(PlanLookupTest, WhoGetsALookup) {
  BatchConfig plain;
  using T = phone::PhoneType;
  EXPECT_TRUE(PlanLookup(Valid(T::kMobile, "GBR"), plain).lookup);
  EXPECT_TRUE(PlanLookup(Valid(T::kMobileOrLandline, "USA"), plain).lookup);
  EXPECT_FALSE(PlanLookup(Valid(T::kLandline, "GBR"), plain).lookup);
  EXPECT_FALSE(PlanLookup(Valid(T::kTollFree, "GBR"), plain).lookup);
  phone::PhoneResult invalid;
  EXPECT_FALSE(PlanLookup(invalid, plain).lookup);

  BatchConfig sls;
  sls.supplementary_live_status = SupplementaryLiveStatus{{"USA"}, {"GBR"}};
  LookupPlan landline_gb = PlanLookup(Valid(T::kLandline, "GBR"), sls);
  EXPECT_TRUE(landline_gb.lookup);
  EXPECT_TRUE(landline_gb.supplementary);
  EXPECT_FALSE(PlanLookup(Valid(T::kLandline, "FRA"), sls).lookup);
  LookupPlan mobile_us = PlanLookup(Valid(T::kMobile, "USA"), sls);
  EXPECT_TRUE(mobile_us.lookup && mobile_us.supplementary);
  LookupPlan mobile_gb = PlanLookup(Valid(T::kMobile, "GBR"), sls);
  EXPECT_TRUE(mobile_gb.lookup);
  EXPECT_FALSE(mobile_gb.supplementary);
}

TEST(ApplyAnswerTest, StatusesMapToConfidences) {
  using S = lookup::LiveStatus;
  using C = phone::Confidence;
  struct Case {
    S status;
    C confidence;
    const char* network;
  } cases[] = {
      {S::kLive, C::kVerified, "available"},
      {S::kAbsent, C::kAbsent, "unavailable"},
      {S::kDead, C::kDead, "dead"},
      {S::kNoTeleservice, C::kTeleserviceNotProvisioned, "unavailable"},
      {S::kNoCoverage, C::kNoCoverage, "unavailable"},
      {S::kUnknown, C::kUnknown, ""},
  };
  for (const Case& c : cases) {
    phone::PhoneResult r = Valid(phone::PhoneType::kMobile, "GBR");
    lookup::LookupAnswer a;
    a.status = c.status;
    ApplyAnswer(a, false, &r);
    EXPECT_EQ(r.confidence, c.confidence) << lookup::LiveStatusName(c.status);
    EXPECT_EQ(r.network_status, c.network);
  }
}

TEST(ApplyAnswerTest, PortingFields) {
  phone::PhoneResult r = Valid(phone::PhoneType::kMobile, "GBR");
  r.original_operator_name = r.operator_name = "O2";
  r.is_ported = "unknown";
  lookup::LookupAnswer a;
  a.status = lookup::LiveStatus::kLive;
  a.operator_name = "Vodafone";
  a.mccmnc = "23415";
  a.ported = true;
  a.ported_date = "2019-08-21T00:00:00Z";
  ApplyAnswer(a, /*get_ported_date=*/true, &r);
  EXPECT_EQ(r.operator_name, "Vodafone");
  EXPECT_EQ(r.original_operator_name, "O2");
  EXPECT_EQ(r.home_network_identity, "23415");
  EXPECT_EQ(r.is_ported, "yes");
  EXPECT_EQ(r.ported_date, "2019-08-21T00:00:00Z");

  phone::PhoneResult not_ported = Valid(phone::PhoneType::kMobile, "GBR");
  not_ported.ported_date = "unknown";
  a.ported = false;
  ApplyAnswer(a, true, &not_ported);
  EXPECT_EQ(not_ported.is_ported, "no");
  EXPECT_EQ(not_ported.ported_date, "not applicable");
}

// A scripted source: answers live for numbers ending in an even digit and
// nothing for the rest.
class ScriptedSource : public lookup::LookupSource {
 public:
  std::vector<std::optional<lookup::LookupAnswer>> Lookup(
      std::span<const std::string> numbers, absl::Time) override {
    ++calls;
    std::vector<std::optional<lookup::LookupAnswer>> out;
    for (const std::string& n : numbers) {
      asked.push_back(n);
      if ((n.back() - '0') % 2 == 0) {
        lookup::LookupAnswer a;
        a.number = n;
        a.status = lookup::LiveStatus::kLive;
        a.ported = true;
        a.ported_date = "2020-01-01T00:00:00Z";
        out.push_back(a);
      } else {
        out.push_back(std::nullopt);
      }
    }
    return out;
  }
  lookup::LookupStats stats() const override { return {}; }
  std::string_view kind() const override { return "scripted"; }
  int calls = 0;
  std::vector<std::string> asked;
};

TEST(ProcessPhonesTest, ChargesOnlyAnsweredLookups) {
  phone::Validator validator(phone::Countries::Default());
  ScriptedSource source;
  Engine engine{validator, nullptr, &source};
  BatchConfig config;
  config.get_ported_date = true;
  config.supplementary_live_status = SupplementaryLiveStatus{{}, {"GBR"}};
  std::vector<model::PhoneInput> phones = {
      {"+447400123456", ""},  // mobile, answered: verified, date +1
      {"+447400123457", ""},  // mobile, unanswered: offline, 1 credit
      {"+441206250380", ""},  // GB landline, supplementary, answered: +1 +1
      {"+33140000000", ""},   // FR landline: not looked up
      {"junk", ""},           // invalid: not looked up
  };
  std::vector<PhoneOutcome> out =
      ProcessPhones(engine, phones, config, absl::Now() + absl::Seconds(5));
  ASSERT_EQ(out.size(), 5u);
  EXPECT_EQ(source.calls, 1);
  EXPECT_EQ(source.asked.size(), 3u);
  EXPECT_EQ(out[0].result.confidence, phone::Confidence::kVerified);
  EXPECT_EQ(out[0].charge, 2);
  EXPECT_EQ(out[1].result.confidence, phone::Confidence::kUnknown);
  EXPECT_EQ(out[1].result.ported_date, "unknown");
  EXPECT_EQ(out[1].charge, 1);
  EXPECT_EQ(out[2].result.confidence, phone::Confidence::kVerified);
  EXPECT_EQ(out[2].charge, 3);
  EXPECT_EQ(out[3].charge, 1);
  EXPECT_EQ(out[4].result.confidence, phone::Confidence::kUnverified);
  EXPECT_EQ(out[4].charge, 1);

  // Without a source nothing is asked and nothing extra is charged.
  Engine offline{validator, nullptr, nullptr};
  for (const PhoneOutcome& o :
       ProcessPhones(offline, phones, config, absl::Now())) {
    EXPECT_EQ(o.charge, 1);
  }
}

}  // namespace
}  // namespace phonebulk::batch
