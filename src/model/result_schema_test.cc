#include "model/result_schema.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace phonebulk::model {
namespace {

std::vector<std::string_view> Names(std::span<const FieldSpec> specs) {
  std::vector<std::string_view> names;
  for (const FieldSpec& spec : specs) names.push_back(spec.name);
  return names;
}

TEST(ResultSchemaTest, PhoneFieldsFollowTheContractOrder) {
  std::vector<std::string_view> want = {"validated_phone_number",
                                        "formatted_phone_number",
                                        "phone_type",
                                        "confidence",
                                        "ported_date",
                                        "disposable_number",
                                        "valid",
                                        "reason"};
  EXPECT_EQ(Names(PhoneFields()), want);
}

TEST(ResultSchemaTest, MetadataFieldsFollowTheContractOrder) {
  std::vector<std::string_view> want = {"original_operator_name",
                                        "original_network_status",
                                        "original_home_network_identity",
                                        "original_country_prefix",
                                        "original_country_name",
                                        "original_country_iso",
                                        "operator_name",
                                        "network_status",
                                        "home_network_identity",
                                        "country_prefix",
                                        "country_name",
                                        "country_iso",
                                        "is_ported",
                                        "email_to_sms_address",
                                        "email_to_mms_address"};
  EXPECT_EQ(Names(MetadataFields()), want);
}

TEST(ResultSchemaTest, SpecIsIndexedByField) {
  for (const FieldSpec& spec : Fields()) {
    EXPECT_EQ(&Spec(spec.field), &spec) << spec.name;
  }
  EXPECT_EQ(Name(Field::kOriginalOperatorName), "original_operator_name");
}

// The short keys results have always been stored under: changing one would
// make every stored result unreadable.
TEST(ResultSchemaTest, StorageKeysAreTheHistoricalOnes) {
  std::vector<std::pair<Field, std::string_view>> want = {
      {Field::kValidatedPhoneNumber, "v"},
      {Field::kFormattedPhoneNumber, "f"},
      {Field::kPhoneType, "t"},
      {Field::kConfidence, "c"},
      {Field::kValid, "ok"},
      {Field::kCountryPrefix, "cp"},
      {Field::kCountryName, "cn"},
      {Field::kCountryIso, "ci"},
      {Field::kPortedDate, "pd"},
      {Field::kDisposableNumber, "dn"},
      {Field::kOriginalOperatorName, "oo"},
      {Field::kOperatorName, "op"},
      {Field::kOriginalHomeNetworkIdentity, "on"},
      {Field::kHomeNetworkIdentity, "nw"},
      {Field::kOriginalNetworkStatus, "os"},
      {Field::kNetworkStatus, "ns"},
      {Field::kIsPorted, "ip"},
      {Field::kEmailToSmsAddress, "es"},
      {Field::kEmailToMmsAddress, "em"},
      {Field::kReason, "vr"},  // new with include=validity
  };
  for (const auto& [field, key] : want) {
    EXPECT_EQ(Spec(field).storage_key, key) << Name(field);
  }
  std::set<std::string_view> keys;
  for (const FieldSpec& spec : Fields()) {
    if (!spec.storage_key.empty()) {
      EXPECT_TRUE(keys.insert(spec.storage_key).second) << spec.storage_key;
    }
  }
  EXPECT_EQ(keys.size(), want.size());
}

// An original_ field that is not stored reads its current twin's member.
TEST(ResultSchemaTest, UnstoredOriginalsReadTheirCurrentTwin) {
  int unstored = 0;
  for (const FieldSpec& spec : Fields()) {
    if (!spec.storage_key.empty()) continue;
    ++unstored;
    ASSERT_TRUE(spec.name.starts_with("original_")) << spec.name;
    std::string_view current = spec.name.substr(9);
    bool found = false;
    for (const FieldSpec& twin : Fields()) {
      if (twin.name != current) continue;
      found = true;
      EXPECT_EQ(twin.text, spec.text) << spec.name;
      EXPECT_FALSE(twin.storage_key.empty()) << twin.name;
    }
    EXPECT_TRUE(found) << spec.name;
  }
  EXPECT_EQ(unstored, 3);
}

TEST(ResultSchemaTest, WireValuesSpeakEachApisWords) {
  phone::PhoneResult r;
  r.phone_type = phone::PhoneType::kMobileOrLandline;
  r.confidence = phone::Confidence::kNoCoverage;
  r.is_ported = "yes";
  r.ported_date = "2019-08-21T00:00:00Z";
  r.country_name = "United Kingdom";
  using phone::WireApi;
  EXPECT_EQ(WireValue(Spec(Field::kPhoneType), r, WireApi::kBulk),
            "mobile or landline");
  EXPECT_EQ(WireValue(Spec(Field::kPhoneType), r, WireApi::kRealTime),
            "Mobile or landline");
  EXPECT_EQ(WireValue(Spec(Field::kConfidence), r, WireApi::kRealTime),
            "No coverage");
  EXPECT_EQ(WireValue(Spec(Field::kIsPorted), r, WireApi::kRealTime), "Yes");
  EXPECT_EQ(WireValue(Spec(Field::kPortedDate), r, WireApi::kRealTime),
            "2019-08-21T00:00:00Z");
  EXPECT_EQ(WireValue(Spec(Field::kOriginalCountryName), r, WireApi::kBulk),
            "United Kingdom");
  // valid and reason: our words, the same in both APIs.
  EXPECT_EQ(WireValue(Spec(Field::kValid), r, WireApi::kBulk), "no");
  EXPECT_EQ(WireValue(Spec(Field::kReason), r, WireApi::kRealTime), "");
  r.invalid_reason = phone::InvalidReason::kEmpty;
  EXPECT_EQ(WireValue(Spec(Field::kValid), r, WireApi::kRealTime), "empty");
  EXPECT_EQ(WireValue(Spec(Field::kReason), r, WireApi::kBulk),
            "no number given");
  r.invalid_reason = phone::InvalidReason::kTooShort;
  EXPECT_EQ(WireValue(Spec(Field::kValid), r, WireApi::kBulk), "no");
  EXPECT_EQ(WireValue(Spec(Field::kReason), r, WireApi::kBulk), "too short");
  r.valid = true;
  r.invalid_reason = phone::InvalidReason::kNone;
  EXPECT_EQ(WireValue(Spec(Field::kValid), r, WireApi::kBulk), "yes");
}

TEST(ResultSchemaTest, PresenceFollowsTheOptions) {
  const FieldSpec& ported = Spec(Field::kPortedDate);
  const FieldSpec& disposable = Spec(Field::kDisposableNumber);
  EXPECT_FALSE(Included(ported, false, true));
  EXPECT_TRUE(Included(ported, true, false));
  EXPECT_FALSE(Included(disposable, true, false));
  EXPECT_TRUE(Included(disposable, false, true));
  EXPECT_TRUE(Included(Spec(Field::kConfidence), false, false));
  for (Field f : {Field::kValid, Field::kReason}) {
    EXPECT_FALSE(Included(Spec(f), true, true)) << Name(f);
    EXPECT_TRUE(Included(Spec(f), false, false, /*validity=*/true)) << Name(f);
  }
}

TEST(ResultSchemaTest, UnprocessedIsEmptyButTheConfidence) {
  for (const FieldSpec& spec : Fields()) {
    EXPECT_EQ(UnprocessedValue(spec),
              spec.field == Field::kConfidence ? "unprocessed" : "")
        << spec.name;
  }
}

TEST(ResultSchemaTest, SetFromBulkWordRefusesUnknownWords) {
  phone::PhoneResult r;
  EXPECT_TRUE(SetFromBulkWord(Spec(Field::kPhoneType), "voip", &r));
  EXPECT_EQ(r.phone_type, phone::PhoneType::kVoip);
  EXPECT_FALSE(SetFromBulkWord(Spec(Field::kPhoneType), "VoIP", &r));
  EXPECT_FALSE(SetFromBulkWord(Spec(Field::kConfidence), "", &r));
  EXPECT_TRUE(SetFromBulkWord(Spec(Field::kOperatorName), "O2", &r));
  EXPECT_EQ(r.operator_name, "O2");
}

}  // namespace
}  // namespace phonebulk::model
