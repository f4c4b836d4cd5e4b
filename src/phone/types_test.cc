#include "phone/types.h"

#include <gtest/gtest.h>

namespace phonebulk::phone {
namespace {

TEST(TypesTest, PhoneTypeNamesAreTheWireStrings) {
  const struct {
    PhoneType type;
    const char* name;
    const char* title;
  } cases[] = {
      {PhoneType::kMobile, "mobile", "Mobile"},
      {PhoneType::kLandline, "landline", "Landline"},
      {PhoneType::kMobileOrLandline, "mobile or landline",
       "Mobile Or Landline"},
      {PhoneType::kTollFree, "toll free", "Toll Free"},
      {PhoneType::kPremium, "premium", "Premium"},
      {PhoneType::kSharedCost, "shared cost", "Shared Cost"},
      {PhoneType::kVoip, "voip", "Voip"},
      {PhoneType::kPersonalNumber, "personal number", "Personal Number"},
      {PhoneType::kPager, "pager", "Pager"},
      {PhoneType::kUniversalAccessNumber, "universal access number",
       "Universal Access Number"},
      {PhoneType::kVoicemail, "voicemail", "Voicemail"},
      {PhoneType::kUnknown, "unknown", "Unknown"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PhoneTypeName(c.type), c.name);
    EXPECT_EQ(TitleCase(PhoneTypeName(c.type)), c.title);
    EXPECT_EQ(PhoneTypeFromName(c.name), c.type) << c.name;
  }
}

TEST(TypesTest, ConfidenceNamesAreTheWireStringsInContractOrder) {
  const char* names[] = {
      "verified",   "absent",     "teleservice not provisioned",
      "unverified", "unknown",    "no coverage",
      "dead",       "unprocessed"};
  static_assert(std::size(names) == kConfidenceCount);
  for (int i = 0; i < kConfidenceCount; ++i) {
    const auto confidence = static_cast<Confidence>(i);
    EXPECT_EQ(ConfidenceName(confidence), names[i]);
    EXPECT_EQ(ConfidenceFromName(names[i]), confidence) << names[i];
  }
  EXPECT_EQ(TitleCase("teleservice not provisioned"),
            "Teleservice Not Provisioned");
  EXPECT_EQ(TitleCase(ConfidenceName(Confidence::kVerified)), "Verified");
}

TEST(TypesTest, FromNameRejectsAnythingElse) {
  for (const char* name : {"", "Mobile", "MOBILE", "mobile ", "toll-free",
                           "fixed_line", "Verified", "unverified "}) {
    EXPECT_EQ(PhoneTypeFromName(name), std::nullopt) << name;
    EXPECT_EQ(ConfidenceFromName(name), std::nullopt) << name;
  }
}

TEST(TypesTest, TitleCaseEdges) {
  EXPECT_EQ(TitleCase(""), "");
  EXPECT_EQ(TitleCase("a"), "A");
  EXPECT_EQ(TitleCase("already Upper"), "Already Upper");
  EXPECT_EQ(TitleCase("no  double"), "No  Double");
}

TEST(TypesTest, OutputFormatNames) {
  using Kind = OutputFormat::Kind;
  EXPECT_EQ(OutputFormat{}.Name(), "E164");
  EXPECT_EQ((OutputFormat{Kind::kE164, ""}).Name(), "E164");
  EXPECT_EQ((OutputFormat{Kind::kPlusE164, ""}).Name(), "PLUS_E164");
  EXPECT_EQ((OutputFormat{Kind::kNational, ""}).Name(), "NATIONAL");
  EXPECT_EQ((OutputFormat{Kind::kInternational, ""}).Name(), "INTERNATIONAL");
  EXPECT_EQ((OutputFormat{Kind::kDialledFrom, "GBR"}).Name(), "GBR");
}

TEST(TypesTest, PhoneResultDefaults) {
  const PhoneResult r;
  EXPECT_EQ(r.confidence, Confidence::kUnverified);
  EXPECT_EQ(r.phone_type, PhoneType::kUnknown);
  EXPECT_FALSE(r.valid);
  EXPECT_EQ(r.disposable_number, "unknown");
  EXPECT_TRUE(r.ported_date.empty());
}

}  // namespace
}  // namespace phonebulk::phone
