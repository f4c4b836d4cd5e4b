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
       "Mobile or landline"},
      {PhoneType::kTollFree, "toll free", "Toll free"},
      {PhoneType::kPremium, "premium", "Premium"},
      {PhoneType::kSharedCost, "shared cost", "Shared cost"},
      {PhoneType::kVoip, "voip", "VoIP"},
      {PhoneType::kPersonalNumber, "personal number", "Personal number"},
      {PhoneType::kPager, "pager", "Pager"},
      {PhoneType::kUniversalAccessNumber, "universal access number",
       "Universal access number"},
      {PhoneType::kVoicemail, "voicemail", "Voicemail only"},
      {PhoneType::kUnknown, "unknown", "Unknown"},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(PhoneTypeName(c.type), c.name);
    EXPECT_EQ(PhoneTypeWord(c.type, WireApi::kBulk), c.name);
    EXPECT_EQ(PhoneTypeWord(c.type, WireApi::kRealTime), c.title);
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
}

TEST(TypesTest, RealTimeConfidenceWordsAreTheProvidersSentenceCase) {
  const char* words[] = {"Verified",   "Absent",  "Teleservice not provisioned",
                         "Unverified", "Unknown", "No coverage",
                         "Dead"};
  for (int i = 0; i < static_cast<int>(std::size(words)); ++i) {
    EXPECT_EQ(ConfidenceWord(static_cast<Confidence>(i), WireApi::kRealTime),
              words[i]);
  }
}

TEST(TypesTest, StatusWordsMapBulkWordsAndPassOtherTextThrough) {
  const struct {
    const char* bulk;
    const char* real_time;
  } cases[] = {{"yes", "Yes"},
               {"no", "No"},
               {"unknown", "Unknown"},
               {"available", "Available"},
               {"unavailable", "Unavailable"},
               {"dead", "Dead"},
               {"not applicable", "Not applicable"}};
  for (const auto& c : cases) {
    EXPECT_EQ(StatusWord(c.bulk, WireApi::kBulk), c.bulk);
    EXPECT_EQ(StatusWord(c.bulk, WireApi::kRealTime), c.real_time);
  }
  EXPECT_EQ(StatusWords().size(), std::size(cases));
  for (const char* other : {"", "2025-09-10T01:02:03.004005Z", "Yes"}) {
    EXPECT_EQ(StatusWord(other, WireApi::kRealTime), other);
  }
}

// The bulk column of each table is exactly what the bulk names return (and
// what results are stored as), so one table serves both APIs.
TEST(TypesTest, BulkNamesAreTheTablesBulkColumn) {
  ASSERT_EQ(PhoneTypeWords().size(),
            static_cast<size_t>(PhoneType::kUnknown) + 1);
  for (size_t i = 0; i < PhoneTypeWords().size(); ++i) {
    EXPECT_EQ(PhoneTypeName(static_cast<PhoneType>(i)),
              PhoneTypeWords()[i].bulk);
  }
  ASSERT_EQ(ConfidenceWords().size(), static_cast<size_t>(kConfidenceCount));
  for (size_t i = 0; i < ConfidenceWords().size(); ++i) {
    EXPECT_EQ(ConfidenceName(static_cast<Confidence>(i)),
              ConfidenceWords()[i].bulk);
  }
}

TEST(TypesTest, FromNameRejectsAnythingElse) {
  for (const char* name : {"", "Mobile", "MOBILE", "mobile ", "toll-free",
                           "fixed_line", "Verified", "unverified "}) {
    EXPECT_EQ(PhoneTypeFromName(name), std::nullopt) << name;
    EXPECT_EQ(ConfidenceFromName(name), std::nullopt) << name;
  }
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
