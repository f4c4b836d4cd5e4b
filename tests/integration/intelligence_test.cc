// Offline phone intelligence end to end (issue 3), through the real server
// and the Bulk API: operator names and MCC/MNC for known numbers of 14
// countries, the country fields, is_ported "unknown" without a porting
// source, the opt-in extensions (include=location,time_zones), and a
// disposable list reloaded without a restart.
//
// Every expected value was looked up by hand in the data the service is
// built from, never copied from the service's own output:
// - operator names: libphonenumber 8.12.57's carrier prefix data, as shipped
//   in Debian's python3-phonenumbers 8.12.57-4
//   (`phonenumbers.carrier.name_for_valid_number(n, "en")`);
// - MCC/MNC: Debian's mobile-broadband-provider-info 20230416-1,
//   /usr/share/mobile-broadband-provider-info/serviceproviders.xml
//   (<country code=..><provider><name> with its <network-id mcc mnc>), as
//   matched in the generated build*/src/phone/prefix_tables/operators.txt;
//   where that table has no code (no certain match) the field must be absent;
// - country names: Debian's iso-codes 4.15.0,
//   /usr/share/iso-codes/json/iso_3166-1.json;
// - location and time zones: libphonenumber 8.12.57's geocoding and
//   time-zone data (`phonenumbers.geocoder.description_for_number`,
//   `phonenumbers.timezone.time_zones_for_number`).

#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

const Headers kAddMetadata = {{"Add-Metadata", "true"}};

class IntelligenceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("intel-acct");
  }

  // Runs a batch to completion; returns its results' `phones` (checked to
  // hold `n` items), fetched with the query `query` (e.g.
  // "?include=location") and `headers`. Adds a failure and returns [] on
  // any error.
  Json RunBatch(const Json& body, size_t n, const std::string& query = "",
                const Headers& headers = kAddMetadata) {
    std::string id = CreateBatchId(token_, body);
    if (id.empty()) return Json::array();
    HttpResponse start = StartBatch(token_, id);
    EXPECT_EQ(start.status, 200) << start.Evidence();
    Json status = WaitForStatus(token_, id, "completed", 20s);
    EXPECT_EQ(status["result"].value("status", "?"), "completed") << status;
    HttpResponse r =
        Call("GET", BatchPath(id) + "/results" + query, token_, "", headers);
    EXPECT_EQ(r.status, 200) << r.Evidence();
    Json phones = r.JsonBody()["result"]["phones"];
    if (!phones.is_array() || phones.size() != n) {
      ADD_FAILURE() << "want " << n << " phones" << r.Evidence();
      return Json::array();
    }
    return phones;
  }

  std::string token_;
};

// One known number and what the data sources say about it.
struct Known {
  std::string number;         // E.164 digits, submitted without a country
  std::string type;           // phone_type
  std::string operator_name;  // "" for none (then no operator fields)
  std::string mccmnc;         // "" when the data has no certain code
  std::string prefix, country_name, alpha3;
  std::string source;  // where the operator and code come from
};

TEST_F(IntelligenceTest, KnownNumbersOfFourteenCountries) {
  // "pn" = python3-phonenumbers 8.12.57 carrier data (carrier/data/*.py);
  // "mbpi" = mobile-broadband-provider-info serviceproviders.xml.
  const std::vector<Known> cases = {
      // pn: 447500 -> Vodafone; mbpi gb "Vodafone" 234/15.
      {"447500123456", "mobile", "Vodafone", "23415", "44", "United Kingdom",
       "GBR", "pn 447500; mbpi gb Vodafone 234-15"},
      // pn: 49172 -> Vodafone; operators.txt has no certain DE code for it.
      {"4917212345678", "mobile", "Vodafone", "", "49", "Germany", "DEU",
       "pn 49172; no certain mbpi match"},
      // pn: 33607 -> Orange France; no certain mbpi match.
      {"33607123456", "mobile", "Orange France", "", "33", "France", "FRA",
       "pn 33607; no certain mbpi match"},
      // pn: 919876 -> Airtel; India's Airtel has many MNCs, none certain.
      {"919876543210", "mobile", "Airtel", "", "91", "India", "IND",
       "pn 919876; no certain mbpi match"},
      // pn: 5511991 -> Claro; mbpi br "Claro" 724/05.
      {"5511991234567", "mobile", "Claro", "72405", "55", "Brazil", "BRA",
       "pn 5511991; mbpi br Claro 724-05"},
      // pn: 234803 -> MTN; no certain mbpi match for Nigeria's MTN.
      {"2348031234567", "mobile", "MTN", "", "234", "Nigeria", "NGA",
       "pn 234803; no certain mbpi match"},
      // pn: 25471 -> Safaricom; mbpi ke "Safaricom" 639/02.
      {"254712123456", "mobile", "Safaricom", "63902", "254", "Kenya", "KEN",
       "pn 25471; mbpi ke Safaricom 639-02"},
      // pn: 2783 -> MTN; mbpi za "MTN" 655/10.
      {"27831234567", "mobile", "MTN", "65510", "27", "South Africa", "ZAF",
       "pn 2783; mbpi za MTN 655-10"},
      // pn: 61400 -> Telstra; mbpi au "Telstra" 505/01.
      {"61400123456", "mobile", "Telstra", "50501", "61", "Australia", "AUS",
       "pn 61400; mbpi au Telstra 505-01"},
      // pn: 9053 -> Turkcell; mbpi tr "Turkcell" 286/01. iso-codes 4.15
      // names the country "Türkiye".
      {"905321234567", "mobile", "Turkcell", "28601", "90", "Türkiye", "TUR",
       "pn 9053; mbpi tr Turkcell 286-01"},
      // pn: 3933 -> TIM; mbpi it "TIM" 222/01.
      {"393331234567", "mobile", "TIM", "22201", "39", "Italy", "ITA",
       "pn 3933; mbpi it TIM 222-01"},
      // pn: 34630 -> Movistar; no certain mbpi match.
      {"34630123456", "mobile", "Movistar", "", "34", "Spain", "ESP",
       "pn 34630; no certain mbpi match"},
      // pn: 9234 -> Telenor; mbpi pk "Telenor" 410/06.
      {"923451234567", "mobile", "Telenor", "41006", "92", "Pakistan", "PAK",
       "pn 9234; mbpi pk Telenor 410-06"},
      // pn: 2010 -> Vodafone; mbpi eg "Vodafone" 602/02.
      {"201001234567", "mobile", "Vodafone", "60202", "20", "Egypt", "EGY",
       "pn 2010; mbpi eg Vodafone 602-02"},
      // Landline and "mobile or landline" numbers: libphonenumber names
      // carriers only for mobile, fixed-or-mobile and pager numbers, and
      // its data has no carrier for either of these ranges.
      {"441206250380", "landline", "", "", "44", "United Kingdom", "GBR",
       "pn: no carrier for landlines"},
      {"12026298914", "mobile or landline", "", "", "1", "United States", "USA",
       "pn: no carrier data for 1202"},
  };
  std::vector<std::string> numbers;
  for (const Known& c : cases) numbers.push_back(c.number);
  Json phones = RunBatch(PhonesBody(numbers), cases.size());
  if (phones.empty()) return;
  for (size_t i = 0; i < cases.size(); ++i) {
    const Known& c = cases[i];
    const Json& p = phones[i];
    SCOPED_TRACE(c.number + " (" + c.source + "): " + p.dump());
    EXPECT_EQ(p.value("number", "?"), c.number);
    EXPECT_EQ(p.value("validated_phone_number", "?"), c.number);
    EXPECT_EQ(p.value("phone_type", "?"), c.type);
    EXPECT_EQ(p.value("confidence", "?"), "unknown");  // no live source
    EXPECT_EQ(p.value("disposable_number", "?"), "unknown");
    EXPECT_FALSE(p.contains("location")) << "extension without include";
    EXPECT_FALSE(p.contains("time_zones")) << "extension without include";
    EXPECT_EQ(FindNulls(p), "");
    ASSERT_TRUE(p.contains("metadata") && p["metadata"].is_object());
    const Json& m = p["metadata"];
    for (const char* key : {"original_operator_name", "operator_name"}) {
      if (c.operator_name.empty()) {
        EXPECT_FALSE(m.contains(key)) << key;
      } else {
        EXPECT_EQ(m.value(key, "?"), c.operator_name) << key;
      }
    }
    for (const char* key :
         {"original_home_network_identity", "home_network_identity"}) {
      if (c.mccmnc.empty()) {
        EXPECT_FALSE(m.contains(key)) << key << ": a code was guessed";
      } else {
        EXPECT_EQ(m.value(key, "?"), c.mccmnc) << key;
      }
    }
    EXPECT_EQ(m.value("original_country_prefix", "?"), c.prefix);
    EXPECT_EQ(m.value("country_prefix", "?"), c.prefix);
    EXPECT_EQ(m.value("original_country_name", "?"), c.country_name);
    EXPECT_EQ(m.value("country_name", "?"), c.country_name);
    EXPECT_EQ(m.value("original_country_iso", "?"), c.alpha3);
    EXPECT_EQ(m.value("country_iso", "?"), c.alpha3);
    // No porting or live-status source is configured: nothing is invented.
    EXPECT_EQ(m.value("is_ported", "?"), "unknown");
    EXPECT_FALSE(m.contains("network_status"));
    EXPECT_FALSE(m.contains("original_network_status"));
    // Email gateways are for North American operators only.
    EXPECT_FALSE(m.contains("email_to_sms_address"));
  }
}

TEST_F(IntelligenceTest, InvalidNumberGetsNoIntelligence) {
  // 4412345 is too short to be a valid UK number: no operator, no
  // is_ported (the field is for valid numbers only).
  Json phones = RunBatch(PhonesBody({"4412345"}), 1);
  if (phones.empty()) return;
  SCOPED_TRACE(phones[0].dump());
  EXPECT_EQ(phones[0].value("confidence", "?"), "unverified");
  const Json& m = phones[0]["metadata"];
  EXPECT_FALSE(m.contains("operator_name"));
  EXPECT_FALSE(m.contains("home_network_identity"));
  EXPECT_FALSE(m.contains("is_ported"));
}

TEST_F(IntelligenceTest, ExtensionsOnlyWhenIncluded) {
  // pn geocoder: 441206 -> "Colchester", 1202 -> "Washington D.C.";
  // pn time zones: 44 -> Europe/London for a Colchester landline,
  // 1202 -> America/New_York.
  Json body = PhonesBody({"441206250380", "12026298914"});
  struct Query {
    std::string query;
    bool location, time_zones;
  };
  const std::vector<Query> queries = {
      {"", false, false},
      {"?include=location", true, false},
      {"?include=time_zones", false, true},
      {"?include=location,time_zones", true, true},
      // As Python's urlencode and HTML forms write the same query.
      {"?include=location%2Ctime_zones", true, true},
      {"?include=time%5Fzones", false, true},
  };
  for (const Query& q : queries) {
    SCOPED_TRACE("results" + q.query);
    for (const Headers& headers : {Headers{}, kAddMetadata}) {
      Json phones = RunBatch(body, 2, q.query, headers);
      if (phones.empty()) continue;
      EXPECT_EQ(phones[0].contains("location"), q.location) << phones[0];
      EXPECT_EQ(phones[0].contains("time_zones"), q.time_zones) << phones[0];
      EXPECT_EQ(phones[1].contains("location"), q.location) << phones[1];
      EXPECT_EQ(phones[1].contains("time_zones"), q.time_zones) << phones[1];
      EXPECT_EQ(phones[0].contains("metadata"), !headers.empty());
      if (q.location) {
        EXPECT_EQ(phones[0].value("location", "?"), "Colchester");
        EXPECT_EQ(phones[1].value("location", "?"), "Washington D.C.");
      }
      if (q.time_zones) {
        EXPECT_EQ(phones[0]["time_zones"], Json({"Europe/London"}));
        EXPECT_EQ(phones[1]["time_zones"], Json({"America/New_York"}));
      }
    }
  }
}

TEST_F(IntelligenceTest, UnknownIncludeIs400) {
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  for (const char* query :
       {"?include=carrier", "?include=location,weather", "?include=LOCATION"}) {
    SCOPED_TRACE(query);
    HttpResponse r = Call("GET", BatchPath(id) + "/results" + query, token_);
    // The instance is the request path, without its query.
    EXPECT_TRUE(IsErrorResponse(r, 400, BatchPath(id) + "/results"));
    EXPECT_NE(r.JsonBody()["error"].value("detail", "").find("include"),
              std::string::npos)
        << r.Evidence();
    EXPECT_EQ(FindLeak(r.body), "");
  }
}

// The server reads its disposable list from a file it re-reads when the file
// changes; this fixture starts it on an empty list in the temp dir.
class DisposableReloadTest : public IntelligenceTest {
 protected:
  std::string ListPath() const { return dir() + "/disposable.txt"; }

  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = ServerTest::ServerArgs();
    args.push_back("--disposable-file");
    args.push_back(ListPath());
    return args;
  }

  void SetUp() override {
    // The file must exist before the server starts: a missing list stops it.
    WriteList("# no entries yet\n");
    IntelligenceTest::SetUp();
  }

  // Replaces the list the way docs/disposable.md recommends: write a new
  // file beside it and rename it over the old one.
  void WriteList(const std::string& text) {
    std::string tmp = ListPath() + ".new";
    {
      std::ofstream out(tmp, std::ios::trunc);
      out << text;
      ASSERT_TRUE(out.good()) << tmp;
    }
    ASSERT_EQ(std::rename(tmp.c_str(), ListPath().c_str()), 0) << ListPath();
  }

  // How many server log lines contain `text` (each reload logs one).
  int LogCount(std::string_view text) {
    const std::string log = server().StderrText();
    int n = 0;
    for (size_t at = log.find(text); at != std::string::npos;
         at = log.find(text, at + text.size())) {
      ++n;
    }
    return n;
  }

  // Runs batches until the server has logged more than `seen` lines with
  // `text` (it looks at the file at most every 2 s, and only during a
  // lookup, so batches must keep running for it to look), then one batch
  // more, answered by what that look decided. The log line is the proof
  // that the file was read; no fixed wait stands in for it. Empty (a
  // failure added) when it is not logged within 20 s.
  Json RunBatchAfterReload(const Json& body, std::string_view text, int seen) {
    const bool reread = WaitUntil(
        [&] {
          if (RunBatch(body, 2).empty()) return true;  // failure added
          return LogCount(text) > seen;
        },
        20s, 0ms);
    if (!reread) {
      ADD_FAILURE() << "the server did not log '" << text << "' in 20 s";
      return Json::array();
    }
    return RunBatch(body, 2);
  }
};

// What the server logs when it (re)loads the list, and when it keeps the
// old one because the new file is broken (src/phone/disposable.cc).
constexpr std::string_view kListLoaded = ": loaded ";
constexpr std::string_view kListKept = "keeping the previous list";

TEST_F(DisposableReloadTest, ListIsReloadedWithoutRestart) {
  // 447400123456 is a Three UK mobile (pn 447400); 441206250380 is outside
  // the listed range and must stay "unknown" throughout.
  Json body = PhonesBody({"447400123456", "441206250380"});
  Json before = RunBatch(body, 2);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before[0].value("disposable_number", "?"), "unknown") << before;
  EXPECT_EQ(before[1].value("disposable_number", "?"), "unknown") << before;

  pid_t pid = server().pid();
  int loaded = LogCount(kListLoaded);
  WriteList("# test list (docs/disposable.md format)\nrange 447400\n");
  Json after = RunBatchAfterReload(body, kListLoaded, loaded);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after[0].value("disposable_number", "?"), "yes") << after;
  EXPECT_EQ(after[1].value("disposable_number", "?"), "unknown") << after;
  EXPECT_EQ(server().pid(), pid) << "the server was restarted";
  EXPECT_TRUE(server().running());

  // A broken rewrite keeps the list in force (docs/disposable.md).
  // The control: the server logs that it read the broken file, so the
  // number staying "yes" below is the rule at work, not a file not yet read.
  WriteList("range 44a\n");
  Json broken = RunBatchAfterReload(body, kListKept, LogCount(kListKept));
  ASSERT_FALSE(broken.empty());
  EXPECT_EQ(broken[0].value("disposable_number", "?"), "yes") << broken;

  // Emptying the list again turns the number back to "unknown".
  loaded = LogCount(kListLoaded);
  WriteList("\n");
  Json emptied = RunBatchAfterReload(body, kListLoaded, loaded);
  ASSERT_FALSE(emptied.empty());
  EXPECT_EQ(emptied[0].value("disposable_number", "?"), "unknown") << emptied;
}

}  // namespace
}  // namespace phonebulk::it
