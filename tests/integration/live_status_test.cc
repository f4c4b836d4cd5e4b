// Live status through a real server and a real `phonebulk lookup-sim`
// (issue 6): statuses map to confidences, extra credits are exact, failed
// lookups are free, a dead source trips the breaker and batches still
// complete, 429s are honoured, and stop interrupts promptly.
//
// The simulator's answers are deterministic from the digits
// (docs/lookup-protocol.md): last digit 0-4 live, 5 absent, 6 dead,
// 7 no_teleservice, 8 no_coverage, 9 unknown; second-to-last digit odd:
// ported, with a date.

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <netinet/in.h>

#include <string>
#include <thread>
#include <vector>

#include "harness.h"

extern char** environ;

namespace phonebulk::it {
namespace {

// A `phonebulk lookup-sim` child process.
class Simulator {
 public:
  explicit Simulator(std::vector<std::string> args) {
    int fds[2];
    if (pipe(fds) != 0) return;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::vector<std::string> argv_s = {BinaryPath(), "lookup-sim", "--listen",
                                       "127.0.0.1:0", "--key", "sim-key"};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (std::string& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    if (posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), environ) !=
        0) {
      pid_ = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    // Reads the listening line (bounded: the pipe closes if the child dies).
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
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(port_) + "/lookup";
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

// A loopback port nothing listens on.
int DeadPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  int port = ntohs(addr.sin_port);
  close(fd);
  return port;
}

// GB mobile numbers 447400 98 7 <d2> <d1> <d0>: valid, and the last three
// digits steer the simulator.
std::string Mobile(int last_three) {
  char buf[4];
  std::snprintf(buf, sizeof(buf), "%03d", last_three);
  return std::string("447400987") + buf;
}

// "2019-08-21T00:00:00Z"
bool IsPortedDate(const Json& v) {
  return v.is_string() && v.get<std::string>().size() == 20 &&
         v.get<std::string>()[4] == '-';
}

class LiveStatusTest : public ServerTest {
 protected:
  // Simulator flags and extra serve flags for each test.
  virtual std::vector<std::string> SimArgs() const { return {}; }
  virtual std::vector<std::string> MoreServeArgs() const { return {}; }
  virtual bool UseDeadSource() const { return false; }

  void SetUp() override {
    if (!UseDeadSource()) {
      sim_ = std::make_unique<Simulator>(SimArgs());
      ASSERT_GT(sim_->port(), 0) << "lookup-sim did not start";
    }
    ServerTest::SetUp();
  }
  std::vector<std::string> ServerArgs() const override {
    std::string url =
        UseDeadSource()
            ? "http://127.0.0.1:" + std::to_string(DeadPort()) + "/lookup"
            : sim_->url();
    std::vector<std::string> args = {"--lookup-url", url, "--lookup-key",
                                     "sim-key"};
    for (const std::string& a : MoreServeArgs()) args.push_back(a);
    return args;
  }

  // Runs one batch to its end; returns the results body.
  Json RunBatch(const std::string& token, const std::vector<std::string>& nums,
                const Json& defaults) {
    std::string id = CreateBatchId(token, PhonesBody(nums, defaults));
    EXPECT_EQ(StartBatch(token, id).status, 200);
    Json status = WaitForStatus(token, id, "completed", std::chrono::seconds(60));
    EXPECT_EQ(status["result"]["status"], "completed") << status.dump();
    return BatchResults(token, id, {{"Add-Metadata", "true"}}).JsonBody();
  }

  std::unique_ptr<Simulator> sim_;
};

TEST_F(LiveStatusTest, StatusesMapToConfidencesAndExtrasAreChargedExactly) {
  std::string token = CreateToken("live", 1000);
  // Second-to-last digit 1 (odd): every answer but "unknown" is a port with
  // a date; third-to-last 6: Orange France 20801 (the simulator's table).
  std::vector<std::string> nums;
  for (int d = 0; d <= 9; ++d) nums.push_back(Mobile(610 + d));
  Json results = RunBatch(token, nums, {{"get_ported_date", true}});
  const char* want[] = {"verified", "verified",
                        "verified", "verified",
                        "verified", "absent",
                        "dead",     "teleservice not provisioned",
                        "no coverage", "unknown"};
  const Json& phones = results["result"]["phones"];
  ASSERT_EQ(phones.size(), 10u) << results.dump();
  int dates = 0;
  for (int d = 0; d <= 9; ++d) {
    const Json& p = phones[d];
    EXPECT_EQ(p["confidence"], want[d]) << p.dump();
    if (d == 9) {
      EXPECT_EQ(p["ported_date"], "unknown") << p.dump();
      continue;
    }
    EXPECT_EQ(p["metadata"]["operator_name"], "Orange France") << p.dump();
    EXPECT_EQ(p["metadata"]["home_network_identity"], "20801") << p.dump();
    EXPECT_EQ(p["metadata"]["is_ported"], "yes") << p.dump();
    EXPECT_TRUE(IsPortedDate(p["ported_date"])) << p.dump();
    ++dates;
  }
  EXPECT_EQ(phones[0]["metadata"]["network_status"], "available");
  // Every live-status bucket, "dead" included, counted once.
  const std::vector<std::string> confidences(std::begin(want), std::end(want));
  EXPECT_TRUE(HasStatistics(results["result"], confidences, 10));
  // The same from the stored results, as for a batch committed before the
  // store counted buckets at commit (migration 006): it has no counts.
  const std::string id = results["result"].value("batch_id", "");
  RunSql("DELETE FROM batch_statistics WHERE batch_id = '" + id + "'");
  HttpResponse recounted = BatchResults(token, id);
  ASSERT_EQ(recounted.status, 200) << recounted.Evidence();
  EXPECT_TRUE(HasStatistics(recounted.JsonBody()["result"], confidences, 10))
      << "recounted from the stored results";
  // One credit a phone and one per ported date returned.
  EXPECT_EQ(results["result"]["credits_charged"], 10 + dates);
  EXPECT_EQ(Credits("live"), 1000 - 10 - dates);
}

TEST_F(LiveStatusTest, NotPortedIsNotApplicableAndSupplementaryCostsOneMore) {
  std::string token = CreateToken("supp", 1000);
  // Second-to-last digit 2 (even): not ported. GBR listed for mobile
  // supplementary live status: one extra credit per answered lookup.
  std::vector<std::string> nums = {Mobile(620), Mobile(621)};
  Json results = RunBatch(
      token, nums,
      {{"get_ported_date", true},
       {"supplementary_live_status", {{"mobile", Json::array({"GBR"})}}}});
  for (const Json& p : results["result"]["phones"]) {
    EXPECT_EQ(p["ported_date"], "not applicable") << p.dump();
    EXPECT_EQ(p["metadata"]["is_ported"], "no") << p.dump();
  }
  EXPECT_TRUE(HasStatistics(results["result"], {"verified", "verified"}, 2));
  EXPECT_EQ(results["result"]["credits_charged"], 4);
  EXPECT_EQ(Credits("supp"), 996);
}

class FlakySourceTest : public LiveStatusTest {
 protected:
  std::vector<std::string> SimArgs() const override {
    return {"--error-rate", "0.3", "--seed", "7"};
  }
  std::vector<std::string> MoreServeArgs() const override {
    // No retries, and a breaker that never opens: exactly the failed
    // requests go unanswered.
    return {"--lookup-retries", "0", "--lookup-breaker-failures", "100000",
            "--lookup-max-batch", "10", "--chunk-size", "20"};
  }
};

TEST_F(FlakySourceTest, ThirtyPercentFailuresCompleteAndFailedLookupsAreFree) {
  std::string token = CreateToken("flaky", 100000);
  std::vector<std::string> nums;
  // Last digits 0-4 only: every answered lookup is "verified", so an
  // "unknown" phone is one whose lookup failed.
  for (int i = 0; i < 300; ++i) nums.push_back(Mobile((i % 100) * 10 % 1000 + i % 5));
  Json results = RunBatch(
      token, nums,
      {{"supplementary_live_status", {{"mobile", Json::array({"GBR"})}}}});
  int answered = 0;
  int unanswered = 0;
  std::vector<std::string> confidences;
  for (const Json& p : results["result"]["phones"]) {
    if (p["confidence"] == "verified") ++answered;
    if (p["confidence"] == "unknown") ++unanswered;
    confidences.push_back(p.value("confidence", "?"));
  }
  EXPECT_EQ(answered + unanswered, 300);
  EXPECT_TRUE(HasStatistics(results["result"], confidences, 300));
  EXPECT_GT(answered, 0);
  EXPECT_GT(unanswered, 0) << "30% injected failures left no trace";
  EXPECT_EQ(results["result"]["credits_charged"], 300 + answered);
  EXPECT_EQ(Credits("flaky"), 100000 - 300 - answered);
}

class DeadSourceTest : public LiveStatusTest {
 protected:
  bool UseDeadSource() const override { return true; }
  std::vector<std::string> MoreServeArgs() const override {
    return {"--lookup-retries", "1", "--lookup-timeout-ms", "200"};
  }
};

TEST_F(DeadSourceTest, BreakerOpensAndBatchCompletesOffline) {
  std::string token = CreateToken("dead", 100000);
  std::vector<std::string> nums;
  for (int i = 0; i < 2000; ++i) nums.push_back(Mobile(i % 1000));
  // Completed, not stopped by its one-minute max_processing_time: the open
  // breaker let the batch finish offline instead of waiting on the source.
  Json results = RunBatch(token, nums, {{"max_processing_time", "PT1M"}});
  EXPECT_EQ(results["result"]["status"], "completed");
  for (const Json& p : results["result"]["phones"]) {
    ASSERT_EQ(p["confidence"], "unknown") << p.dump();
  }
  EXPECT_TRUE(HasStatistics(results["result"],
                            std::vector<std::string>(2000, "unknown"), 2000));
  EXPECT_EQ(results["result"]["credits_charged"], 2000);
}

class RateLimitedSourceTest : public LiveStatusTest {
 protected:
  std::vector<std::string> SimArgs() const override {
    return {"--rate-429", "0.3", "--seed", "3"};
  }
  std::vector<std::string> MoreServeArgs() const override {
    return {"--lookup-retries", "8", "--lookup-breaker-failures", "100000",
            "--lookup-max-batch", "10"};
  }
};

TEST_F(RateLimitedSourceTest, TooManyRequestsAreRetriedAfterRetryAfter) {
  std::string token = CreateToken("r429", 100000);
  std::vector<std::string> nums;
  for (int i = 0; i < 100; ++i) nums.push_back(Mobile(i * 10 % 1000 + i % 5));
  Json results = RunBatch(token, nums, {});
  for (const Json& p : results["result"]["phones"]) {
    EXPECT_EQ(p["confidence"], "verified") << p.dump();
  }
  EXPECT_TRUE(HasStatistics(results["result"],
                            std::vector<std::string>(100, "verified"), 100));
  // The answers needed retries: the source did say 429.
  HttpResponse metrics = Call("GET", "/metrics", "");
  EXPECT_NE(metrics.body.find("phonebulk_lookup_retries_total"), std::string::npos);
  EXPECT_EQ(metrics.body.find("phonebulk_lookup_retries_total 0\n"), std::string::npos)
      << metrics.body;
}

class SlowSourceTest : public LiveStatusTest {
 protected:
  std::vector<std::string> SimArgs() const override {
    return {"--latency-ms", "400"};
  }
  std::vector<std::string> MoreServeArgs() const override {
    return {"--chunk-size", "10", "--workers", "1", "--lookup-max-batch", "10"};
  }
};

TEST_F(SlowSourceTest, StopInterruptsPromptly) {
  std::string token = CreateToken("slow", 100000);
  std::vector<std::string> nums;
  for (int i = 0; i < 500; ++i) nums.push_back(Mobile(i % 1000));
  std::string id = CreateBatchId(token, PhonesBody(nums));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        Json s = BatchStatus(token, id).JsonBody();
        return s["result"]["records_processed"].get<int>() > 0;
      },
      std::chrono::seconds(20)));
  // The stop is one store transaction: it does not wait for the worker's
  // lookups, which the stop voids (their commit is refused).
  ASSERT_EQ(StopBatch(token, id).status, 200);
  Json status = BatchStatus(token, id).JsonBody();
  EXPECT_EQ(status["result"]["status"], "stopped");
  int processed = status["result"]["records_processed"];
  EXPECT_LT(processed, 500);
  // Nothing lands after the stop, and only processed phones are charged;
  // the control lets the one worker's in-flight chunk try to commit first.
  RunControlBatch(token);
  Json later = BatchStatus(token, id).JsonBody();
  EXPECT_EQ(later["result"]["records_processed"], processed);
  Json results = BatchResults(token, id).JsonBody();
  EXPECT_EQ(results["result"]["credits_charged"], processed);
  // The processed phones in their live-status buckets, the rest unprocessed.
  std::vector<std::string> confidences;
  int unprocessed = 0;
  for (const Json& p : results["result"]["phones"]) {
    confidences.push_back(p.value("confidence", "?"));
    unprocessed += confidences.back() == "unprocessed" ? 1 : 0;
  }
  EXPECT_EQ(unprocessed, 500 - processed);
  EXPECT_TRUE(HasStatistics(results["result"], confidences, 500));
  EXPECT_EQ(Credits("slow"), 100000 - processed - 1) << "the control took 1";
}

}  // namespace
}  // namespace phonebulk::it
