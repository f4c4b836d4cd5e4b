// Several nodes on one PostgreSQL database (issue 12): a batch created on
// one node is processed by all and read on any, one account's rate limit
// holds across them, and a database outage gives 503s, not crashes, until
// it ends. Skipped when the suite runs on SQLite.

#include <signal.h>

#include <ctime>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class MultiNodeTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (pg_ == nullptr) GTEST_SKIP() << "needs PostgreSQL (PHONEBULK_IT_PG_URL)";
  }
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--chunk-size", "25", "--chunk-delay-ms", "20",
            "--lease-seconds", "2"};
  }

  // Another node on the same database.
  std::unique_ptr<ServerProcess> StartNode() {
    auto node = std::make_unique<ServerProcess>(db(), dir(), ServerArgs());
    std::string error;
    EXPECT_TRUE(node->Start(&error)) << error;
    return node;
  }

  static HttpResponse Get(int port, const std::string& target,
                          const std::string& token) {
    return HttpSend(port, {"GET", target, {{"Auth-Token", token}}, ""});
  }
};

std::vector<std::string> UsNumbers(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("20255501" + std::to_string(10 + i % 90));
  return out;
}

TEST_F(MultiNodeTest, ABatchCreatedOnOneNodeIsProcessedAndReadOnAny) {
  std::string token = CreateToken("multi", 5000);
  auto second = StartNode();
  auto third = StartNode();
  std::vector<std::string> numbers = UsNumbers(400);
  Json body = PhonesBody(numbers, {{"country_iso", "USA"}});
  std::string id = CreateBatchId(token, body);
  ASSERT_FALSE(id.empty());
  HttpResponse start =
      HttpSend(second->port(), {"POST", BatchPath(id) + "/start", {{"Auth-Token", token}}, ""});
  ASSERT_EQ(start.status, 200) << start.Evidence();
  Json done = WaitForStatus(token, id, "completed", 60s);
  EXPECT_EQ(done["result"].value("records_processed", -1), 400) << done.dump();
  HttpResponse results = Get(third->port(), BatchPath(id) + "/results", token);
  ASSERT_EQ(results.status, 200) << results.Evidence();
  // Every phone exactly once, and charged once.
  EXPECT_EQ(results.body, BatchResults(token, id).body);
  EXPECT_EQ(Credits("multi"), 5000 - 400);
}

TEST_F(MultiNodeTest, OneAccountsRateLimitIsOneLimitAcrossNodes) {
  auto second = StartNode();
  // Counts restart each wall-clock minute: sixteen requests that straddled
  // a minute boundary are run again on a fresh account (InOneRateWindow).
  const std::vector<HttpResponse> answers = InOneRateWindow([&](int n) {
    std::string token = CreateTokenWithDefaultLimit(
        "limited-" + std::to_string(n), 100, {"--rate-limit", "10"});
    std::vector<HttpResponse> got;
    for (int i = 0; i < 16; ++i) {
      got.push_back(Get(i % 2 ? second->port() : port(), kBatches, token));
    }
    return got;
  });
  int ok = 0;
  int limited = 0;
  for (const HttpResponse& r : answers) {
    if (r.status == 200) ++ok;
    if (r.status == 429) ++limited;
  }
  EXPECT_EQ(ok, 10) << "the nodes did not share one count";
  EXPECT_EQ(limited, 6);
}

TEST_F(MultiNodeTest, DroppedConnectionsAreReplacedWithoutAnError) {
  std::string token = CreateToken("drop", 100);
  ASSERT_EQ(Call("GET", kBatches, token).status, 200);
  pg_->DropConnections();
  HttpResponse r = Call("GET", kBatches, token);
  EXPECT_EQ(r.status, 200) << r.Evidence();
}

TEST_F(MultiNodeTest, ADatabaseOutageGives503sAndTheNodeRecovers) {
  std::string token = CreateToken("outage", 100);
  std::string id = CreateBatchId(token, PhonesBody({"2025550123"}, {{"country_iso", "USA"}}));
  ASSERT_FALSE(id.empty());
  pg_->SetReachable(false);
  HttpResponse during = BatchStatus(token, id);
  EXPECT_TRUE(IsErrorResponse(during, 503, BatchPath(id)));
  EXPECT_EQ(Call("GET", "/readyz", "").status, 503);
  ASSERT_EQ(::kill(server().pid(), 0), 0) << "the node died with its database";
  pg_->SetReachable(true);
  EXPECT_TRUE(WaitUntil([&] { return Call("GET", "/readyz", "").status == 200; }, 20s));
  HttpResponse after = BatchStatus(token, id);
  EXPECT_EQ(after.status, 200) << after.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
