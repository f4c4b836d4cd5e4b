// What one phone's result looks like: output formats (E164, PLUS_E164,
// NATIONAL, INTERNATIONAL, "as dialled from" a country), default vs
// per-phone country, international parsing without a country, invalid,
// unparseable and empty numbers, per-phone metadata and ported dates.
//
// Expected values were computed with libphonenumber 8.12 (the version the
// service links); offline, a valid number's confidence is "unknown".

#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class FormatsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("formats-acct");
  }

  // Creates, starts and waits for a batch; returns its results response.
  HttpResponse RunBatch(const Json& body, const Headers& results_headers = {}) {
    std::string id = CreateBatchId(token_, body);
    if (id.empty()) return {};
    HttpResponse start = StartBatch(token_, id);
    EXPECT_EQ(start.status, 200) << start.Evidence();
    WaitForStatus(token_, id, "completed", 20s);
    return BatchResults(token_, id, results_headers);
  }

  // The `phones` array of a results response (checked to have `n` items).
  Json Phones(const HttpResponse& r, size_t n) {
    EXPECT_EQ(r.status, 200) << r.Evidence();
    Json phones = r.JsonBody()["result"]["phones"];
    EXPECT_TRUE(phones.is_array() && phones.size() == n)
        << "want " << n << " phones" << r.Evidence();
    if (!phones.is_array() || phones.size() != n) return Json::array();
    return phones;
  }

  std::string token_;
};

// Checks the fields common to every phone result.
void ExpectPhone(const Json& phone, const std::string& number, const std::string& validated,
                 const std::string& formatted, const std::string& type,
                 const std::string& confidence) {
  SCOPED_TRACE(phone.dump());
  EXPECT_EQ(phone.value("number", "?"), number);
  EXPECT_EQ(phone.value("validated_phone_number", "?"), validated);
  EXPECT_EQ(phone.value("formatted_phone_number", "?"), formatted);
  EXPECT_EQ(phone.value("phone_type", "?"), type);
  EXPECT_EQ(phone.value("confidence", "?"), confidence);
  EXPECT_EQ(phone.value("disposable_number", "?"), "unknown");
  EXPECT_EQ(FindNulls(phone), "");
}

TEST_F(FormatsTest, OutputFormats) {
  struct Case {
    std::string format, formatted;
  };
  const std::vector<Case> cases = {
      {"E164", "12026298914"},
      {"PLUS_E164", "+12026298914"},
      {"NATIONAL", "(202) 629-8914"},
      {"INTERNATIONAL", "+1 202-629-8914"},
      {"GBR", "00 1 202-629-8914"},
  };
  for (const Case& c : cases) {
    Json body = {{"defaults", {{"output_format", c.format}}},
                 {"phones", {{{"number", "2026298914"}, {"country_iso", "USA"}}}}};
    HttpResponse r = RunBatch(body);
    Json phones = Phones(r, 1);
    if (phones.empty()) continue;
    SCOPED_TRACE("output_format " + c.format);
    ExpectPhone(phones[0], "2026298914", "12026298914", c.formatted, "mobile or landline",
                "unknown");
    EXPECT_FALSE(phones[0].contains("ported_date")) << "ported_date without get_ported_date";
    EXPECT_FALSE(phones[0].contains("metadata")) << "metadata without Add-Metadata";
  }
  // Without any output_format, E164 is the default.
  Json plain = {{"phones", {{{"number", "2026298914"}, {"country_iso", "USA"}}}}};
  Json phones = Phones(RunBatch(plain), 1);
  if (!phones.empty()) {
    EXPECT_EQ(phones[0].value("formatted_phone_number", "?"), "12026298914");
  }
}

TEST_F(FormatsTest, PerPhoneCountryOverridesTheDefault) {
  Json body = {{"defaults", {{"country_iso", "GBR"}}},
               {"phones",
                {{{"number", "01206250380"}},
                 {{"number", "2026298914"}, {"country_iso", "USA"}},
                 {{"number", "07400123456"}}}}};
  Json phones = Phones(RunBatch(body), 3);
  if (phones.empty()) return;
  ExpectPhone(phones[0], "01206250380", "441206250380", "441206250380", "landline", "unknown");
  ExpectPhone(phones[1], "2026298914", "12026298914", "12026298914", "mobile or landline",
              "unknown");
  ExpectPhone(phones[2], "07400123456", "447400123456", "447400123456", "mobile", "unknown");
}

TEST_F(FormatsTest, InternationalParsingWithoutCountry) {
  Json body = PhonesBody({"441206250380", "+441206250380", "00441206250380", "12269724276",
                          "+44 (0)1206 250380"});
  Json phones = Phones(RunBatch(body), 5);
  if (phones.empty()) return;
  for (int i = 0; i < 3; ++i) {
    ExpectPhone(phones[i], body["phones"][i]["number"], "441206250380", "441206250380",
                "landline", "unknown");
  }
  ExpectPhone(phones[3], "12269724276", "12269724276", "12269724276", "mobile or landline",
              "unknown");
  EXPECT_EQ(phones[4].value("validated_phone_number", "?"), "441206250380") << phones[4].dump();
}

TEST_F(FormatsTest, InvalidUnparseableAndEmptyNumbers) {
  Json body = {{"defaults", {{"output_format", "PLUS_E164"}}},
               {"phones",
                {{{"number", "2020000000"}, {"country_iso", "USA"}},
                 {{"number", "not a number"}, {"country_iso", "USA"}},
                 {{"number", ""}},
                 {{"number", "441206250380"}}}}};
  HttpResponse r = RunBatch(body);
  Json phones = Phones(r, 4);
  if (phones.empty()) return;
  // Invalid but parseable: validated and formatted are still filled.
  ExpectPhone(phones[0], "2020000000", "12020000000", "+12020000000", "unknown", "unverified");
  // Not parseable at all.
  ExpectPhone(phones[1], "not a number", "", "", "unknown", "unverified");
  // Empty: a record like any other, unverified with empty strings.
  ExpectPhone(phones[2], "", "", "", "unknown", "unverified");
  ExpectPhone(phones[3], "441206250380", "441206250380", "+441206250380", "landline",
              "unknown");
  Json result = r.JsonBody()["result"];
  EXPECT_EQ(result.value("credits_charged", -1), 4) << "every record is charged" << r.Evidence();
  EXPECT_TRUE(HasStatistics(
      result, {"unverified", "unverified", "unverified", "unknown"}, 4))
      << r.Evidence();
}

TEST_F(FormatsTest, AddMetadataGivesCountryFieldsAndTheirOriginals) {
  Json body = {{"phones",
                {{{"number", "2026298914"}, {"country_iso", "USA"}},
                 {{"number", "+441206250380"}},
                 {{"number", "12269724276"}},
                 {{"number", ""}}}}};
  HttpResponse r = RunBatch(body, {{"Add-Metadata", "true"}});
  Json phones = Phones(r, 4);
  if (phones.empty()) return;
  struct Want {
    const char* prefix;
    const char* iso;
  };
  const Want wants[] = {{"1", "USA"}, {"44", "GBR"}, {"1", "CAN"}};
  for (int i = 0; i < 3; ++i) {
    SCOPED_TRACE(phones[i].dump());
    Json m = phones[i]["metadata"];
    ASSERT_TRUE(m.is_object()) << "no metadata with Add-Metadata: true";
    EXPECT_EQ(m.value("country_prefix", "?"), wants[i].prefix);
    EXPECT_EQ(m.value("country_iso", "?"), wants[i].iso);
    EXPECT_FALSE(m.value("country_name", "").empty());
    EXPECT_EQ(m.value("original_country_prefix", "?"), wants[i].prefix);
    EXPECT_EQ(m.value("original_country_iso", "?"), wants[i].iso);
    EXPECT_EQ(m.value("original_country_name", "?"), m.value("country_name", "!"));
    for (auto it = m.begin(); it != m.end(); ++it) {
      EXPECT_TRUE(it.value().is_string()) << it.key();
      if (it.value().is_string()) {
        EXPECT_FALSE(it.value().get<std::string>().empty())
            << "metadata." << it.key() << " is empty; fields with no value are left out";
      }
    }
  }
  EXPECT_EQ(phones[1]["metadata"].value("country_name", ""), "United Kingdom");
  EXPECT_EQ(phones[2]["metadata"].value("country_name", ""), "Canada");
  // The empty number has no country: its metadata (if any) has no country keys.
  if (phones[3].contains("metadata")) {
    EXPECT_FALSE(phones[3]["metadata"].contains("country_iso")) << phones[3].dump();
  }
  // Without the header, no metadata at all.
  std::string id = r.JsonBody()["result"].value("batch_id", "");
  HttpResponse plain = BatchResults(token_, id);
  Json plain_phones = plain.JsonBody()["result"]["phones"];
  for (const Json& p : plain_phones) {
    EXPECT_FALSE(p.contains("metadata")) << plain.Evidence();
  }
}

// Odd strings come back byte for byte in `number` and do not break anything.
TEST_F(FormatsTest, OddNumbersRoundTrip) {
  const std::vector<std::string> odd = {
      std::string(1000, '9'), "\"quoted\" <b>&amp;", "tab\there\nnewline", "\x01\x02\x7f",
      "caf\xc3\xa9 \xe2\x98\x8e +44 1206 250380", "\xef\xbc\x92\xef\xbc\x90\xef\xbc\x92",
      "+", "00", "+0", "1e10", "-1"};
  Json body = PhonesBody(odd);
  HttpResponse r = RunBatch(body);
  Json phones = Phones(r, odd.size());
  if (phones.empty()) return;
  for (size_t i = 0; i < odd.size(); ++i) {
    EXPECT_EQ(phones[i].value("number", "<absent>"), odd[i]) << "position " << i;
    EXPECT_FALSE(phones[i].value("confidence", "").empty()) << phones[i].dump();
  }
  EXPECT_EQ(phones[0].value("confidence", ""), "unverified") << phones[0].dump();
}

TEST_F(FormatsTest, PortedDateIsUnknownOffline) {
  Json body = {{"defaults", {{"get_ported_date", true}}},
               {"phones",
                {{{"number", "2026298914"}, {"country_iso", "USA"}},
                 {{"number", "+447400123456"}}}}};
  HttpResponse r = RunBatch(body);
  Json phones = Phones(r, 2);
  if (phones.empty()) return;
  for (const Json& p : phones) {
    EXPECT_EQ(p.value("ported_date", "<absent>"), "unknown") << p.dump();
  }
  // "unknown" is not a ported date that was returned: no extra credit.
  EXPECT_EQ(r.JsonBody()["result"].value("credits_charged", -1), 2) << r.Evidence();
  Json off = {{"defaults", {{"get_ported_date", false}}},
              {"phones", {{{"number", "+447400123456"}}}}};
  Json phones_off = Phones(RunBatch(off), 1);
  if (!phones_off.empty()) {
    EXPECT_FALSE(phones_off[0].contains("ported_date")) << phones_off[0].dump();
  }
}

}  // namespace
}  // namespace phonebulk::it
