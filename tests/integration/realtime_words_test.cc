// The real-time endpoint as the provider's own SDKs read it (issue 9):
// every phone_type and confidence in the provider's exact sentence-case
// words (one libphonenumber example number per type; every live status
// through a real `phonebulk lookup-sim`), bulk answers for the same numbers
// still in lower case, the request rules, the /phone/validation/v2 alias,
// and XML and MessagePack requests and answers.

#include <fcntl.h>
#include <phonenumbers/phonenumberutil.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <map>
#include <msgpack.hpp>
#include <pugixml.hpp>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

extern char** environ;

namespace phonebulk::it {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr char kValidate[] = "/phone/validate/v2";
constexpr char kAlias[] = "/phone/validation/v2";

// The provider's values, as its SDKs match them (case-sensitively).
const std::set<std::string> kPhoneTypes = {"Mobile",
                                           "Landline",
                                           "Mobile or landline",
                                           "Toll free",
                                           "Premium",
                                           "Shared cost",
                                           "VoIP",
                                           "Pager",
                                           "Universal access number",
                                           "Personal number",
                                           "Voicemail only",
                                           "Unknown"};
const std::set<std::string> kConfidences = {
    "Verified",   "Absent",      "Teleservice not provisioned",
    "Unverified", "No coverage", "Unknown",
    "Dead"};

class RealTimeTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("rt", 100000, {"--products", "phone-validate"});
  }
  HttpResponse Validate(const Json& body, const Headers& extra = {},
                        const char* path = kValidate) {
    return Call("POST", path, token_, body.dump(), extra);
  }
  std::string token_;
};

// libphonenumber's own example number of `type` in the first region that
// has one, as +E.164; "" when no region has one.
std::string ExampleNumber(PhoneNumberUtil::PhoneNumberType type) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    PhoneNumber number;
    if (!util.GetExampleNumberForType(region, type, &number)) continue;
    if (util.GetNumberType(number) != type) continue;
    std::string e164;
    util.Format(number, PhoneNumberUtil::E164, &e164);
    return e164;
  }
  return "";
}

TEST_F(RealTimeTest, EveryPhoneTypeInTheProvidersWords) {
  const struct {
    PhoneNumberUtil::PhoneNumberType type;
    const char* real_time;
    const char* bulk;
  } cases[] = {
      {PhoneNumberUtil::MOBILE, "Mobile", "mobile"},
      {PhoneNumberUtil::FIXED_LINE, "Landline", "landline"},
      {PhoneNumberUtil::FIXED_LINE_OR_MOBILE, "Mobile or landline",
       "mobile or landline"},
      {PhoneNumberUtil::TOLL_FREE, "Toll free", "toll free"},
      {PhoneNumberUtil::PREMIUM_RATE, "Premium", "premium"},
      {PhoneNumberUtil::SHARED_COST, "Shared cost", "shared cost"},
      {PhoneNumberUtil::VOIP, "VoIP", "voip"},
      {PhoneNumberUtil::PERSONAL_NUMBER, "Personal number", "personal number"},
      {PhoneNumberUtil::PAGER, "Pager", "pager"},
      {PhoneNumberUtil::UAN, "Universal access number",
       "universal access number"},
      {PhoneNumberUtil::VOICEMAIL, "Voicemail only", "voicemail"},
  };
  std::vector<std::string> numbers;
  for (const auto& c : cases) {
    std::string number = ExampleNumber(c.type);
    ASSERT_FALSE(number.empty()) << c.real_time;
    numbers.push_back(number);
    HttpResponse r = Validate({{"number", number}});
    ASSERT_EQ(r.status, 200) << r.Evidence();
    Json result = r.JsonBody()["result"];
    EXPECT_EQ(result.value("phone_type", ""), c.real_time) << r.Evidence();
    EXPECT_EQ(result.value("confidence", ""), "Unknown") << r.Evidence();
    EXPECT_TRUE(kPhoneTypes.count(result.value("phone_type", ""))) << number;
  }
  HttpResponse invalid = Validate({{"number", "+1 202 000 0000"}});
  ASSERT_EQ(invalid.status, 200) << invalid.Evidence();
  EXPECT_EQ(invalid.JsonBody()["result"].value("phone_type", ""), "Unknown");
  EXPECT_EQ(invalid.JsonBody()["result"].value("confidence", ""), "Unverified");

  // The same numbers through bulk keep bulk's lower-case words.
  std::string bulk = CreateToken("bulk", 100000, {"--products", "phone-bulk"});
  Json phones = Json::array();
  for (const std::string& n : numbers) phones.push_back({{"number", n}});
  std::string id = CreateBatchId(bulk, {{"phones", phones}});
  ASSERT_EQ(StartBatch(bulk, id).status, 200);
  WaitForStatus(bulk, id, "completed", std::chrono::seconds(60));
  Json results = BatchResults(bulk, id).JsonBody()["result"]["phones"];
  ASSERT_EQ(results.size(), std::size(cases)) << results.dump();
  for (size_t i = 0; i < std::size(cases); ++i) {
    EXPECT_EQ(results[i].value("phone_type", ""), cases[i].bulk) << results[i];
  }
}

TEST_F(RealTimeTest, RequestRules) {
  for (const Json& body : {Json{{"number", ""}}, Json{{"number", "   "}},
                           Json{{"number", "1"}, {"cache_value_days", 31}},
                           Json{{"number", "1"}, {"cache_value_days", -1}}}) {
    EXPECT_TRUE(IsErrorResponse(Validate(body), 400, kValidate)) << body;
  }
  for (int days : {0, 30}) {
    EXPECT_EQ(
        Validate({{"number", "+441206250380"}, {"cache_value_days", days}})
            .status,
        200)
        << days;
  }
  HttpResponse plain = Validate({{"number", "+441206250380"}});
  EXPECT_FALSE(plain.JsonBody().contains("metadata")) << plain.Evidence();
  HttpResponse meta =
      Validate({{"number", "+441206250380"}}, {{"Add-Metadata", "true"}});
  EXPECT_TRUE(meta.JsonBody()["metadata"]["phone_detail"].is_object())
      << meta.Evidence();
}

TEST_F(RealTimeTest, UnknownTokenDetailSaysSoAndWhatToCheck) {
  HttpResponse r =
      Call("POST", kValidate, "pb_nonsense", Json{{"number", "1"}}.dump());
  ASSERT_TRUE(IsErrorResponse(r, 401, kValidate));
  std::string detail = r.JsonBody()["error"].value("detail", "");
  EXPECT_NE(detail.find("not recognised"), std::string::npos) << detail;
  EXPECT_NE(detail.find("Auth-Token"), std::string::npos) << detail;
}

TEST_F(RealTimeTest, AliasAnswersAlikeWithItsOwnMetricsLabel) {
  long long before = Credits("rt").value_or(-1);
  HttpResponse a = Validate({{"number", "+441206250380"}}, {}, kValidate);
  HttpResponse b = Validate({{"number", "+441206250380"}}, {}, kAlias);
  ASSERT_EQ(a.status, 200) << a.Evidence();
  ASSERT_EQ(b.status, 200) << b.Evidence();
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(Credits("rt").value_or(-1), before - 2) << "same charge";
  EXPECT_TRUE(b.HasHeader("X-Rate-Limit-Limit")) << b.Evidence();
  std::string bulk = CreateToken("bulk", 10, {"--products", "phone-bulk"});
  EXPECT_TRUE(IsErrorResponse(
      Call("POST", kAlias, bulk, Json{{"number", "1"}}.dump()), 403, kAlias));
  EXPECT_TRUE(IsErrorResponse(Call("GET", kAlias, token_), 405, kAlias));
  EXPECT_TRUE(
      IsErrorResponse(Validate({{"number", ""}}, {}, kAlias), 400, kAlias));
  HttpResponse metrics = Send({"GET", "/metrics", {}, ""});
  EXPECT_NE(metrics.body.find("/phone/validation/v2"), std::string::npos)
      << metrics.body.substr(0, 2000);
}

HttpResponse Post(ServerTest* t, int port, const std::string& token,
                  const std::string& type, const std::string& accept,
                  const std::string& body) {
  Headers h = {{"Auth-Token", token}, {"Content-Type", type}};
  if (!accept.empty()) h.push_back({"Accept", accept});
  (void)t;
  return HttpSend(port, {"POST", kValidate, h, body});
}

TEST_F(RealTimeTest, XmlRequestAndAnswer) {
  HttpResponse r =
      Post(this, port(), token_, "application/xml", "application/xml",
           "<?xml version=\"1.0\"?><request><number>01206 250380"
           "</number><country_iso>GBR</country_iso>"
           "<get_ported_date>true</get_ported_date>"
           "<cache_value_days>0</cache_value_days>"
           "<supplementary_live_status><mobile>GBR</mobile>"
           "<mobile>USA</mobile></supplementary_live_status>"
           "</request>");
  ASSERT_EQ(r.status, 200) << r.Evidence();
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/xml");
  pugi::xml_document doc;
  ASSERT_TRUE(doc.load_string(r.body.c_str())) << r.body;
  pugi::xml_node result = doc.child("response").child("result");
  EXPECT_STREQ(result.child_value("number"), "01206 250380") << r.body;
  EXPECT_STREQ(result.child_value("validated_phone_number"), "441206250380");
  EXPECT_STREQ(result.child_value("phone_type"), "Landline") << r.body;
  EXPECT_STREQ(result.child_value("confidence"), "Unknown") << r.body;
  EXPECT_STREQ(result.child_value("ported_date"), "Unknown") << r.body;
  EXPECT_FALSE(doc.child("response").child("metadata")) << r.body;

  // The same answer as JSON, field for field.
  const std::string body = Json{
      {"number", "01206 250380"},
      {"country_iso", "GBR"},
      {"get_ported_date",
       true}}.dump();
  HttpResponse json = Post(this, port(), token_, "application/json", "", body);
  HttpResponse xml =
      Post(this, port(), token_, "application/json", "application/xml", body);
  ASSERT_EQ(xml.status, 200) << xml.Evidence();
  ASSERT_TRUE(doc.load_string(xml.body.c_str())) << xml.body;
  // A named copy: the loop must not iterate a temporary's member.
  auto json_body = json.JsonBody();
  ASSERT_FALSE(json_body["result"].empty()) << json.Evidence();
  for (const auto& [key, value] : json_body["result"].items()) {
    EXPECT_EQ(doc.child("response").child("result").child_value(key.c_str()),
              value.get<std::string>())
        << key;
  }

  const struct {
    std::string body;
    const char* has;
  } bad[] = {
      {"<request><number>1</request>", "not well-formed XML"},
      {"<req><number>1</number></req>", "<request>"},
      {"<request><number></number></request>", "number: is empty"},
      {"<request><number>1</number><get_ported_date>yes</get_ported_date>"
       "</request>",
       "get_ported_date: expected true or false"},
      {"<request><number>1</number><cache_value_days>31</cache_value_days>"
       "</request>",
       "cache_value_days"},
      {"<request><number>1</number><colour>red</colour></request>",
       "colour: unknown field"},
  };
  for (const auto& c : bad) {
    HttpResponse e = Post(this, port(), token_, "application/xml", "", c.body);
    EXPECT_TRUE(IsErrorResponse(e, 400, kValidate)) << c.body;
    EXPECT_NE(e.JsonBody()["error"].value("detail", "").find(c.has),
              std::string::npos)
        << e.Evidence();
  }
}

std::string PackRequest(const std::map<std::string, std::string>& strings,
                        bool with_bool) {
  msgpack::sbuffer buf;
  msgpack::packer<msgpack::sbuffer> pk(&buf);
  pk.pack_map(strings.size() + (with_bool ? 1 : 0));
  for (const auto& [k, v] : strings) {
    pk.pack(k);
    pk.pack(v);
  }
  if (with_bool) {
    pk.pack(std::string("get_disposable_number"));
    pk.pack(true);
  }
  return std::string(buf.data(), buf.size());
}

TEST_F(RealTimeTest, MsgpackRequestAndAnswer) {
  HttpResponse r = Post(
      this, port(), token_, "application/x-msgpack", "application/x-msgpack",
      PackRequest({{"number", "2026298914"}, {"country_iso", "USA"}}, true));
  ASSERT_EQ(r.status, 200) << r.Evidence();
  EXPECT_EQ(r.Header("Content-Type").value_or(""), "application/x-msgpack");
  msgpack::object_handle oh = msgpack::unpack(r.body.data(), r.body.size());
  auto answer =
      oh.get().as<std::map<std::string, std::map<std::string, std::string>>>();
  ASSERT_TRUE(answer.count("result")) << r.Evidence();
  EXPECT_EQ(answer["result"]["phone_type"], "Mobile or landline");
  EXPECT_EQ(answer["result"]["confidence"], "Unknown");
  EXPECT_EQ(answer["result"]["disposable_number"], "Unknown");
  EXPECT_EQ(answer["result"]["validated_phone_number"], "12026298914");

  // A JSON request may ask for a MessagePack answer, and the reverse.
  HttpResponse json_in =
      Post(this, port(), token_, "application/json", "application/x-msgpack",
           Json{{"number", "+12026298914"}}.dump());
  ASSERT_EQ(json_in.status, 200) << json_in.Evidence();
  HttpResponse json_out =
      Post(this, port(), token_, "application/x-msgpack", "",
           PackRequest({{"number", "+12026298914"}}, false));
  ASSERT_EQ(json_out.status, 200) << json_out.Evidence();
  EXPECT_EQ(json_out.JsonBody()["result"].value("phone_type", ""),
            "Mobile or landline");

  for (const std::string& body :
       {std::string("\xC1"), std::string("\x81\xA6number", 8),
        PackRequest({{"number", ""}}, false)}) {
    HttpResponse e =
        Post(this, port(), token_, "application/x-msgpack", "", body);
    EXPECT_TRUE(IsErrorResponse(e, 400, kValidate)) << e.Evidence();
  }
}

TEST_F(RealTimeTest, UnsupportedTypesAre415And406) {
  EXPECT_TRUE(
      IsErrorResponse(Post(this, port(), token_, "text/csv", "", "number\n1\n"),
                      415, kValidate));
  EXPECT_TRUE(IsErrorResponse(Post(this, port(), token_, "application/json",
                                   "text/html", R"({"number":"1"})"),
                              406, kValidate));
  EXPECT_EQ(Credits("rt"), 100000) << "refused calls cost nothing";
}

// ------------------------------------------------------------ live statuses

// A `phonebulk lookup-sim` child (as in live_status_test.cc). Its answers
// follow the number's last digit: 0-4 live, 5 absent, 6 dead,
// 7 no_teleservice, 8 no_coverage, 9 unknown; second-to-last odd: ported.
class Simulator {
 public:
  Simulator() {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> args = {BinaryPath(),  "lookup-sim", "--listen",
                                     "127.0.0.1:0", "--key",      "sim-key"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, O_NONBLOCK);
    std::string out;
    WaitUntil(
        [&] {
          char buf[256];
          ssize_t n = read(fds[0], buf, sizeof(buf));
          if (n > 0) out.append(buf, static_cast<size_t>(n));
          return out.find('\n') != std::string::npos;
        },
        std::chrono::seconds(10), std::chrono::milliseconds(20));
    close(fds[0]);
    size_t colon = out.rfind(':');
    if (out.starts_with("lookup-sim listening on") &&
        colon != std::string::npos) {
      port_ = std::stoi(out.substr(colon + 1));
    }
  }
  ~Simulator() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

class RealTimeLiveTest : public RealTimeTest {
 protected:
  void SetUp() override {
    sim_ = std::make_unique<Simulator>();
    ASSERT_GT(sim_->port(), 0) << "lookup-sim did not start";
    RealTimeTest::SetUp();
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--lookup-url",
            "http://127.0.0.1:" + std::to_string(sim_->port()) + "/lookup",
            "--lookup-key", "sim-key"};
  }
  std::unique_ptr<Simulator> sim_;
};

TEST_F(RealTimeLiveTest, EveryLiveStatusInTheProvidersWords) {
  const struct {
    int last_digit;
    const char* confidence;
    const char* network_status;  // "" when the source gives none
  } cases[] = {
      {0, "Verified", "Available"},
      {5, "Absent", "Unavailable"},
      {6, "Dead", "Dead"},
      {7, "Teleservice not provisioned", "Unavailable"},
      {8, "No coverage", "Unavailable"},
      {9, "Unknown", ""},
  };
  for (const auto& c : cases) {
    // GB mobiles 447400987 6 <d1> <d0>; second-to-last 0 (even): not ported.
    std::string number =
        "+4474009876" + std::string("0") + std::to_string(c.last_digit);
    HttpResponse r = Validate({{"number", number}, {"get_ported_date", true}},
                              {{"Add-Metadata", "true"}});
    ASSERT_EQ(r.status, 200) << r.Evidence();
    Json result = r.JsonBody()["result"];
    Json detail = r.JsonBody()["metadata"]["phone_detail"];
    EXPECT_EQ(result.value("confidence", ""), c.confidence) << r.Evidence();
    EXPECT_TRUE(kConfidences.count(result.value("confidence", "")));
    EXPECT_EQ(result.value("phone_type", ""), "Mobile") << r.Evidence();
    EXPECT_EQ(detail.value("network_status", ""), c.network_status)
        << r.Evidence();
    if (c.last_digit != 9) {
      EXPECT_EQ(detail.value("is_ported", ""), "No") << r.Evidence();
      EXPECT_EQ(result.value("ported_date", ""), "Not applicable")
          << r.Evidence();
    }
  }
  // A ported number: is_ported "Yes" and a date, as the source gave it.
  HttpResponse ported =
      Validate({{"number", "+447400987610"}, {"get_ported_date", true}},
               {{"Add-Metadata", "true"}});
  ASSERT_EQ(ported.status, 200) << ported.Evidence();
  EXPECT_EQ(
      ported.JsonBody()["metadata"]["phone_detail"].value("is_ported", ""),
      "Yes")
      << ported.Evidence();
  EXPECT_TRUE(
      IsContractTime(ported.JsonBody()["result"].value("ported_date", "")) ||
      ported.JsonBody()["result"].value("ported_date", "").size() == 20)
      << ported.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
