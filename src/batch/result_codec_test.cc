#include "batch/result_codec.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace phonebulk::batch {
namespace {

using phone::PhoneResult;

// Every stored string member of PhoneResult, listed by hand on purpose: a
// member added to PhoneResult but not to the schema fails here.
const std::vector<std::pair<const char*, std::string PhoneResult::*>>&
StoredStrings() {
  static const auto* members =
      new std::vector<std::pair<const char*, std::string PhoneResult::*>>{
          {"validated_phone_number", &PhoneResult::validated_phone_number},
          {"formatted_phone_number", &PhoneResult::formatted_phone_number},
          {"country_prefix", &PhoneResult::country_prefix},
          {"country_name", &PhoneResult::country_name},
          {"country_iso", &PhoneResult::country_iso},
          {"ported_date", &PhoneResult::ported_date},
          {"disposable_number", &PhoneResult::disposable_number},
          {"original_operator_name", &PhoneResult::original_operator_name},
          {"operator_name", &PhoneResult::operator_name},
          {"original_home_network_identity",
           &PhoneResult::original_home_network_identity},
          {"home_network_identity", &PhoneResult::home_network_identity},
          {"original_network_status", &PhoneResult::original_network_status},
          {"network_status", &PhoneResult::network_status},
          {"is_ported", &PhoneResult::is_ported},
          {"email_to_sms_address", &PhoneResult::email_to_sms_address},
          {"email_to_mms_address", &PhoneResult::email_to_mms_address},
      };
  return *members;
}

TEST(ResultCodecTest, EveryStringFieldRoundTrips) {
  PhoneResult r;
  int i = 0;
  for (const auto& [name, member] : StoredStrings()) {
    r.*member = std::string(name) + " \"value\" " + std::to_string(i++);
  }
  r.phone_type = phone::PhoneType::kVoicemail;
  r.confidence = phone::Confidence::kTeleserviceNotProvisioned;
  r.valid = true;
  absl::StatusOr<PhoneResult> back = DecodeResult(EncodeResult(r));
  ASSERT_TRUE(back.ok()) << back.status();
  for (const auto& [name, member] : StoredStrings()) {
    EXPECT_EQ((*back).*member, r.*member) << name;
  }
  EXPECT_EQ(back->phone_type, r.phone_type);
  EXPECT_EQ(back->confidence, r.confidence);
  EXPECT_TRUE(back->valid);
}

TEST(ResultCodecTest, EmptyStringsStayEmpty) {
  PhoneResult r;
  for (const auto& [name, member] : StoredStrings()) (r.*member).clear();
  absl::StatusOr<PhoneResult> back = DecodeResult(EncodeResult(r));
  ASSERT_TRUE(back.ok()) << back.status();
  for (const auto& [name, member] : StoredStrings()) {
    EXPECT_EQ((*back).*member, "") << name;
  }
  EXPECT_FALSE(back->valid);
}

// A blob exactly as the release before the result schema wrote it: stored
// results must stay readable without a migration.
TEST(ResultCodecTest, ReadsTheHistoricalFormat) {
  absl::StatusOr<PhoneResult> r = DecodeResult(
      R"({"v":"447400123456","f":"07400 123456","t":"mobile","c":"verified",)"
      R"("ok":true,"cp":"44","cn":"United Kingdom","ci":"GBR","pd":"unknown",)"
      R"("dn":"unknown","oo":"O2","op":"Vodafone","on":"23410","nw":"23415",)"
      R"("os":"available","ns":"available","ip":"yes","es":"s@sms","em":"m@mms"})");
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->validated_phone_number, "447400123456");
  EXPECT_EQ(r->formatted_phone_number, "07400 123456");
  EXPECT_EQ(r->phone_type, phone::PhoneType::kMobile);
  EXPECT_EQ(r->confidence, phone::Confidence::kVerified);
  EXPECT_TRUE(r->valid);
  EXPECT_EQ(r->country_prefix, "44");
  EXPECT_EQ(r->country_name, "United Kingdom");
  EXPECT_EQ(r->country_iso, "GBR");
  EXPECT_EQ(r->ported_date, "unknown");
  EXPECT_EQ(r->disposable_number, "unknown");
  EXPECT_EQ(r->original_operator_name, "O2");
  EXPECT_EQ(r->operator_name, "Vodafone");
  EXPECT_EQ(r->original_home_network_identity, "23410");
  EXPECT_EQ(r->home_network_identity, "23415");
  EXPECT_EQ(r->original_network_status, "available");
  EXPECT_EQ(r->network_status, "available");
  EXPECT_EQ(r->is_ported, "yes");
  EXPECT_EQ(r->email_to_sms_address, "s@sms");
  EXPECT_EQ(r->email_to_mms_address, "m@mms");
  // Stored before reasons were kept: none.
  EXPECT_EQ(r->invalid_reason, phone::InvalidReason::kNone);
}

// The reason is stored once, at processing time, in its words under "vr";
// a valid number (kNone) stores no key.
TEST(ResultCodecTest, EveryReasonRoundTrips) {
  for (size_t i = 0; i < phone::InvalidReasonWords().size(); ++i) {
    PhoneResult r;
    r.invalid_reason = static_cast<phone::InvalidReason>(i);
    r.valid = r.invalid_reason == phone::InvalidReason::kNone;
    std::string blob = EncodeResult(r);
    EXPECT_EQ(blob.find("\"vr\"") == std::string::npos, r.valid) << blob;
    absl::StatusOr<PhoneResult> back = DecodeResult(blob);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->invalid_reason, r.invalid_reason) << blob;
  }
  EXPECT_FALSE(
      DecodeResult(R"({"t":"unknown","c":"unverified","vr":"bogus"})").ok());
}

TEST(ResultCodecTest, RefusesDamage) {
  EXPECT_FALSE(DecodeResult("[]").ok());
  EXPECT_FALSE(DecodeResult(R"({"v":"1","c":"verified"})").ok());  // no type
  EXPECT_FALSE(DecodeResult(R"({"t":"mobile","c":"Verified"})").ok());
  EXPECT_TRUE(DecodeResult(R"({"t":"mobile","c":"verified","zz":1})").ok());
}

}  // namespace
}  // namespace phonebulk::batch
