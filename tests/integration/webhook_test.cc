// Webhooks end to end: a real server delivers batch events to a real
// receiver process (webhook_receiver.py, an HTTP server in Python) and the
// test checks what arrived: the Standard Webhooks headers and signature,
// the body, retries after 500s, a kill -9 mid-retry, no delivery twice once
// acknowledged, and the SSRF rule for private targets.

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

extern char** environ;

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

// The receiver process: answers every POST with the status in DIR/status
// and records it in DIR/requests.jsonl.
class Receiver {
 public:
  explicit Receiver(std::string dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_);
    std::vector<std::string> argv_s = {"/usr/bin/python3",
                                       PHONEBULK_WEBHOOK_RECEIVER, dir_};
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], nullptr, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
      return;
    }
    WaitUntil([&] { return std::filesystem::exists(dir_ + "/port"); }, 10s);
    std::ifstream in(dir_ + "/port");
    in >> port_;
  }
  ~Receiver() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/hooks/phonebulk";
  }
  void AnswerWith(int status) {
    std::ofstream(dir_ + "/status.tmp") << status;
    std::filesystem::rename(dir_ + "/status.tmp", dir_ + "/status");
  }
  // Every request received so far, in order.
  std::vector<Json> Requests() const {
    std::vector<Json> out;
    std::ifstream in(dir_ + "/requests.jsonl");
    for (std::string line; std::getline(in, line);) {
      Json j = Json::parse(line, nullptr, /*allow_exceptions=*/false);
      if (!j.is_discarded()) out.push_back(std::move(j));
    }
    return out;
  }
  // Those carrying `message_id`.
  std::vector<Json> RequestsFor(const std::string& message_id) const {
    std::vector<Json> out;
    for (Json& r : Requests()) {
      if (r["headers"].value("webhook-id", "") == message_id) out.push_back(r);
    }
    return out;
  }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  int port_ = 0;
};

std::string Base64(const std::string& bytes) {
  std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(bytes.data()),
                          static_cast<int>(bytes.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// The signature a receiver computes to verify a delivery (the Standard
// Webhooks recipe, written independently of the server's code).
std::string ExpectedSignature(const std::string& secret, const Json& request) {
  const std::string key_b64 = secret.substr(std::string("whsec_").size());
  std::string key(key_b64.size(), '\0');
  int n =
      EVP_DecodeBlock(reinterpret_cast<unsigned char*>(key.data()),
                      reinterpret_cast<const unsigned char*>(key_b64.data()),
                      static_cast<int>(key_b64.size()));
  key.resize(static_cast<size_t>(n));
  if (key_b64.ends_with("==")) {
    key.resize(key.size() - 2);
  } else if (key_b64.ends_with("=")) {
    key.resize(key.size() - 1);
  }
  const std::string content =
      request["headers"].value("webhook-id", "") + "." +
      request["headers"].value("webhook-timestamp", "") + "." +
      request.value("body", "");
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(content.data()), content.size(),
       mac, &len);
  return "v1," + Base64(std::string(reinterpret_cast<char*>(mac), len));
}

class WebhookTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = ServerTest::ServerArgs();
    // Receivers here are on loopback; retries fast enough for a test; a
    // delivery claimed by a server killed mid-send is free again after 4 s,
    // not the default minute.
    args.insert(args.end(),
                {"--webhook-allow-private", "--webhook-retry-base-ms", "200",
                 "--webhook-lease-seconds", "4"});
    return args;
  }

  // `webhook add`; returns the secret (the last line) after checking it.
  std::string AddWebhook(const std::string& account, const std::string& url) {
    CommandResult add = RunCli({"webhook", "add", "--db", db(), "--account",
                                account, "--url", url, "--allow-private"});
    EXPECT_EQ(add.exit_code, 0) << add.Evidence();
    const std::string secret = add.LastLine();
    EXPECT_EQ(secret.rfind("whsec_", 0), 0u) << add.Evidence();
    return secret;
  }

  // Runs a batch of `n` US numbers to completion; returns its id.
  std::string CompleteBatch(const std::string& token, int n) {
    std::vector<std::string> numbers;
    for (int i = 0; i < n; ++i)
      numbers.push_back("20262989" + std::to_string(10 + i));
    HttpResponse created = CreateBatch(
        token, PhonesBody(numbers, {{"country_iso", "USA"},
                                    {"batch_reference_id", "crm-42"}}));
    EXPECT_EQ(created.status, 200) << created.Evidence();
    const std::string id = created.JsonBody()["result"].value("batch_id", "");
    EXPECT_EQ(StartBatch(token, id).status, 200);
    WaitForStatus(token, id, "completed", 30s);
    return id;
  }

  // Creates and stops a batch: its batch.stopped delivery is the control
  // that the dispatcher has worked through the outbox since.
  std::string StopABatch(const std::string& token) {
    const std::string id = CreateBatchId(
        token, PhonesBody({"2026298914"}, {{"country_iso", "USA"}}));
    EXPECT_EQ(StopBatch(token, id).status, 200);
    return id;
  }

  static std::string MessageId(const std::string& batch_id, int webhook_id) {
    return "msg_" + batch_id + "_" + std::to_string(webhook_id);
  }

  std::string webhook_list() {
    CommandResult list = RunCli({"webhook", "list", "--db", db()});
    EXPECT_EQ(list.exit_code, 0) << list.Evidence();
    return list.out;
  }
};

TEST_F(WebhookTest, DeliversASignedEventOnceWhenABatchCompletes) {
  Receiver receiver(dir() + "/receiver");
  ASSERT_GT(receiver.port(), 0);
  const std::string token = CreateToken("hooks", 100);
  const std::string secret = AddWebhook("hooks", receiver.url());
  const std::string id = CompleteBatch(token, 3);
  const std::string message_id = MessageId(id, 1);
  ASSERT_TRUE(
      WaitUntil([&] { return !receiver.RequestsFor(message_id).empty(); }, 20s))
      << "no delivery of " << message_id << "\n"
      << server().StderrText();

  const Json request = receiver.RequestsFor(message_id).front();
  EXPECT_EQ(request.value("path", ""), "/hooks/phonebulk");
  const Json& headers = request["headers"];
  EXPECT_EQ(headers.value("content-type", ""), "application/json");
  const long long timestamp =
      std::stoll(headers.value("webhook-timestamp", "0"));
  EXPECT_LE(std::llabs(timestamp - static_cast<long long>(std::time(nullptr))),
            300);
  EXPECT_EQ(headers.value("webhook-signature", ""),
            ExpectedSignature(secret, request));
  EXPECT_NE(headers.value("webhook-signature", ""),
            ExpectedSignature("whsec_" + Base64("other key"), request))
      << "the signature must depend on the secret";

  const Json body = Json::parse(request.value("body", ""), nullptr, false);
  ASSERT_TRUE(body.is_object()) << request.dump();
  EXPECT_EQ(body.value("type", ""), "batch.completed");
  EXPECT_TRUE(IsContractTime(body.value("timestamp", ""))) << body.dump();
  const Json& data = body["data"];
  EXPECT_EQ(data.value("batch_id", ""), id);
  EXPECT_EQ(data.value("batch_reference_id", ""), "crm-42");
  EXPECT_EQ(data.value("status", ""), "completed");
  EXPECT_TRUE(data["reason"].is_null());
  EXPECT_EQ(data.value("records", -1), 3);
  EXPECT_EQ(data.value("records_processed", -1), 3);
  EXPECT_EQ(data.value("credits_charged", -1), 3);

  // The control: a later event arrives, so the first had every chance to
  // be sent again, and was not.
  const std::string stopped = StopABatch(token);
  ASSERT_TRUE(WaitUntil(
      [&] { return !receiver.RequestsFor(MessageId(stopped, 1)).empty(); },
      20s));
  const Json stop_body = Json::parse(
      receiver.RequestsFor(MessageId(stopped, 1)).front().value("body", ""));
  EXPECT_EQ(stop_body.value("type", ""), "batch.stopped");
  EXPECT_EQ(stop_body["data"].value("reason", ""), "stopped_by_request");
  EXPECT_EQ(receiver.RequestsFor(message_id).size(), 1u) << "delivered twice";
  EXPECT_NE(webhook_list().find("0 pending, 2 delivered, 0 failed"),
            std::string::npos)
      << webhook_list();
}

TEST_F(WebhookTest, RetriesAfterServerErrorsWithTheSameId) {
  Receiver receiver(dir() + "/receiver");
  receiver.AnswerWith(500);
  const std::string token = CreateToken("hooks", 100);
  const std::string secret = AddWebhook("hooks", receiver.url());
  const std::string message_id = MessageId(CompleteBatch(token, 2), 1);
  ASSERT_TRUE(WaitUntil(
      [&] { return receiver.RequestsFor(message_id).size() >= 3; }, 30s))
      << "fewer than 3 attempts\n"
      << server().StderrText();
  receiver.AnswerWith(200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto all = receiver.RequestsFor(message_id);
        return all.back().value("status", 0) == 200;
      },
      30s))
      << server().StderrText();
  const std::vector<Json> attempts = receiver.RequestsFor(message_id);
  for (const Json& attempt : attempts) {
    EXPECT_EQ(attempt["headers"].value("webhook-signature", ""),
              ExpectedSignature(secret, attempt));
    EXPECT_EQ(attempt.value("body", ""), attempts.front().value("body", ""))
        << "every attempt sends the same event";
  }
  // The control: after a later delivery, the acknowledged one has not been
  // sent again.
  const std::string stopped = StopABatch(token);
  ASSERT_TRUE(WaitUntil(
      [&] { return !receiver.RequestsFor(MessageId(stopped, 1)).empty(); },
      20s));
  EXPECT_EQ(receiver.RequestsFor(message_id).size(), attempts.size());
  HttpResponse metrics = Send({"GET", "/metrics", {}, ""});
  EXPECT_NE(
      metrics.body.find("phonebulk_webhook_attempts_total{outcome=\"retry\"} "),
      std::string::npos);
}

// The outbox is in the database: a kill -9 while a delivery is failing
// loses nothing, and the restarted server delivers it, once.
TEST_F(WebhookTest, SurvivesAKillMidRetry) {
  Receiver receiver(dir() + "/receiver");
  receiver.AnswerWith(503);
  const std::string token = CreateToken("hooks", 100);
  AddWebhook("hooks", receiver.url());
  const std::string message_id = MessageId(CompleteBatch(token, 2), 1);
  ASSERT_TRUE(WaitUntil(
      [&] { return !receiver.RequestsFor(message_id).empty(); }, 20s));
  Restart(/*hard=*/true);
  receiver.AnswerWith(200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        auto all = receiver.RequestsFor(message_id);
        return !all.empty() && all.back().value("status", 0) == 200;
      },
      30s))
      << server().StderrText();
  const std::string stopped = StopABatch(token);
  ASSERT_TRUE(WaitUntil(
      [&] { return !receiver.RequestsFor(MessageId(stopped, 1)).empty(); },
      20s));
  int acknowledged = 0;
  for (const Json& r : receiver.RequestsFor(message_id))
    acknowledged += r.value("status", 0) == 200;
  EXPECT_EQ(acknowledged, 1) << "acknowledged more than once";
}

// Without --webhook-allow-private, a target on loopback is refused when it
// is added and never sent to when it resolves there at delivery time.
class WebhookSsrfTest : public WebhookTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return ServerTest::ServerArgs();
  }
};

TEST_F(WebhookSsrfTest, PrivateTargetsAreRefused) {
  Receiver receiver(dir() + "/receiver");
  const std::string token = CreateToken("hooks", 100);
  CommandResult refused = RunCli({"webhook", "add", "--db", db(), "--account",
                                  "hooks", "--url", receiver.url()});
  EXPECT_EQ(refused.exit_code, 1) << refused.Evidence();
  EXPECT_NE(refused.err.find("not a public address"), std::string::npos)
      << refused.Evidence();
  CommandResult bad_url = RunCli({"webhook", "add", "--db", db(), "--account",
                                  "hooks", "--url", "ftp://example.com/x"});
  EXPECT_EQ(bad_url.exit_code, 1) << bad_url.Evidence();
  EXPECT_NE(bad_url.err.find("only http and https"), std::string::npos)
      << bad_url.Evidence();

  // Added anyway (--allow-private on the CLI), the server still refuses to
  // send it: the delivery fails for good, the receiver hears nothing.
  AddWebhook("hooks", receiver.url());
  CompleteBatch(token, 1);
  ASSERT_TRUE(WaitUntil(
      [&] { return webhook_list().find("1 failed") != std::string::npos; },
      20s))
      << webhook_list() << server().StderrText();
  EXPECT_TRUE(receiver.Requests().empty());
  EXPECT_NE(server().StderrText().find("--webhook-allow-private"),
            std::string::npos);

  CommandResult removed = RunCli(
      {"webhook", "remove", "--db", db(), "--account", "hooks", "--id", "1"});
  EXPECT_EQ(removed.exit_code, 0) << removed.Evidence();
  EXPECT_EQ(webhook_list().find(receiver.url()), std::string::npos);
  CommandResult again = RunCli(
      {"webhook", "remove", "--db", db(), "--account", "hooks", "--id", "1"});
  EXPECT_EQ(again.exit_code, 1) << again.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
