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
    EXPECT_EQ(blob.find("\x02vr") == std::string::npos, r.valid) << i;
    absl::StatusOr<PhoneResult> back = DecodeResult(blob);
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->invalid_reason, r.invalid_reason) << blob;
  }
  EXPECT_FALSE(
      DecodeResult(R"({"t":"unknown","c":"unverified","vr":"bogus"})").ok());
}

// Every stored field set, with text no JSON would take as is.
PhoneResult FullResult() {
  PhoneResult r;
  int i = 0;
  for (const auto& [name, member] : StoredStrings()) {
    r.*member =
        std::string(name) + " \"q\" \\ \n \xc3\xa9 " + std::to_string(i++);
  }
  r.phone_type = phone::PhoneType::kVoicemail;
  r.confidence = phone::Confidence::kTeleserviceNotProvisioned;
  r.invalid_reason = phone::InvalidReason::kTooShort;
  r.valid = false;
  return r;
}

void ExpectSameStoredFields(const PhoneResult& a, const PhoneResult& b) {
  for (const auto& [name, member] : StoredStrings()) {
    EXPECT_EQ(a.*member, b.*member) << name;
  }
  EXPECT_EQ(a.phone_type, b.phone_type);
  EXPECT_EQ(a.confidence, b.confidence);
  EXPECT_EQ(a.invalid_reason, b.invalid_reason);
  EXPECT_EQ(a.valid, b.valid);
}

TEST(ResultCodecTest, WritesTheVersionedBinaryLayout) {
  const PhoneResult r = FullResult();
  const std::string blob = EncodeResult(r);
  ASSERT_FALSE(blob.empty());
  EXPECT_EQ(blob.front(), kBinaryResultVersion);
  EXPECT_LT(blob.size(), EncodeResultAsJsonForTesting(r).size());
}

// Rows written by earlier releases hold JSON; they must decode exactly as
// the binary layout of the same result does, field by field.
TEST(ResultCodecTest, JsonRowsOfEarlierReleasesDecodeLikeBinaryOnes) {
  for (bool valid : {false, true}) {
    PhoneResult r = FullResult();
    r.valid = valid;
    if (valid) r.invalid_reason = phone::InvalidReason::kNone;
    absl::StatusOr<PhoneResult> from_json =
        DecodeResult(EncodeResultAsJsonForTesting(r));
    absl::StatusOr<PhoneResult> from_binary = DecodeResult(EncodeResult(r));
    ASSERT_TRUE(from_json.ok()) << from_json.status();
    ASSERT_TRUE(from_binary.ok()) << from_binary.status();
    ExpectSameStoredFields(*from_json, r);
    ExpectSameStoredFields(*from_binary, r);
  }
}

// Lengths of 128 bytes and more take a second varint byte, 16,384 a third.
TEST(ResultCodecTest, LongValuesRoundTrip) {
  for (size_t size : {127u, 128u, 300u, 16383u, 16384u, 100000u}) {
    PhoneResult r;
    r.operator_name = std::string(size, 'x');
    r.country_name = "after";
    absl::StatusOr<PhoneResult> back = DecodeResult(EncodeResult(r));
    ASSERT_TRUE(back.ok()) << back.status();
    EXPECT_EQ(back->operator_name, r.operator_name) << size;
    EXPECT_EQ(back->country_name, "after") << size;
  }
}

TEST(ResultCodecTest, BinarySkipsUnknownKeysAndRefusesCutBlobs) {
  const std::string blob = EncodeResult(FullResult());
  // A field a later release may add: skipped, like an unknown JSON key.
  std::string with_unknown = blob;
  with_unknown.insert(1, std::string("\x02zz\x03"
                                     "abc",
                                     7));
  absl::StatusOr<PhoneResult> back = DecodeResult(with_unknown);
  ASSERT_TRUE(back.ok()) << back.status();
  ExpectSameStoredFields(*back, FullResult());
  // The last field is cut short, its length runs past the end, or a key
  // runs past the end.
  EXPECT_FALSE(DecodeResult(blob.substr(0, blob.size() - 1)).ok());
  EXPECT_FALSE(DecodeResult(blob + "\x02zz\x05"
                                   "ab")
                   .ok());
  EXPECT_FALSE(DecodeResult(blob + "\x01t\xff").ok());  // unfinished varint
  EXPECT_FALSE(DecodeResult(blob + "\x09t").ok());
  // Only the version byte: no type, no confidence.
  EXPECT_FALSE(DecodeResult(std::string(1, kBinaryResultVersion)).ok());
  EXPECT_FALSE(DecodeResult("").ok());
}

TEST(ResultCodecTest, RefusesDamage) {
  EXPECT_FALSE(DecodeResult("[]").ok());
  EXPECT_FALSE(DecodeResult(R"({"v":"1","c":"verified"})").ok());  // no type
  EXPECT_FALSE(DecodeResult(R"({"t":"mobile","c":"Verified"})").ok());
  EXPECT_TRUE(DecodeResult(R"({"t":"mobile","c":"verified","zz":1})").ok());
}

}  // namespace
}  // namespace phonebulk::batch
