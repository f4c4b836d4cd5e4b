// Who may do what: 401 unknown token, 403 (product, disabled, IP and
// Origin/Referer allow-lists), account isolation (404 for another account's
// batch), the per-account rate limit (429) and retention (400 for a batch
// older than the retention period, before and after the purge).

#include <algorithm>
#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class AccessTest : public ServerTest {};

// Time since the epoch, in whole seconds.
long long NowEpoch() { return static_cast<long long>(std::time(nullptr)); }

TEST_F(AccessTest, UnknownTokenIs401) {
  CreateToken("acct");  // the DB has tokens, just not this one
  for (const std::string& token : {std::string("nope"), std::string(64, 'a')}) {
    HttpResponse r = ListBatches(token);
    EXPECT_TRUE(IsErrorResponse(r, 401, kBatches)) << "token=" << token;
  }
  HttpResponse via_bearer = ListBatches("", {{"Authorization", "Bearer nope"}});
  EXPECT_TRUE(IsErrorResponse(via_bearer, 401, kBatches));
  HttpResponse via_app_key = ListBatches("", {{"x-app-key", "nope"}});
  EXPECT_TRUE(IsErrorResponse(via_app_key, 401, kBatches));
}

TEST_F(AccessTest, TokenForAnotherProductIs403) {
  std::string validate_only = CreateToken("acct", 1000, {"--products", "phone-validate"});
  HttpResponse list = ListBatches(validate_only);
  EXPECT_TRUE(IsErrorResponse(list, 403, kBatches));
  HttpResponse create = CreateBatch(validate_only, PhonesBody({"441206250380"}));
  EXPECT_TRUE(IsErrorResponse(create, 403, kBatches));
  std::string bulk = CreateToken("acct", 0, {"--products", "phone-bulk"});
  EXPECT_EQ(ListBatches(bulk).status, 200);
}

TEST_F(AccessTest, DisabledTokenIs403UntilEnabled) {
  std::string token = CreateToken("acct", 1000);
  std::string id = CreateBatchId(token, PhonesBody({"441206250380"}));
  ASSERT_FALSE(id.empty());
  CommandResult off = RunCli({"token", "disable", "--db", db(), token});
  ASSERT_EQ(off.exit_code, 0) << off.Evidence();
  EXPECT_TRUE(IsErrorResponse(ListBatches(token), 403, kBatches));
  EXPECT_TRUE(IsErrorResponse(BatchStatus(token, id), 403, BatchPath(id)));
  EXPECT_TRUE(IsErrorResponse(StartBatch(token, id), 403, BatchPath(id) + "/start"));
  EXPECT_TRUE(IsErrorResponse(CreateBatch(token, PhonesBody({"1"})), 403, kBatches));
  CommandResult on = RunCli({"token", "enable", "--db", db(), token});
  ASSERT_EQ(on.exit_code, 0) << on.Evidence();
  HttpResponse r = BatchStatus(token, id);
  EXPECT_EQ(r.status, 200) << "re-enabled token" << r.Evidence();
  EXPECT_EQ(r.JsonBody()["result"].value("status", ""), "submitted")
      << "a disabled token's start must not have started the batch";
}

TEST_F(AccessTest, TokenListShowsNoPlainTokens) {
  std::string token = CreateToken("acct", 10);
  ASSERT_FALSE(token.empty());
  CommandResult list = RunCli({"token", "list", "--db", db()});
  EXPECT_EQ(list.exit_code, 0) << list.Evidence();
  EXPECT_EQ(list.out.find(token), std::string::npos)
      << "token list prints the plain token; tokens are stored only as hashes"
      << list.Evidence();
}

TEST_F(AccessTest, IpAllowList) {
  std::string elsewhere = CreateToken("acct", 1000, {"--allow-ip", "10.0.0.0/8"});
  EXPECT_TRUE(IsErrorResponse(ListBatches(elsewhere), 403, kBatches))
      << "calling from 127.0.0.1 with allow-list 10.0.0.0/8";
  std::string loopback = CreateToken("acct", 0, {"--allow-ip", "127.0.0.0/8"});
  HttpResponse ok = ListBatches(loopback);
  EXPECT_EQ(ok.status, 200) << "allow-list 127.0.0.0/8" << ok.Evidence();
  std::string two = CreateToken("acct", 0, {"--allow-ip", "10.0.0.0/8", "--allow-ip",
                                            "127.0.0.1/32"});
  HttpResponse ok2 = ListBatches(two);
  EXPECT_EQ(ok2.status, 200) << "allow-list 10.0.0.0/8 + 127.0.0.1/32" << ok2.Evidence();
  // A forged X-Forwarded-For must not get a caller past the list.
  HttpResponse forged = ListBatches(elsewhere, {{"X-Forwarded-For", "10.1.2.3"}});
  EXPECT_TRUE(IsErrorResponse(forged, 403, kBatches)) << "X-Forwarded-For: 10.1.2.3";
}

TEST_F(AccessTest, DomainAllowList) {
  std::string token = CreateToken("acct", 1000, {"--allow-domain", "example.com"});
  struct Case {
    const char* header;
    const char* value;
    int want;
  };
  const std::vector<Case> cases = {
      {"Origin", "https://example.com", 200},
      {"Origin", "https://evil.com", 403},
      {"Origin", "https://example.com.evil.com", 403},
      {"Origin", "https://notexample.com", 403},
      {"Referer", "https://example.com/page?x=1", 200},
      {"Referer", "https://evil.com/page", 403},
  };
  for (const Case& c : cases) {
    HttpResponse r = ListBatches(token, {{c.header, c.value}});
    if (c.want == 200) {
      EXPECT_EQ(r.status, 200) << c.header << ": " << c.value << r.Evidence();
    } else {
      EXPECT_TRUE(IsErrorResponse(r, 403, kBatches)) << c.header << ": " << c.value;
    }
  }
}

// Origins and Referers that only look like an allowed host (user info,
// backslashes, look-alike suffixes, other schemes) are refused.
TEST_F(AccessTest, OriginWithUserinfoIsRefused) {
  const std::string token = CreateToken("origin", 1000, {"--allow-domain", "acme.example"});
  const std::string subs = CreateToken("origin", 1000, {"--allow-domain", "*.acme.example"});
  struct Case {
    std::string token, header, value;
    int want;
  };
  const std::vector<Case> cases = {
      {token, "Origin", "https://acme.example", 200},
      {token, "Origin", "https://app.acme.example", 200},
      {token, "Origin", "https://ACME.example:8443", 200},
      {token, "Referer", "https://acme.example/page?x=1", 200},
      {token, "Origin", "https://evil.com\\@acme.example", 403},
      {token, "Origin", "https://evil.com\\\\@acme.example", 403},
      {token, "Origin", "https://evil.com@acme.example", 403},
      {token, "Origin", "https://user:pw@acme.example", 403},
      {token, "Referer", "https://evil.com\\@acme.example/page", 403},
      {token, "Origin", "javascript://acme.example", 403},
      {token, "Origin", "acme.example", 403},
      {token, "Origin", "https://acme.example.evil.com", 403},
      {token, "Origin", "https://evil.com/acme.example", 403},
      {token, "Origin", "https://evil.com#@acme.example", 403},
      {subs, "Origin", "https://app.acme.example", 200},
      {subs, "Origin", "https://acme.example", 403},
  };
  for (const Case& c : cases) {
    HttpResponse r = ListBatches(c.token, {{c.header, c.value}});
    if (c.want == 200) {
      EXPECT_EQ(r.status, 200) << c.header << ": " << c.value << r.Evidence();
    } else {
      EXPECT_TRUE(IsErrorResponse(r, 403, kBatches)) << c.header << ": " << c.value;
    }
  }
}

// --------------------------------------------------------------- browsers

// A CORS preflight from an origin on some enabled token's domain list gets
// the CORS headers; any other origin gets a 403 without them, so the
// browser blocks the call. A token created while the server runs counts at
// once, a disabled one no longer does.
TEST_F(AccessTest, PreflightIsAnsweredForAllowedOriginsOnly) {
  auto preflight = [&](const std::string& origin) {
    return Send({"OPTIONS", kBatches,
                 {{"Origin", origin},
                  {"Access-Control-Request-Method", "POST"},
                  {"Access-Control-Request-Headers", "auth-token,content-type"}}});
  };
  const std::string site = "https://app.acme.example";
  HttpResponse before = preflight(site);
  EXPECT_TRUE(IsErrorResponse(before, 403, kBatches)) << "no token names acme.example yet";
  EXPECT_FALSE(before.HasHeader("Access-Control-Allow-Origin")) << before.Evidence();

  const std::string token = CreateToken("web", 1000, {"--allow-domain", "acme.example"});
  HttpResponse ok = preflight(site);
  ASSERT_EQ(ok.status, 204) << ok.Evidence();
  EXPECT_EQ(ok.Header("Access-Control-Allow-Origin").value_or(""), site) << ok.Evidence();
  EXPECT_EQ(ok.Header("Access-Control-Allow-Methods").value_or(""), "GET, POST");
  const std::string allowed = ok.Header("Access-Control-Allow-Headers").value_or("");
  EXPECT_NE(allowed.find("Auth-Token"), std::string::npos) << allowed;
  EXPECT_NE(allowed.find("Content-Type"), std::string::npos) << allowed;
  EXPECT_EQ(ok.Header("Vary").value_or(""), "Origin");
  EXPECT_TRUE(ok.HasHeader("Access-Control-Max-Age"));

  for (const char* other : {"https://evil.example", "https://acme.example.evil.example",
                            "null"}) {
    HttpResponse r = preflight(other);
    EXPECT_TRUE(IsErrorResponse(r, 403, kBatches)) << other;
    EXPECT_FALSE(r.HasHeader("Access-Control-Allow-Origin")) << r.Evidence();
  }
  // A method the path does not answer is refused for an allowed origin too.
  HttpResponse del = Send({"OPTIONS", kBatches,
                           {{"Origin", site}, {"Access-Control-Request-Method", "DELETE"}}});
  EXPECT_TRUE(IsErrorResponse(del, 403, kBatches)) << del.Evidence();

  CommandResult off = RunCli({"token", "disable", "--db", db(), token});
  ASSERT_EQ(off.exit_code, 0) << off.Evidence();
  EXPECT_EQ(preflight(site).status, 403) << "a disabled token admits no site";
}

// OPTIONS that is not a preflight says what the path answers, instead of
// the 405 every other unknown method gets.
TEST_F(AccessTest, PlainOptionsListsTheMethods) {
  HttpResponse r = Send({"OPTIONS", kBatches, {}});
  EXPECT_EQ(r.status, 204) << r.Evidence();
  EXPECT_EQ(r.Header("Allow").value_or(""), "GET, POST, OPTIONS") << r.Evidence();
  HttpResponse put = Send({"PUT", kBatches, {}});
  EXPECT_TRUE(IsErrorResponse(put, 405, kBatches)) << put.Evidence();
}

// The answer to a real call from an allowed page is readable by that page
// (Access-Control-Allow-Origin and the exposed headers), errors included;
// a token without a domain list never gets CORS headers.
TEST_F(AccessTest, AllowedPagesMayReadAnswers) {
  const std::string site = "https://app.acme.example";
  const std::string web = CreateToken("web", 1000, {"--allow-domain", "acme.example"});
  HttpResponse list = ListBatches(web, {{"Origin", site}});
  ASSERT_EQ(list.status, 200) << list.Evidence();
  EXPECT_EQ(list.Header("Access-Control-Allow-Origin").value_or(""), site);
  const std::string exposed = list.Header("Access-Control-Expose-Headers").value_or("");
  EXPECT_NE(exposed.find("X-Rate-Limit-Remaining"), std::string::npos) << exposed;
  EXPECT_NE(exposed.find("Reference-Id"), std::string::npos) << exposed;

  HttpResponse not_found = Send({"GET", BatchPath("3f2b8c1e-9a4d-4e6f-8b2a-1c5d7e9f0a3b"),
                                 {{"Auth-Token", web}, {"Origin", site}}});
  EXPECT_TRUE(IsErrorResponse(not_found, 404, BatchPath("3f2b8c1e-9a4d-4e6f-8b2a-1c5d7e9f0a3b")));
  EXPECT_EQ(not_found.Header("Access-Control-Allow-Origin").value_or(""), site)
      << "a page must be able to read why its call failed";

  // A page elsewhere learns nothing, not even why it was refused.
  HttpResponse elsewhere = ListBatches(web, {{"Origin", "https://evil.example"}});
  EXPECT_TRUE(IsErrorResponse(elsewhere, 403, kBatches)) << elsewhere.Evidence();
  EXPECT_FALSE(elsewhere.HasHeader("Access-Control-Allow-Origin")) << elsewhere.Evidence();

  const std::string secret = CreateToken("server-side", 1000);
  HttpResponse plain = ListBatches(secret, {{"Origin", site}});
  ASSERT_EQ(plain.status, 200) << plain.Evidence();
  EXPECT_FALSE(plain.HasHeader("Access-Control-Allow-Origin")) << plain.Evidence();
}

// ---------------------------------------------------------------- isolation

TEST_F(AccessTest, AnotherAccountsBatchIs404AndNotListed) {
  std::string a = CreateToken("account-a", 1000);
  std::string b = CreateToken("account-b", 1000);
  std::string id = CreateBatchId(a, PhonesBody({"441206250380", "2026298914"}));
  ASSERT_FALSE(id.empty());
  EXPECT_TRUE(IsErrorResponse(BatchStatus(b, id), 404, BatchPath(id)));
  EXPECT_TRUE(IsErrorResponse(BatchResults(b, id), 404, BatchPath(id) + "/results"));
  EXPECT_TRUE(IsErrorResponse(StartBatch(b, id), 404, BatchPath(id) + "/start"));
  EXPECT_TRUE(IsErrorResponse(StopBatch(b, id), 404, BatchPath(id) + "/stop"));
  HttpResponse list_b = ListBatches(b);
  ASSERT_EQ(list_b.status, 200) << list_b.Evidence();
  EXPECT_TRUE(list_b.JsonBody()["result"]["batches"].empty()) << list_b.Evidence();

  // B's attempts changed nothing; A still owns a submitted batch.
  HttpResponse status_a = BatchStatus(a, id);
  ASSERT_EQ(status_a.status, 200) << status_a.Evidence();
  EXPECT_EQ(status_a.JsonBody()["result"].value("status", ""), "submitted");
  HttpResponse list_a = ListBatches(a);
  ASSERT_EQ(list_a.JsonBody()["result"]["batches"].size(), 1u) << list_a.Evidence();
  EXPECT_EQ(list_a.JsonBody()["result"]["batches"][0].value("batch_id", ""), id);

  // Once A's batch runs, B still cannot see its results; a second token of
  // account A can.
  ASSERT_EQ(StartBatch(a, id).status, 200);
  WaitForStatus(a, id, "completed");
  EXPECT_TRUE(IsErrorResponse(BatchResults(b, id), 404, BatchPath(id) + "/results"));
  std::string a2 = CreateToken("account-a", 0);
  EXPECT_EQ(BatchResults(a2, id).status, 200) << "second token of the same account";
  EXPECT_EQ(*Credits("account-b"), 1000) << "B was charged for A's batch";
}

// ---------------------------------------------------------------- 429

TEST_F(AccessTest, RateLimitGives429WithRetryAfter) {
  // Six requests of an account limited to five a minute, in one window
  // (InOneRateWindow runs them again on a fresh account if they straddled
  // a minute boundary).
  std::string account;
  const std::vector<HttpResponse> answers = InOneRateWindow([&](int n) {
    account = "limited-" + std::to_string(n);
    const std::string token = CreateToken(account, 1000, {"--rate-limit", "5"});
    std::vector<HttpResponse> got;
    for (int i = 0; i < 6; ++i) got.push_back(ListBatches(token));
    return got;
  });
  long long last_remaining = 1000;
  for (int i = 1; i <= 5; ++i) {
    const HttpResponse& r = answers[i - 1];
    ASSERT_EQ(r.status, 200) << "request " << i << " of 5" << r.Evidence();
    EXPECT_EQ(r.Header("X-Rate-Limit-Limit").value_or(""), "5") << r.Evidence();
    long long remaining = std::stoll(r.Header("X-Rate-Limit-Remaining").value_or("-1"));
    EXPECT_EQ(remaining, 5 - i) << "request " << i << r.Evidence();
    EXPECT_LT(remaining, last_remaining);
    last_remaining = remaining;
  }
  const HttpResponse& r = answers[5];
  EXPECT_TRUE(IsErrorResponse(r, 429, kBatches)) << "6th request in the minute";
  EXPECT_EQ(r.Header("X-Rate-Limit-Remaining").value_or(""), "0") << r.Evidence();
  EXPECT_EQ(r.Header("X-Rate-Limit-Limit").value_or(""), "5") << r.Evidence();
  auto retry = r.Header("Retry-After");
  ASSERT_TRUE(retry.has_value()) << "429 without Retry-After" << r.Evidence();
  long long retry_s = std::atoll(retry->c_str());
  EXPECT_GE(retry_s, 1) << *retry;
  EXPECT_LE(retry_s, 60) << *retry;
  long long reset = std::atoll(r.Header("X-Rate-Limit-Reset").value_or("0").c_str());
  EXPECT_GE(reset, NowEpoch()) << "X-Rate-Limit-Reset is not a future epoch second";
  EXPECT_LE(reset, NowEpoch() + 61);

  // The limit is per account: a second token of the same account is limited
  // too (while the window lasts: only a 200 that starts a new window, with
  // a later Reset, excuses it), while another account is not.
  std::string same = CreateToken(account, 0, {"--rate-limit", "5"});
  HttpResponse again = ListBatches(same);
  if (again.status == 200) {
    EXPECT_GT(std::atoll(again.Header("X-Rate-Limit-Reset").value_or("0").c_str()),
              reset)
        << "second token of the limited account" << again.Evidence();
  } else {
    EXPECT_TRUE(IsErrorResponse(again, 429, kBatches))
        << "second token of the limited account";
  }
  std::string other = CreateToken("unlimited", 0);
  EXPECT_EQ(ListBatches(other).status, 200);
}

TEST_F(AccessTest, ConcurrentRequestsDoNotOvershootTheLimit) {
  constexpr int kThreads = 30;
  const std::vector<HttpResponse> answers = InOneRateWindow([&](int n) {
    const std::string token =
        CreateToken("burst-" + std::to_string(n), 0, {"--rate-limit", "10"});
    std::vector<HttpResponse> got(kThreads);
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
      threads.emplace_back([&, i] {
        got[i] = HttpSend(port(), {"GET", kBatches, {{"Auth-Token", token}}, ""});
      });
    }
    for (auto& t : threads) t.join();
    return got;
  });
  std::vector<int> statuses;
  for (const HttpResponse& r : answers) statuses.push_back(r.status);
  int ok = std::count(statuses.begin(), statuses.end(), 200);
  int limited = std::count(statuses.begin(), statuses.end(), 429);
  EXPECT_EQ(ok, 10);
  EXPECT_EQ(limited, kThreads - 10);
}

TEST_F(AccessTest, DefaultRateLimitIs150) {
  std::string token = CreateTokenWithDefaultLimit("default-limit", 0);
  HttpResponse r = ListBatches(token);
  ASSERT_EQ(r.status, 200) << r.Evidence();
  EXPECT_EQ(r.Header("X-Rate-Limit-Limit").value_or(""), "150") << r.Evidence();
  Json account = AccountJson("default-limit");
  EXPECT_EQ(account.value("rate_limit_per_minute", -1), 150) << account.dump();
}

// ---------------------------------------------------------------- retention

// Retention is an hour here, and batches are aged in the database (as in
// DefaultRetentionTest below) rather than waited for; the purge runs every
// second and logs what it purged.
class RetentionTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--retention-seconds", "3600", "--purge-interval-seconds", "1"};
  }
};

TEST_F(RetentionTest, ExpiredBatchIs400BeforeAndAfterPurge) {
  std::string token = CreateToken("acct", 1000);
  std::string done = CreateBatchId(token, PhonesBody({"441206250380", "2026298914"}));
  ASSERT_FALSE(done.empty());
  ASSERT_EQ(StartBatch(token, done).status, 200);
  WaitForStatus(token, done, "completed", 20s);
  std::string fresh = CreateBatchId(token, PhonesBody({"441206250380"}));
  ASSERT_FALSE(fresh.empty());
  // The control: both are answered while young, so the 400s below come
  // from their age.
  for (const std::string& id : {done, fresh}) {
    HttpResponse young = BatchStatus(token, id);
    ASSERT_EQ(young.status, 200) << young.Evidence();
  }
  // Both at once, so that one purge takes both.
  RunSql("UPDATE batches SET date_submitted_us = date_submitted_us - 7200000000 WHERE id IN ('" +
         done + "', '" + fresh + "')");

  auto expect_expired = [&](const std::string& id, const char* when) {
    struct Route {
      const char* method;
      std::string path;
    };
    for (const Route& route : {Route{"GET", BatchPath(id)},
                               Route{"GET", BatchPath(id) + "/results"},
                               Route{"POST", BatchPath(id) + "/start"},
                               Route{"POST", BatchPath(id) + "/stop"}}) {
      HttpResponse r = Call(route.method, route.path, token);
      EXPECT_TRUE(IsErrorResponse(r, 400, route.path)) << when;
      std::string detail = r.JsonBody()["error"].value("detail", "");
      EXPECT_NE(detail.find("older than"), std::string::npos)
          << when << ": detail does not say the batch is too old: " << detail;
    }
  };
  expect_expired(done, "after retention");
  expect_expired(fresh, "after retention (never started)");
  // Once the purge has deleted the rows (it logs it), the answer is the same.
  ASSERT_TRUE(WaitUntil(
      [&] {
        return server().StderrText().find("event=retention_purge batches=2") != std::string::npos;
      },
      20s))
      << "no purge of the two batches logged";
  expect_expired(done, "after purge");
  expect_expired(fresh, "after purge (never started)");
  // And still after a restart (the tombstone is durable).
  Restart(/*hard=*/false);
  expect_expired(done, "after purge and restart");
}

// The default: every other retention test sets --retention-seconds, so this
// one starts the server without it. A real server's clock cannot be moved,
// so the batches are aged in the database instead, an hour either side of
// 28 days: a day away from 27 or 29, and far beyond any lag between the
// UPDATE and the calls.
class DefaultRetentionTest : public ServerTest {};

TEST_F(DefaultRetentionTest, BatchesAreKept28DaysByDefault) {
  for (const std::string& arg : ServerArgs()) {
    ASSERT_EQ(arg.find("retention"), std::string::npos)
        << "the default is under test";
  }
  std::string token = CreateToken("acct", 1000);
  std::string kept = CreateBatchId(token, PhonesBody({"441206250380"}));
  std::string gone = CreateBatchId(token, PhonesBody({"2026298914"}));
  ASSERT_FALSE(kept.empty() || gone.empty());
  constexpr long long kHourUs = 3600LL * 1000 * 1000;
  auto age = [&](const std::string& id, long long micros) {
    RunSql("UPDATE batches SET date_submitted_us = date_submitted_us - " +
           std::to_string(micros) + " WHERE id = '" + id + "'");
  };
  age(kept, 28 * 24 * kHourUs - kHourUs);
  age(gone, 28 * 24 * kHourUs + kHourUs);

  HttpResponse young = BatchStatus(token, kept);
  EXPECT_EQ(young.status, 200)
      << "28 days less an hour old is still kept" << young.Evidence();
  HttpResponse old = BatchStatus(token, gone);
  EXPECT_TRUE(IsErrorResponse(old, 400, BatchPath(gone)))
      << "28 days and an hour old";
  EXPECT_NE(old.JsonBody()["error"].value("detail", "").find("older than"),
            std::string::npos)
      << old.Evidence();
  // The list says the same.
  HttpResponse list = ListBatches(token);
  ASSERT_EQ(list.status, 200) << list.Evidence();
  const Json batches = list.JsonBody()["result"]["batches"];
  std::vector<std::string> listed;
  for (const Json& b : batches) listed.push_back(b.value("batch_id", ""));
  EXPECT_EQ(listed, std::vector<std::string>{kept}) << list.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
