// Issue 14 item 1: the served OpenAPI document describes the server. Each
// test drives the real server through success and error answers of every
// route, records every exchange (method, the document's path template,
// status, headers, body, and the request body), fetches GET /openapi.json,
// and runs tests/openapi/validate.mjs, which checks the document as OpenAPI
// 3.1 and every recorded answer against it with a JSON Schema 2020-12
// validator (Ajv): a status, media type or header the document does not
// declare, or a body its schema refuses, fails the test. The validator's
// npm packages are installed by scripts/install-deps.sh
// (npm ci --prefix tests/openapi).

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

constexpr char kBatch[] = "/phone/bulk/v1/batches/{batch_id}";
constexpr char kStart[] = "/phone/bulk/v1/batches/{batch_id}/start";
constexpr char kStop[] = "/phone/bulk/v1/batches/{batch_id}/stop";
constexpr char kResults[] = "/phone/bulk/v1/batches/{batch_id}/results";
constexpr char kValidate[] = "/phone/validate/v2";
constexpr char kValidation[] = "/phone/validation/v2";

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

bool IsTextual(const std::string& content_type) {
  return content_type.rfind("application/json", 0) == 0 ||
         content_type.rfind("text/", 0) == 0;
}

// The recorder and the validator run shared by both fixtures.
class OpenApiTestBase : public ServerTest {
 protected:
  // Sends `req` and records the exchange under the document's `path`
  // template (the harness adds Host, Connection and Content-Length).
  HttpResponse Do(const std::string& path, const HttpRequest& req) {
    HttpResponse r = Send(req);
    Record(path, req, r);
    return r;
  }
  HttpResponse Do(const std::string& path, const std::string& method,
                  const std::string& target, const Headers& headers,
                  const std::string& body = "") {
    return Do(path, HttpRequest{method, target, headers, body});
  }

  void Record(const std::string& path, const HttpRequest& req,
              const HttpResponse& r) {
    ASSERT_NE(r.status, 0) << r.transport_error << "\n" << r.request_text;
    Json headers = Json::object();
    for (const auto& [name, value] : r.headers) {
      std::string lower = name;
      for (char& c : lower) c = static_cast<char>(std::tolower(c));
      if (!headers.contains(lower)) headers[lower] = value;
    }
    std::string request_type;
    for (const auto& [name, value] : req.headers) {
      if (name == "Content-Type") request_type = value;
    }
    const std::string type = r.Header("Content-Type").value_or("");
    exchanges_.push_back({
        {"method", req.method},
        {"path", path},
        {"status", r.status},
        {"content_type", type},
        {"headers", headers},
        // XML is text but MessagePack is not: only JSON and text/* bodies
        // are kept (the validator checks only JSON bodies).
        {"body", IsTextual(type) ? r.body : ""},
        {"request_content_type", request_type},
        {"request_body",
         request_type.rfind("application/json", 0) == 0 ? req.body : ""},
    });
  }

  Headers Auth(const std::string& token, Headers more = {}) {
    more.emplace_back("Auth-Token", token);
    return more;
  }
  Headers AuthJson(const std::string& token, Headers more = {}) {
    more.emplace_back("Content-Type", "application/json");
    return Auth(token, more);
  }

  // How many statuses of each kind were recorded, for the failure message.
  std::string Statuses() const {
    std::map<int, int> count;
    for (const Json& e : exchanges_) ++count[e["status"].get<int>()];
    std::string out;
    for (auto [status, n] : count) {
      out += std::to_string(status) + "x" + std::to_string(n) + " ";
    }
    return out;
  }

  // Fetches the served document, writes it and the exchanges to the temp
  // dir, runs the validator and expects it to pass having validated every
  // exchange, at least `at_least` of them.
  void Validate(size_t at_least, const std::vector<int>& statuses) {
    HttpResponse doc = Do("/openapi.json", "GET", "/openapi.json", {});
    ASSERT_EQ(doc.status, 200) << doc.Evidence();
    EXPECT_EQ(doc.Header("Content-Type").value_or(""), "application/json");
    // Built in from docs/openapi.json, and current.
    EXPECT_TRUE(doc.body == ReadFile(std::string(PHONEBULK_SOURCE_DIR) +
                                     "/docs/openapi.json"))
        << "GET /openapi.json is not docs/openapi.json: rebuild";
    for (int status : statuses) {
      bool seen = false;
      for (const Json& e : exchanges_) seen = seen || e["status"] == status;
      EXPECT_TRUE(seen) << "no " << status << " answer was provoked; got "
                        << Statuses();
    }
    const std::string doc_path = dir() + "/openapi.json";
    const std::string ex_path = dir() + "/exchanges.json";
    std::ofstream(doc_path, std::ios::binary) << doc.body;
    std::ofstream(ex_path, std::ios::binary)
        << exchanges_.dump(1, ' ', false, Json::error_handler_t::replace);
    const std::string validator =
        std::string(PHONEBULK_OPENAPI_DIR) + "/validate.mjs";
    ASSERT_EQ(access((std::string(PHONEBULK_OPENAPI_DIR) +
                      "/node_modules/ajv/package.json")
                         .c_str(),
                     R_OK),
              0)
        << "the validator's npm packages are missing: run scripts/"
           "install-deps.sh (npm ci --prefix tests/openapi)";
    const std::string command =
        "node '" + validator + "' '" + doc_path + "' '" + ex_path + "' 2>&1";
    FILE* pipe = popen(command.c_str(), "r");
    ASSERT_NE(pipe, nullptr) << command;
    std::string out;
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = pclose(pipe);
    ASSERT_TRUE(WIFEXITED(status)) << out;
    EXPECT_EQ(WEXITSTATUS(status), 0) << command << "\n" << out;
    std::smatch m;
    ASSERT_TRUE(
        std::regex_search(out, m, std::regex(R"(validated (\d+) responses)")))
        << out;
    const size_t validated = std::stoul(m[1]);
    EXPECT_EQ(validated, exchanges_.size()) << out;
    EXPECT_GE(validated, at_least) << out;
    std::printf("openapi: %s(%s)\n", out.substr(out.rfind("validated")).c_str(),
                Statuses().c_str());
  }

  Json exchanges_ = Json::array();
};

// ------------------------------------------------------------------------
// Every route through its successes and most of its errors.

class OpenApiTest : public OpenApiTestBase {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers",           "1",   "--max-body-bytes", "16384",
            "--header-timeout-ms", "1000"};
  }
};

TEST_F(OpenApiTest, EveryAnswerMatchesTheServedDocument) {
  const std::string token = CreateToken("openapi");
  ASSERT_FALSE(token.empty());
  const std::string validate_only =
      CreateToken("openapi-rt", 1000, {"--products", "phone-validate"});
  const std::string bulk_only =
      CreateToken("openapi-bulk", 1000, {"--products", "phone-bulk"});
  const std::string broke = CreateToken("openapi-broke", 0);
  const std::string limited = CreateTokenWithDefaultLimit(
      "openapi-limited", 1000, {"--rate-limit", "2"});
  const std::string disabled = CreateToken("openapi-disabled");
  ASSERT_EQ(RunCli({"token", "disable", "--db", db(), disabled}).exit_code, 0);

  // ---- operational routes
  for (const char* path : {"/healthz", "/readyz", "/metrics", "/docs/errors"}) {
    EXPECT_EQ(Do(path, "GET", path, {}).status, 200) << path;
  }
  Do("/healthz", "GET", "/healthz", {{"Reference-Id", "probe-1"}});

  // ---- bulk: create (every defaults field, both token headers, a replay)
  const Json full = {{"defaults",
                      {{"output_format", "NATIONAL"},
                       {"country_iso", "gbr"},
                       {"get_ported_date", true},
                       {"supplementary_live_status",
                        {{"mobile", {"USA"}}, {"landline", {"GBR"}}}},
                       {"batch_reference_id", "crm-export-2025-09"},
                       {"max_processing_time", "PT25M"}}},
                     {"phones",
                      {{{"number", "01206 250380"}},
                       {{"number", "2026298914"}, {"country_iso", "USA"}},
                       {{"number", "+447400123456"}},
                       {{"number", "not a number"}},
                       {{"number", ""}}}}};
  HttpResponse created = Do(kBatches, "POST", kBatches,
                            AuthJson(token, {{"Idempotency-Key", "order-1"},
                                             {"Reference-Id", "r 1"}}),
                            full.dump());
  ASSERT_EQ(created.status, 200) << created.Evidence();
  const std::string id = created.JsonBody()["result"].value("batch_id", "");
  HttpResponse replay =
      Do(kBatches, "POST", kBatches,
         AuthJson(token, {{"Idempotency-Key", "order-1"}}), full.dump());
  EXPECT_EQ(replay.Header("Idempotent-Replayed").value_or(""), "true")
      << replay.Evidence();
  for (const Headers& h : {Headers{{"x-app-key", token}},
                           Headers{{"Authorization", "Bearer " + token}}}) {
    Headers with_type = h;
    with_type.emplace_back("Content-Type", "application/json; charset=utf-8");
    EXPECT_EQ(
        Do(kBatches, "POST", kBatches, with_type,
           PhonesBody({"441206250380"}, {{"output_format", "INTERNATIONAL"}})
               .dump())
            .status,
        200);
  }
  const std::string plain = CreateBatchId(
      token, PhonesBody({"2026298914", "2026298915"},
                        {{"country_iso", "USA"}, {"output_format", "GBR"}}));
  ASSERT_FALSE(plain.empty());

  // ---- status, results and list while submitted
  const std::string batch = BatchPath(id);
  Do(kBatch, "GET", batch, Auth(token));
  Do(kBatch, "GET", batch, Auth(token, {{"Add-Metadata", "TRUE"}}));
  Do(kResults, "GET", batch + "/results", Auth(token));
  Do(kResults, "GET", batch + "/results",
     Auth(token, {{"Accept", "text/csv"}}));
  Do(kBatches, "GET", kBatches, Auth(token, {{"Accept", "application/*"}}));

  // ---- start, then everything about a completed batch
  EXPECT_EQ(Do(kStart, "POST", batch + "/start", Auth(token)).status, 200);
  EXPECT_EQ(Do(kStart, "POST", BatchPath(plain) + "/start", Auth(token)).status,
            200);
  ASSERT_EQ(WaitForStatus(token, id, "completed")["result"].value("status", ""),
            "completed");
  ASSERT_EQ(
      WaitForStatus(token, plain, "completed")["result"].value("status", ""),
      "completed");
  Do(kBatch, "GET", batch, Auth(token, {{"Add-Metadata", "true"}}));
  Do(kBatch, "GET", BatchPath(plain), Auth(token, {{"Add-Metadata", "true"}}));
  Do(kBatches, "GET", kBatches, Auth(token));
  for (const std::string& query :
       {std::string(""), std::string("?include=location,time_zones"),
        std::string("?include=validity,location"),
        std::string("?offset=0&limit=2&include=time_zones"),
        std::string("?offset=4&limit=2"), std::string("?offset=99")}) {
    for (const char* metadata : {"false", "true"}) {
      HttpResponse r = Do(kResults, "GET", batch + "/results" + query,
                          Auth(token, {{"Add-Metadata", metadata}}));
      EXPECT_EQ(r.status, 200) << r.Evidence();
    }
  }
  EXPECT_TRUE(
      Do(kResults, "GET", batch + "/results?offset=0&limit=2", Auth(token))
          .HasHeader("Link"));
  Do(kResults, "GET", BatchPath(plain) + "/results", Auth(token));
  Do(kResults, "GET", batch + "/results?limit=3",
     Auth(token, {{"Accept", "text/csv, application/json"},
                  {"Add-Metadata", "true"}}));

  // ---- the real-time endpoint in its three formats and at both paths
  const Json one = {{"number", "+44 7400 123456"}};
  const Json every = {{"number", "01206 250380"},
                      {"country_iso", "GBR"},
                      {"output_format", "PLUS_E164"},
                      {"get_ported_date", true},
                      {"get_disposable_number", true},
                      {"supplementary_live_status",
                       {{"mobile", {"GBR"}}, {"landline", Json::array()}}},
                      {"cache_value_days", 0}};
  for (const char* path : {kValidate, kValidation}) {
    EXPECT_EQ(Do(path, "POST", path, AuthJson(token), one.dump()).status, 200);
    Do(path, "POST",
       std::string(path) + "?include=location,time_zones,validity",
       AuthJson(token, {{"Add-Metadata", "true"}, {"Timeout-Seconds", "15"}}),
       every.dump());
  }
  Do(kValidate, "POST", kValidate, AuthJson(token),
     Json{{"number", "not a number"}}.dump());
  Do(kValidate, "POST", std::string(kValidate) + "?include=validity",
     AuthJson(token), Json{{"number", "+44 1234"}}.dump());
  Do(kValidate, "POST", kValidate, AuthJson(token, {{"Add-Metadata", "true"}}),
     Json{{"number", "2026298914"},
          {"country_iso", "USA"},
          {"get_ported_date", true}}
         .dump());
  Do(kValidate, "POST", kValidate,
     Auth(token,
          {{"Content-Type", "application/xml"}, {"Accept", "application/xml"}}),
     "<request><number>2026298914</number><country_iso>USA</country_iso></"
     "request>");
  Do(kValidate, "POST", kValidate,
     Auth(token, {{"Content-Type", "application/json"},
                  {"Accept", "application/x-msgpack"}}),
     one.dump());

  // ---- 400
  const std::string unknown_batch = BatchPath(RandomUuidV4());
  Do(kBatches, "GET", kBatches, {});  // no token
  Do(kBatches, "GET", kBatches, {{"Authorization", "Basic dXNlcjpwYXNz"}});
  Do(kBatches, "GET", kBatches, Auth(token, {{"Reference-Id", "bad\\id"}}));
  Do(kBatches, "GET", kBatches, Auth(token, {{"Add-Metadata", "yes"}}));
  Do(kBatch, "GET", kBatches + std::string("/not-a-uuid"), Auth(token));
  Do(kResults, "GET", kBatches + std::string("/not-a-uuid/results"),
     Auth(token));
  Do(kStart, "POST", kBatches + std::string("/not-a-uuid/start"), Auth(token));
  Do(kStop, "POST", kBatches + std::string("/not-a-uuid/stop"), Auth(token));
  Do(kBatches, "POST", kBatches, AuthJson(token), "");
  Do(kBatches, "POST", kBatches, AuthJson(token), "{\"phones\":");
  Do(kBatches, "POST", kBatches, AuthJson(token), R"({"phones":[]})");
  Do(kBatches, "POST", kBatches, AuthJson(token),
     R"({"phones":[{"number":"1","country_iso":"XYZ"}]})");
  Do(kBatches, "POST", kBatches, AuthJson(token),
     R"({"phones":[{"number":null}]})");
  Do(kBatches, "POST", kBatches,
     AuthJson(token, {{"Idempotency-Key", "tab\there"}}), full.dump());
  Do(kStart, "POST", batch + "/start", Auth(token));  // completed
  Do(kStop, "POST", batch + "/stop", Auth(token));    // completed
  Do(kResults, "GET", batch + "/results?limit=0", Auth(token));
  Do(kResults, "GET", batch + "/results?offset=-1", Auth(token));
  Do(kResults, "GET", batch + "/results?include=weather", Auth(token));
  Do(kValidate, "POST", kValidate, AuthJson(token), R"({"number":""})");
  Do(kValidate, "POST", kValidate, AuthJson(token),
     R"({"number":"1","cache_value_days":31})");
  Do(kValidate, "POST", kValidate, AuthJson(token, {{"Timeout-Seconds", "99"}}),
     one.dump());
  Do(kValidation, "POST", kValidation,
     Auth(token, {{"Content-Type", "application/xml"}}),
     "<request><number>1</number>");
  Do(kValidate, "POST", kValidate,
     Auth(token, {{"Content-Type", "application/x-msgpack"}}),
     std::string("\xc1", 1));
  Do(kValidate, "POST", kValidate, AuthJson(token), "");

  // ---- 401
  Do(kBatches, "GET", kBatches,
     Auth("pb_0000000000000000000000000000000000000000"));
  Do(kValidate, "POST", kValidate, AuthJson("pb_not-a-token"), one.dump());

  // ---- 403: product scope, disabled token, no credits for a start
  Do(kBatches, "GET", kBatches, Auth(validate_only));
  Do(kBatches, "POST", kBatches, AuthJson(validate_only),
     PhonesBody({"1"}).dump());
  Do(kValidate, "POST", kValidate, AuthJson(bulk_only), one.dump());
  Do(kBatch, "GET", batch, Auth(disabled));
  const std::string broke_batch =
      CreateBatchId(broke, PhonesBody({"441206250380"}));
  ASSERT_FALSE(broke_batch.empty());
  Do(kStart, "POST", BatchPath(broke_batch) + "/start", Auth(broke));

  // ---- 404: no such batch in the account, no such route
  Do(kBatch, "GET", unknown_batch, Auth(token));
  Do(kStart, "POST", unknown_batch + "/start", Auth(token));
  Do(kStop, "POST", unknown_batch + "/stop", Auth(token));
  Do(kResults, "GET", unknown_batch + "/results", Auth(token));
  Do(kBatch, "GET", batch, Auth(bulk_only));  // another account's batch
  Do("/nope", "GET", "/nope", {});
  Do("/phone/bulk/v2/batches", "GET", "/phone/bulk/v2/batches", Auth(token));

  // ---- 405 (with Allow)
  EXPECT_TRUE(Do(kBatches, "DELETE", kBatches, Auth(token)).HasHeader("Allow"));
  Do("/healthz", "POST", "/healthz", {}, "{}");
  Do("/openapi.json", "PUT", "/openapi.json", {}, "{}");
  Do(kValidate, "GET", kValidate, Auth(token));
  Do(kBatch, "DELETE", batch, Auth(token));
  Do(kResults, "POST", batch + "/results", Auth(token));

  // ---- 406
  const Headers html = {{"Accept", "text/html"}};
  Do(kBatches, "GET", kBatches, Auth(token, html));
  Do(kBatch, "GET", batch, Auth(token, {{"Accept", "text/csv"}}));
  Do(kResults, "GET", batch + "/results", Auth(token, html));
  Do(kValidate, "POST", kValidate, AuthJson(token, html), one.dump());
  Do(kStart, "POST", batch + "/start", Auth(token, html));
  Do(kBatches, "POST", kBatches, AuthJson(token, html),
     PhonesBody({"1"}).dump());

  // ---- 413, 415, 422
  Do(kBatches, "POST", kBatches, AuthJson(token),
     PhonesBody(std::vector<std::string>(800, "441206250380")).dump());
  Do(kBatches, "POST", kBatches, Auth(token, {{"Content-Type", "text/plain"}}),
     PhonesBody({"1"}).dump());
  Do(kBatches, "POST", kBatches,
     Auth(token, {{"Content-Type", "application/json; charset=latin1"}}),
     PhonesBody({"1"}).dump());
  Do(kValidate, "POST", kValidate,
     Auth(token, {{"Content-Type", "text/plain"}}), one.dump());
  Do(kStop, "POST", batch + "/stop",
     Auth(token, {{"Content-Type", "text/plain"}}), "stop");
  Do(kBatches, "POST", kBatches,
     AuthJson(token, {{"Idempotency-Key", "order-1"}}),
     PhonesBody({"1"}).dump());

  // ---- 429: the account's limit of 2 a minute. The window is the wall-clock
  // minute, so one boundary may pass between calls: 5 calls always hit it.
  for (int i = 0; i < 5; ++i) {
    if (Do(kBatches, "GET", kBatches, Auth(limited)).status == 429) break;
  }
  Do(kValidate, "POST", kValidate, AuthJson(limited), one.dump());

  // ---- framing: 431, 501, 408 (slow headers)
  Do(kBatches, "GET", kBatches,
     Auth(token, {{"X-Big", std::string(9000, 'a')}}));
  Do("/healthz", "GET", "/healthz", {{"Transfer-Encoding", "gzip, chunked"}});
  {
    RawConnection conn(port());
    ASSERT_TRUE(conn.connected());
    ASSERT_TRUE(conn.Send("GET /readyz HTTP/1.1\r\nHost: x\r\n"));
    HttpResponse r = conn.ReadResponse(10s);
    Record("/readyz", HttpRequest{"GET", "/readyz", {}, ""}, r);
  }

  Validate(100, {200, 400, 401, 403, 404, 405, 406, 408, 413, 415, 422, 429,
                 431, 501});
}

// ------------------------------------------------------------------------
// Slow processing: a stopped batch with unprocessed phones, the real-time
// endpoint's Timeout-Seconds (408), then the storage lost (503).

class SlowOpenApiTest : public OpenApiTestBase {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--chunk-size", "1", "--chunk-delay-ms", "2500"};
  }
};

TEST_F(SlowOpenApiTest, StoppedBatchAndTimeoutMatchTheServedDocument) {
  const std::string token = CreateToken("openapi-slow");
  ASSERT_FALSE(token.empty());
  const std::string id = CreateBatchId(
      token,
      PhonesBody({"2026298914", "2026298915", "2026298916", "2026298917"},
                 {{"country_iso", "USA"}, {"get_ported_date", true}}));
  ASSERT_FALSE(id.empty());
  const std::string batch = BatchPath(id);
  EXPECT_EQ(Do(kStart, "POST", batch + "/start", Auth(token)).status, 200);
  Do(kBatch, "GET", batch, Auth(token));
  Do(kResults, "GET", batch + "/results", Auth(token));
  Do(kBatches, "GET", kBatches, Auth(token));
  // The real-time call waits past its 2 s (the server sleeps 2.5 s a call).
  Do(kValidate, "POST", kValidate, AuthJson(token, {{"Timeout-Seconds", "2"}}),
     R"({"number":"+447400123456"})");
  // Stopped after its first chunk: processed and unprocessed phones.
  EXPECT_TRUE(WaitUntil(
      [&] {
        Json j = BatchStatus(token, id).JsonBody();
        return j.is_object() && j["result"].value("records_processed", 0) >= 1;
      },
      20s, 100ms));
  EXPECT_EQ(Do(kStop, "POST", batch + "/stop", Auth(token)).status, 200);
  Do(kStop, "POST", batch + "/stop", Auth(token));  // already stopped: 400
  Do(kBatch, "GET", batch, Auth(token, {{"Add-Metadata", "true"}}));
  for (const char* metadata : {"false", "true"}) {
    Do(kResults, "GET", batch + "/results",
       Auth(token, {{"Add-Metadata", metadata}}));
    Do(kResults, "GET", batch + "/results",
       Auth(token, {{"Add-Metadata", metadata}, {"Accept", "text/csv"}}));
  }
  // 503: the database file replaced under the running server (as in
  // hardening_store_test.cc); the server notices and refuses to go on.
  ASSERT_EQ(db().rfind("sqlite:", 0), 0u) << db();
  const std::string file = db().substr(7);
  std::filesystem::copy_file(file, file + ".copy");
  std::filesystem::rename(file + ".copy", file);
  EXPECT_TRUE(WaitUntil(
      [&] {
        return Send({"GET", "/readyz", {}, ""}).status == 503;
      },
      10s, 100ms));
  Do("/readyz", "GET", "/readyz", {});
  Do(kBatches, "POST", kBatches, AuthJson(token), PhonesBody({"1"}).dump());
  Do(kResults, "GET", batch + "/results", Auth(token));
  Validate(15, {200, 400, 408, 503});
}

// The file-job routes (docs/console.md): upload, start, status until
// completed, list, result, and their refusals.
TEST_F(OpenApiTest, FileJobAnswersMatchTheServedDocument) {
  const std::string token = CreateToken("openapi-files");
  ASSERT_FALSE(token.empty());
  constexpr char kFiles[] = "/v1/files";
  constexpr char kFile[] = "/v1/files/{file_id}";
  constexpr char kFileStart[] = "/v1/files/{file_id}/start";
  constexpr char kFileResult[] = "/v1/files/{file_id}/result";
  const Headers csv = Auth(token, {{"Content-Type", "text/csv"}});
  EXPECT_EQ(Do(kFiles, "POST", "/v1/files", csv, "").status, 400);
  HttpResponse up = Do(kFiles, "POST", "/v1/files?name=a.csv", csv,
                       "id,phone\n1,+44 7700 900123\n2,junk\n");
  ASSERT_EQ(up.status, 201) << up.Evidence();
  const std::string id = up.JsonBody()["id"];
  const std::string path = std::string(kFiles) + "/" + id;
  EXPECT_EQ(Do(kFile, "GET", path, Auth(token)).status, 200);
  EXPECT_EQ(Do(kFileResult, "GET", path + "/result", Auth(token)).status, 409);
  EXPECT_EQ(Do(kFileStart, "POST", path + "/start", AuthJson(token),
               R"({"phone_column":"tel"})")
                .status,
            400);
  EXPECT_EQ(Do(kFileStart, "POST", path + "/start", AuthJson(token),
               R"({"phone_column":"phone","output_format":"E164"})")
                .status,
            202);
  EXPECT_TRUE(WaitUntil(
      [&] {
        HttpResponse r = Do(kFile, "GET", path, Auth(token));
        return r.JsonBody()["status"] == "completed";
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100)));
  EXPECT_EQ(Do(kFiles, "GET", kFiles, Auth(token)).status, 200);
  EXPECT_EQ(Do(kFileResult, "GET", path + "/result", Auth(token)).status, 200);
  EXPECT_EQ(
      Do(kFile, "GET", std::string(kFiles) + "/" + RandomUuidV4(), Auth(token))
          .status,
      404);
  // The account the console shows: its balance is what the job left.
  const long long charged =
      Do(kFile, "GET", path, Auth(token)).JsonBody()["summary"].value(
          "credits", -1LL);
  HttpResponse account = Do("/v1/account", "GET", "/v1/account", Auth(token));
  ASSERT_EQ(account.status, 200) << account.Evidence();
  EXPECT_EQ(account.JsonBody()["result"]["name"], "openapi-files");
  EXPECT_EQ(account.JsonBody()["result"].value("credits", -1LL),
            1000000 - charged)
      << account.Evidence();
  EXPECT_GT(charged, 0);
  EXPECT_EQ(Do("/v1/account", "GET", "/v1/account", {}).status, 400);
  Validate(12, {200, 201, 202, 400, 404, 409});
}

}  // namespace
}  // namespace phonebulk::it
