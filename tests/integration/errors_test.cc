// The contract's error table, row by row: 400 (path id, headers, bodies, no
// token, start/stop that does not fit), 404, 405, 406, 415, 413, 408, and the
// order in which the server checks headers. Access errors (401, 403, 429,
// retention) live in access_test.cc.

#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class ErrorsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("errors-acct");
  }
  // The "nothing is stored" half of every invalid create.
  void ExpectNoBatches() {
    HttpResponse r = ListBatches(token_);
    ASSERT_EQ(r.status, 200) << r.Evidence();
    Json j = r.JsonBody();
    ASSERT_TRUE(j["result"]["batches"].is_array()) << r.Evidence();
    EXPECT_TRUE(j["result"]["batches"].empty()) << "an invalid create stored a batch"
                                                << r.Evidence();
  }
  std::string token_;
};

// ---------------------------------------------------------------- 400: path id

TEST_F(ErrorsTest, BadPathIdIs400OnEveryBatchRoute) {
  const std::vector<std::string> bad_ids = {
      "not-a-uuid", "123", "zzzzzzzz-zzzz-4zzz-8zzz-zzzzzzzzzzzz",
      "6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f0",  // one character too long
      "6f1c2d3e4b5a4c6d8e7f0a1b2c3d4e5f"};       // no dashes
  for (const auto& id : bad_ids) {
    struct Route {
      const char* method;
      std::string path;
    };
    for (const Route& route : {Route{"GET", BatchPath(id)},
                               Route{"GET", BatchPath(id) + "/results"},
                               Route{"POST", BatchPath(id) + "/start"},
                               Route{"POST", BatchPath(id) + "/stop"}}) {
      HttpResponse r = Call(route.method, route.path, token_);
      EXPECT_TRUE(IsErrorResponse(r, 400, route.path)) << "id=" << id;
    }
  }
}

// ---------------------------------------------------------------- 400: headers

TEST_F(ErrorsTest, BadReferenceIdIs400) {
  const std::vector<std::string> bad = {std::string(257, 'a'), "semi;colon", "<script>",
                                        "quote\"d", "star*", "hash#1", "pct%20"};
  for (const auto& value : bad) {
    HttpResponse r = ListBatches(token_, {{"Reference-Id", value}});
    EXPECT_TRUE(IsErrorResponse(r, 400, kBatches)) << "Reference-Id=" << value;
  }
}

TEST_F(ErrorsTest, BadAddMetadataIs400) {
  for (const std::string value : {"yes", "1", "0", "no", "truee", "t"}) {
    HttpResponse r = ListBatches(token_, {{"Add-Metadata", value}});
    EXPECT_TRUE(IsErrorResponse(r, 400, kBatches)) << "Add-Metadata='" << value << "'";
  }
}

TEST_F(ErrorsTest, MissingTokenIs400) {
  HttpResponse r = Call("GET", kBatches, "");
  EXPECT_TRUE(IsErrorResponse(r, 400, kBatches));
  HttpResponse c = Call("POST", kBatches, "", PhonesBody({"441206250380"}).dump());
  EXPECT_TRUE(IsErrorResponse(c, 400, kBatches));
  // An empty token value is as good as none.
  HttpResponse e = ListBatches("", {{"Auth-Token", ""}});
  EXPECT_TRUE(IsErrorResponse(e, 400, kBatches) || IsErrorResponse(e, 401, kBatches))
      << e.Evidence();
}

// ---------------------------------------------------------------- 400: bodies

struct BadBody {
  const char* name;
  std::string body;
  // A fragment the detail must contain (the offending field), or "".
  std::string detail_names;
};

std::vector<BadBody> BadBodies() {
  const std::string ok_phone = R"({"number":"441206250380"})";
  return {
      {"empty body", "", ""},
      {"malformed", "{", ""},
      {"trailing garbage", R"({"phones":[)" + ok_phone + "]} x", ""},
      {"not an object", "[]", ""},
      {"json null", "null", ""},
      {"a string", R"("phones")", ""},
      {"no phones", "{}", "phones"},
      {"empty phones", R"({"phones":[]})", "phones"},
      {"phones not an array", R"({"phones":"441206250380"})", "phones"},
      {"phone not an object", R"({"phones":["441206250380"]})", "phones[0]"},
      {"number missing", R"({"phones":[{"country_iso":"GBR"}]})", "phones[0]"},
      {"number not a string", R"({"phones":[{"number":441206250380}]})", "phones[0].number"},
      {"number too long", R"({"phones":[{"number":")" + std::string(1001, '1') + R"("}]})",
       "phones[0].number"},
      {"unknown top-level field", R"({"phones":[)" + ok_phone + R"(],"extra":1})", "extra"},
      {"unknown phone field",
       R"({"phones":[)" + ok_phone + R"(,{"number":"1","colour":"red"}]})", "colour"},
      {"unknown defaults field",
       R"({"defaults":{"flavour":"x"},"phones":[)" + ok_phone + "]}", "flavour"},
      {"defaults not an object", R"({"defaults":[],"phones":[)" + ok_phone + "]}",
       "defaults"},
      {"unknown output_format",
       R"({"defaults":{"output_format":"E165"},"phones":[)" + ok_phone + "]}",
       "output_format"},
      {"unknown country as format",
       R"({"defaults":{"output_format":"XYZ"},"phones":[)" + ok_phone + "]}",
       "output_format"},
      {"unknown default country",
       R"({"defaults":{"country_iso":"XYZ"},"phones":[)" + ok_phone + "]}", "country_iso"},
      {"alpha-2 default country",
       R"({"defaults":{"country_iso":"GB"},"phones":[)" + ok_phone + "]}", "country_iso"},
      {"unknown phone country",
       R"({"phones":[)" + ok_phone + "," + ok_phone +
           R"(,{"number":"2026298914","country_iso":"XYZ"}]})",
       "phones[2].country_iso"},
      {"country not a string",
       R"({"phones":[{"number":"2026298914","country_iso":1}]})", "phones[0].country_iso"},
      {"get_ported_date not a bool",
       R"({"defaults":{"get_ported_date":"yes"},"phones":[)" + ok_phone + "]}",
       "get_ported_date"},
      {"duration below PT1M",
       R"({"defaults":{"max_processing_time":"PT30S"},"phones":[)" + ok_phone + "]}",
       "max_processing_time"},
      {"duration above PT24H",
       R"({"defaults":{"max_processing_time":"PT25H"},"phones":[)" + ok_phone + "]}",
       "max_processing_time"},
      {"duration garbage",
       R"({"defaults":{"max_processing_time":"25 minutes"},"phones":[)" + ok_phone + "]}",
       "max_processing_time"},
      {"bad batch_reference_id",
       R"({"defaults":{"batch_reference_id":"bad;ref"},"phones":[)" + ok_phone + "]}",
       "batch_reference_id"},
      {"batch_reference_id too long",
       R"({"defaults":{"batch_reference_id":")" + std::string(257, 'r') + R"("},"phones":[)" +
           ok_phone + "]}",
       "batch_reference_id"},
      {"supplementary_live_status not an object",
       R"({"defaults":{"supplementary_live_status":["USA"]},"phones":[)" + ok_phone + "]}",
       "supplementary_live_status"},
      {"supplementary_live_status unknown key",
       R"({"defaults":{"supplementary_live_status":{"fax":["USA"]}},"phones":[)" + ok_phone +
           "]}",
       "supplementary_live_status"},
      {"supplementary_live_status bad country",
       R"({"defaults":{"supplementary_live_status":{"mobile":["XYZ"]}},"phones":[)" +
           ok_phone + "]}",
       "supplementary_live_status"},
  };
}

TEST_F(ErrorsTest, InvalidCreateBodiesAre400AndStoreNothing) {
  for (const BadBody& c : BadBodies()) {
    HttpResponse r = Call("POST", kBatches, token_, c.body,
                          c.body.empty() ? Headers{{"Content-Type", "application/json"}}
                                         : Headers{});
    EXPECT_TRUE(IsErrorResponse(r, 400, kBatches)) << "case: " << c.name;
    if (r.status == 400 && !c.detail_names.empty()) {
      std::string detail = r.JsonBody()["error"].value("detail", "");
      EXPECT_NE(detail.find(c.detail_names), std::string::npos)
          << "case: " << c.name << ": detail does not name '" << c.detail_names
          << "': " << detail;
    }
  }
  ExpectNoBatches();
}

TEST_F(ErrorsTest, UnknownCountryDetailNamesThePhoneIndex) {
  Json body = PhonesBody({"441206250380", "441206250381", "441206250382"});
  body["phones"][2] = {{"number", "2026298914"}, {"country_iso", "XYZ"}};
  HttpResponse r = CreateBatch(token_, body);
  ASSERT_TRUE(IsErrorResponse(r, 400, kBatches));
  std::string detail = r.JsonBody()["error"]["detail"].get<std::string>();
  EXPECT_NE(detail.find("phones[2].country_iso"), std::string::npos) << detail;
  EXPECT_NE(detail.find("XYZ"), std::string::npos) << detail;
}

TEST_F(ErrorsTest, TenThousandPhonesOkTenThousandAndOneIs400) {
  std::vector<std::string> numbers(10000, "441206250380");
  HttpResponse ok = CreateBatch(token_, PhonesBody(numbers));
  EXPECT_EQ(ok.status, 200) << ok.Evidence();
  numbers.push_back("441206250380");
  HttpResponse bad = CreateBatch(token_, PhonesBody(numbers));
  EXPECT_TRUE(IsErrorResponse(bad, 400, kBatches));
  HttpResponse list = ListBatches(token_);
  EXPECT_EQ(list.JsonBody()["result"]["batches"].size(), 1u)
      << "the 10,001-phone batch was stored" << list.Evidence();
}

// ---------------------------------------------------------------- 400: status

TEST_F(ErrorsTest, StartAndStopThatDoNotFitTheStatusAre400) {
  std::string id = CreateBatchId(token_, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(StartBatch(token_, id).status, 200);
  WaitForStatus(token_, id, "completed");
  // A completed batch is settled: neither a second start nor a stop may
  // move the account's credits again.
  const std::optional<long long> settled = Credits("errors-acct");
  ASSERT_TRUE(settled.has_value());
  EXPECT_EQ(*settled, 1000000 - 1) << "one number, one credit";
  HttpResponse again = StartBatch(token_, id);
  EXPECT_TRUE(IsErrorResponse(again, 400, BatchPath(id) + "/start")) << "start completed";
  HttpResponse stop = StopBatch(token_, id);
  EXPECT_TRUE(IsErrorResponse(stop, 400, BatchPath(id) + "/stop")) << "stop completed";
  EXPECT_EQ(Credits("errors-acct"), settled) << "a completed batch was settled again";

  // A stopped batch can be neither started nor stopped again. The contract
  // only forbids stopping completed/stopped batches, so stopping a submitted
  // one is allowed.
  std::string id2 = CreateBatchId(token_, PhonesBody({"441206250380"}));
  HttpResponse stop_submitted = StopBatch(token_, id2);
  EXPECT_EQ(stop_submitted.status, 200) << "stop of a submitted batch"
                                        << stop_submitted.Evidence();
  if (stop_submitted.status == 200) {
    EXPECT_EQ(stop_submitted.JsonBody()["result"].value("status", ""), "stopped");
    EXPECT_TRUE(IsErrorResponse(StopBatch(token_, id2), 400, BatchPath(id2) + "/stop"))
        << "stop stopped";
    EXPECT_TRUE(IsErrorResponse(StartBatch(token_, id2), 400, BatchPath(id2) + "/start"))
        << "start stopped";
  }
}

// ---------------------------------------------------------------- 404 / 405

TEST_F(ErrorsTest, UnknownRouteIs404) {
  for (const std::string& path : std::vector<std::string>{"/", "/nope", "/phone/bulk/v2/batches", "/phone/bulk/v1/batch",
        "/phone/bulk/v1/batches/" + RandomUuidV4() + "/results/extra"}) {
    HttpResponse r = Call("GET", path, token_);
    EXPECT_TRUE(IsErrorResponse(r, 404, path));
  }
  // With a query string, instance is still the path.
  HttpResponse q = Call("GET", "/nope?x=1", token_);
  EXPECT_TRUE(IsErrorResponse(q, 404, "/nope"));
}

TEST_F(ErrorsTest, UnknownBatchIs404) {
  std::string id = RandomUuidV4();
  EXPECT_TRUE(IsErrorResponse(BatchStatus(token_, id), 404, BatchPath(id)));
  EXPECT_TRUE(IsErrorResponse(BatchResults(token_, id), 404, BatchPath(id) + "/results"));
  EXPECT_TRUE(IsErrorResponse(StartBatch(token_, id), 404, BatchPath(id) + "/start"));
  EXPECT_TRUE(IsErrorResponse(StopBatch(token_, id), 404, BatchPath(id) + "/stop"));
}

TEST_F(ErrorsTest, WrongMethodIs405WithAllow) {
  std::string id = RandomUuidV4();
  struct Case {
    std::string method, path;
    std::vector<std::string> allow;
  };
  const std::vector<Case> cases = {
      {"DELETE", kBatches, {"GET", "POST"}},
      {"PUT", kBatches, {"GET", "POST"}},
      {"POST", BatchPath(id), {"GET"}},
      {"DELETE", BatchPath(id), {"GET"}},
      {"GET", BatchPath(id) + "/start", {"POST"}},
      {"GET", BatchPath(id) + "/stop", {"POST"}},
      {"POST", BatchPath(id) + "/results", {"GET"}},
  };
  for (const Case& c : cases) {
    // Route checks come first: no token needed to learn about 405.
    for (const std::string& token : {token_, std::string()}) {
      HttpResponse r = Call(c.method, c.path, token);
      EXPECT_TRUE(IsErrorResponse(r, 405, c.path)) << c.method << " token=" << !token.empty();
      auto allow = r.Header("Allow");
      ASSERT_TRUE(allow.has_value()) << "no Allow header" << r.Evidence();
      for (const auto& m : c.allow) {
        EXPECT_NE(allow->find(m), std::string::npos) << "Allow lacks " << m << r.Evidence();
      }
    }
  }
}

// ---------------------------------------------------------------- 406 / 415

TEST_F(ErrorsTest, AcceptThatExcludesJsonIs406) {
  for (const std::string accept : {"text/html", "application/xml", "text/*", "image/png"}) {
    HttpResponse r = ListBatches(token_, {{"Accept", accept}});
    EXPECT_TRUE(IsErrorResponse(r, 406, kBatches)) << "Accept: " << accept;
  }
}

TEST_F(ErrorsTest, WrongContentTypeIs415) {
  const std::string body = PhonesBody({"441206250380"}).dump();
  for (const std::string ct : {"text/plain", "application/x-www-form-urlencoded",
                               "application/xml", "multipart/form-data; boundary=x"}) {
    HttpRequest req{"POST", kBatches, {{"Auth-Token", token_}, {"Content-Type", ct}}, body};
    EXPECT_TRUE(IsErrorResponse(Send(req), 415, kBatches)) << "Content-Type: " << ct;
  }
  HttpRequest none{"POST", kBatches, {{"Auth-Token", token_}}, body};
  EXPECT_TRUE(IsErrorResponse(Send(none), 415, kBatches)) << "no Content-Type";
  ExpectNoBatches();
}

// ---------------------------------------------------------------- order

// The lead's documented check order: route → Reference-Id/Add-Metadata →
// Accept → token missing/unknown → rate limit → disabled/product/IP/domain →
// Content-Type → body. Each case breaks two rules; the earlier one wins.
TEST_F(ErrorsTest, HeaderChecksRunInTheDocumentedOrder) {
  std::string id = RandomUuidV4();
  struct Case {
    const char* name;
    HttpRequest req;
    int want;
    std::string instance;
  };
  const std::string body = PhonesBody({"441206250380"}).dump();
  std::vector<Case> cases = {
      {"404 before bad Accept", {"GET", "/nope", {{"Accept", "text/html"}}, ""}, 404, "/nope"},
      {"405 before bad Reference-Id",
       {"DELETE", kBatches, {{"Reference-Id", "bad;id"}}, ""}, 405, kBatches},
      {"bad Reference-Id before bad Accept",
       {"GET", kBatches, {{"Auth-Token", token_}, {"Reference-Id", "bad;id"},
                          {"Accept", "text/html"}}, ""}, 400, kBatches},
      {"406 before missing token", {"GET", kBatches, {{"Accept", "text/html"}}, ""}, 406,
       kBatches},
      {"406 before unknown token",
       {"GET", kBatches, {{"Auth-Token", "nope"}, {"Accept", "text/html"}}, ""}, 406,
       kBatches},
      {"401 before 415",
       {"POST", kBatches, {{"Auth-Token", "nope"}, {"Content-Type", "text/plain"}}, body},
       401, kBatches},
      {"400 missing token before 415",
       {"POST", kBatches, {{"Content-Type", "text/plain"}}, body}, 400, kBatches},
      {"415 before bad body",
       {"POST", kBatches, {{"Auth-Token", token_}, {"Content-Type", "text/plain"}}, "{"},
       415, kBatches},
      {"401 before bad path id (docs/decisions.md)",
       {"GET", BatchPath("not-a-uuid"), {{"Auth-Token", "nope"}}, ""}, 401,
       BatchPath("not-a-uuid")},
  };
  for (const Case& c : cases) {
    HttpResponse r = Send(c.req);
    EXPECT_TRUE(IsErrorResponse(r, c.want, c.instance)) << c.name;
  }
}

// ---------------------------------------------------------------- framing

// Ambiguous framing is a request-smuggling vector: answered 400 and the
// connection closed (see src/http/http_server.h).
TEST_F(ErrorsTest, AmbiguousFramingIs400AndCloses) {
  const std::string body = PhonesBody({"441206250380"}).dump();
  const std::string head = std::string("POST ") + kBatches +
                           " HTTP/1.1\r\nHost: x\r\nAuth-Token: " + token_ +
                           "\r\nContent-Type: application/json\r\n";
  char size_hex[32];
  std::snprintf(size_hex, sizeof size_hex, "%zx", body.size());
  struct Case {
    const char* name;
    std::string bytes;
  };
  const std::vector<Case> cases = {
      {"Content-Length and Transfer-Encoding",
       head + "Content-Length: " + std::to_string(body.size()) +
           "\r\nTransfer-Encoding: chunked\r\n\r\n" + size_hex + "\r\n" + body +
           "\r\n0\r\n\r\n"},
      {"two different Content-Lengths",
       head + "Content-Length: " + std::to_string(body.size()) +
           "\r\nContent-Length: 5\r\n\r\n" + body},
      {"malformed chunk", head + "Transfer-Encoding: chunked\r\n\r\nzz\r\n" + body +
                              "\r\n0\r\n\r\n"},
  };
  for (const Case& c : cases) {
    RawConnection conn(port());
    ASSERT_TRUE(conn.connected());
    conn.Send(c.bytes);
    HttpResponse r = conn.ReadResponse(10s);
    EXPECT_EQ(r.status, 400) << c.name << r.Evidence();
    if (r.status == 400) {
      EXPECT_TRUE(conn.WaitClosed(3s)) << c.name << ": connection left open after 400";
    }
  }
  ExpectNoBatches();
}

// ---------------------------------------------------------------- 413

class SmallBodyCapTest : public ErrorsTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--max-body-bytes", "1024"};
  }
};

TEST_F(SmallBodyCapTest, BodyOverTheCapIs413) {
  Json small = PhonesBody({"441206250380"});
  ASSERT_LT(small.dump().size(), 1024u);
  EXPECT_EQ(CreateBatch(token_, small).status, 200);
  Json big = PhonesBody(std::vector<std::string>(100, "441206250380"));
  ASSERT_GT(big.dump().size(), 1024u);
  HttpResponse r = CreateBatch(token_, big);
  EXPECT_TRUE(IsErrorResponse(r, 413, kBatches));
  // The same with chunked transfer encoding (no Content-Length up front).
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  std::string payload = big.dump();
  char size_hex[32];
  std::snprintf(size_hex, sizeof size_hex, "%zx", payload.size());
  conn.Send(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuth-Token: " + token_ +
            "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
            "Connection: close\r\n\r\n" + size_hex + "\r\n" + payload + "\r\n0\r\n\r\n");
  HttpResponse chunked = conn.ReadResponse(10s);
  EXPECT_TRUE(IsErrorResponse(chunked, 413, kBatches)) << "chunked body over the cap";
}

// The cap is inclusive: a body of exactly --max-body-bytes is read and
// answered, one byte more is refused before anything is stored, whether the
// length comes up front or in chunks.
TEST_F(SmallBodyCapTest, BodyOfExactlyTheCapIsAcceptedOneByteMoreIs413) {
  constexpr size_t kCap = 1024;  // ServerArgs()
  // A valid create padded with JSON whitespace to exactly `size` bytes.
  auto body_of_size = [](size_t size) {
    std::string json = PhonesBody({"441206250380"}).dump();
    json.insert(1, size - json.size(), ' ');
    return json;
  };
  auto send_chunked = [&](const std::string& payload) {
    RawConnection conn(port());
    EXPECT_TRUE(conn.connected());
    char size_hex[32];
    std::snprintf(size_hex, sizeof size_hex, "%zx", payload.size());
    conn.Send(
        std::string("POST ") + kBatches +
        " HTTP/1.1\r\nHost: x\r\nAuth-Token: " + token_ +
        "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
        "Connection: close\r\n\r\n" +
        size_hex + "\r\n" + payload + "\r\n0\r\n\r\n");
    return conn.ReadResponse(10s);
  };

  const std::string over = body_of_size(kCap + 1);
  ASSERT_EQ(over.size(), kCap + 1);
  EXPECT_TRUE(
      IsErrorResponse(Call("POST", kBatches, token_, over), 413, kBatches))
      << "cap + 1 bytes";
  EXPECT_TRUE(IsErrorResponse(send_chunked(over), 413, kBatches))
      << "cap + 1 bytes, chunked";
  ExpectNoBatches();

  const std::string exact = body_of_size(kCap);
  ASSERT_EQ(exact.size(), kCap);
  HttpResponse plain = Call("POST", kBatches, token_, exact);
  EXPECT_EQ(plain.status, 200) << "exactly the cap" << plain.Evidence();
  HttpResponse chunked = send_chunked(exact);
  EXPECT_EQ(chunked.status, 200)
      << "exactly the cap, chunked" << chunked.Evidence();
  HttpResponse list = ListBatches(token_);
  EXPECT_EQ(list.JsonBody()["result"]["batches"].size(), 2u) << list.Evidence();
}

// ---------------------------------------------------------------- 408

class SlowClientTest : public ErrorsTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--header-timeout-ms", "300", "--body-timeout-ms", "300"};
  }
};

TEST_F(SlowClientTest, SlowHeadersAre408) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  auto started = Clock::now();
  ASSERT_TRUE(conn.Send(std::string("GET ") + kBatches + " HTTP/1.1\r\nHost: x\r\n"));
  // ... and never finish the headers.
  HttpResponse r = conn.ReadResponse(5s);
  auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
  EXPECT_EQ(r.status, 408) << "slow headers, waited " << waited.count() << " ms"
                           << r.Evidence();
  if (r.status == 408) {
    // The path may not be known yet when the headers are incomplete.
    std::string instance = r.JsonBody()["error"].value("instance", "?");
    EXPECT_TRUE(IsErrorResponse(r, 408, instance == "" ? "" : kBatches));
  }
  EXPECT_LT(waited, 3s);
}

TEST_F(SlowClientTest, SlowBodyIs408) {
  RawConnection conn(port());
  ASSERT_TRUE(conn.connected());
  ASSERT_TRUE(conn.Send(std::string("POST ") + kBatches + " HTTP/1.1\r\nHost: x\r\nAuth-Token: " +
                        token_ + "\r\nContent-Type: application/json\r\n"
                        "Content-Length: 100\r\n\r\n{\"phones\":"));
  HttpResponse r = conn.ReadResponse(5s);
  EXPECT_TRUE(IsErrorResponse(r, 408, kBatches)) << "slow body";
}

TEST_F(SlowClientTest, ServerStillServesAfterSlowClients) {
  {
    RawConnection conn(port());
    conn.Send("GET /healthz HTTP/1.1\r\n");
    conn.ReadResponse(3s);
  }
  HttpResponse r = ListBatches(token_);
  EXPECT_EQ(r.status, 200) << r.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
