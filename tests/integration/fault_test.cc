// The multi-node fault harness (issue 12, item 5): three `phonebulk serve`
// nodes on one PostgreSQL database of this test's own cluster, under
//   1. SIGKILL of a random node every few seconds (then a restart),
//   2. SIGSTOP of a node past its lease (then SIGCONT),
//   3. a restart of the database,
// each while batches are processing, and 4. one account's rate limit
// hammered through all three nodes at once. Every batch must complete with
// every phone's result exactly once and in order, the results identical to
// a single node's on SQLite for the same input, and every account's credits
// exact. The figures are printed at the end (ctest -V shows them).
//
// Sizes: PHONEBULK_FAULT_NUMBERS overrides the phones per batch.

#include <signal.h>
#include <unistd.h>

#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <functional>
#include <map>
#include <mutex>
#include <random>
#include <sstream>
#include <thread>

#include "fault_fleet.h"
#include "harness.h"

namespace phonebulk::it::fault {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Issue 12's size: 30 batches of 10,000 (about 3 minutes on 2 shared cores,
// most of it the pacing below). The other phases reuse the same inputs.
constexpr int kBatchesKill = 30;
constexpr int kBatchesPause = 30;
constexpr int kBatchesDbRestart = 10;
constexpr int kDefaultNumbers = 10000;
constexpr int kNodes = 3;
constexpr int kMinKills = 10;
constexpr int kMinPauses = 10;
constexpr int kLeaseSeconds = 2;
constexpr long kCredits = 100000000;
constexpr int kRateLimit = 300;
const std::vector<std::string> kAccounts = {"acme", "globex", "initech"};

int NumbersPerBatch() {
  const char* env = std::getenv("PHONEBULK_FAULT_NUMBERS");
  return env != nullptr && std::atoi(env) > 0 ? std::atoi(env) : kDefaultNumbers;
}

// The nodes' flags: 20 chunks a batch, each slowed down (250 ms) so that a
// phase outlasts its faults and each fault lands on claims in flight; a
// short lease so a dead or stopped node's chunks are taken over within
// seconds.
std::vector<std::string> NodeArgs() {
  return {"--workers", "2", "--io-threads", "2", "--chunk-size", "500",
          "--chunk-delay-ms", "250", "--lease-seconds", std::to_string(kLeaseSeconds)};
}

struct Figures {
  int numbers = 0;
  int batches = 0;
  int kills = 0;
  int pauses = 0;
  int db_restarts = 0;
  Tally tally;
  long long account_mismatches = 0;
  long long stale_at_renewal = 0;
  long long stale_at_commit = 0;
  int rate_ok = 0;
  int rate_limited = 0;
  int rate_sent = 0;
  std::map<std::string, double> phase_seconds;
};

// Credits an account `phonebulk account show` reports, or -1.
long long AccountCredits(const std::string& db, const std::string& account) {
  CommandResult r = RunCli({"account", "show", "--db", db, account, "--json"});
  Json j = Json::parse(r.LastLine(), nullptr, false);
  return r.exit_code == 0 && j.is_object() ? j.value("credits", -1LL) : -1;
}

std::string CreateAccountToken(const std::string& db, const std::string& account,
                               int rate_limit) {
  CommandResult r = RunCli({"token", "create", "--db", db, "--account", account,
                            "--credits", std::to_string(kCredits), "--products",
                            "phone-bulk", "--rate-limit", std::to_string(rate_limit)});
  EXPECT_EQ(r.exit_code, 0) << r.Evidence();
  return r.LastLine();
}

// The same batches on one node on a SQLite file: the expected results.
// Created in the background while the first phase runs.
class Reference {
 public:
  bool Start(const std::string& dir, int batches, int numbers) {
    for (int i = 0; i < batches; ++i) inputs_.push_back(MakeBatch(i, numbers, kAccounts));
    db_ = "sqlite:" + dir + "/reference.sqlite";
    server_ = std::make_unique<ServerProcess>(
        db_, dir, std::vector<std::string>{"--workers", "2", "--io-threads", "2",
                                           "--chunk-size", "500"});
    std::string error;
    if (!server_->Start(&error)) {
      ADD_FAILURE() << "reference node: " << error;
      return false;
    }
    port_ = server_->port();
    for (const std::string& a : kAccounts) tokens_[a] = CreateAccountToken(db_, a, 1000000);
    creator_ = std::thread([this] { CreateAll(); });
    return true;
  }

  const BatchInput& input(int i) const { return inputs_[i]; }

  // The results body of batch i once it completed ("" on failure).
  const std::string& Body(int i) {
    if (creator_.joinable()) creator_.join();
    if (bodies_.empty()) bodies_.resize(inputs_.size());
    if (bodies_[i].empty() && !ids_[i].empty()) {
      const Headers auth = {{"Auth-Token", tokens_[inputs_[i].account]}};
      const bool done = WaitUntil(
          [&] {
            HttpResponse s = HttpSend(port_, {"GET", BatchPath(ids_[i]), auth, ""});
            return ResultString(s, "status") == "completed";
          },
          240s, 200ms);
      EXPECT_TRUE(done) << "reference batch " << i << " did not complete";
      HttpResponse r =
          HttpSend(port_, {"GET", BatchPath(ids_[i]) + "/results", auth, ""}, 60s);
      EXPECT_EQ(r.status, 200) << r.Evidence();
      bodies_[i] = r.body;
    }
    return bodies_[i];
  }
  const std::string& id(int i) const { return ids_[i]; }

  // What batch i charged on the reference node.
  long long Charged(int i) {
    Json j = Json::parse(Body(i), nullptr, false);
    return j.is_object() && j["result"].is_object() ? j["result"].value("credits_charged", 0LL)
                                                    : 0;
  }

  void Stop() {
    if (creator_.joinable()) creator_.join();
    if (server_) server_->Stop();
  }

 private:
  void CreateAll() {
    ids_.assign(inputs_.size(), "");
    for (size_t i = 0; i < inputs_.size(); ++i) {
      const Headers auth = {{"Auth-Token", tokens_[inputs_[i].account]},
                            {"Content-Type", "application/json"}};
      HttpResponse c = HttpSend(port_, {"POST", kBatches, auth, inputs_[i].body}, 60s);
      Json j = c.JsonBody();
      if (c.status != 200 || !j["result"]["batch_id"].is_string()) {
        ADD_FAILURE() << "reference create " << i << c.Evidence();
        continue;
      }
      ids_[i] = j["result"]["batch_id"].get<std::string>();
      HttpResponse s = HttpSend(port_, {"POST", BatchPath(ids_[i]) + "/start",
                                        {{"Auth-Token", tokens_[inputs_[i].account]}}, ""});
      if (s.status != 200) ADD_FAILURE() << "reference start " << i << s.Evidence();
    }
  }

  std::string db_;
  std::unique_ptr<ServerProcess> server_;
  int port_ = 0;
  std::vector<BatchInput> inputs_;
  std::map<std::string, std::string> tokens_;
  std::vector<std::string> ids_;
  std::vector<std::string> bodies_;
  std::thread creator_;
};

// Runs `fault` on its own thread, with a flag that says the run is over,
// and collects the errors it reports. The nodes it restarts die with the
// thread that forked them (PR_SET_PDEATHSIG follows the thread, not the
// process), so the thread waits after `fault` returns and is joined only by
// the destructor, once the fleet is gone.
class FaultThread {
 public:
  using Body = std::function<void(const std::atomic<bool>& done, FaultThread& self)>;
  explicit FaultThread(Body body)
      : thread_([this, body] {
          body(done_, *this);
          std::unique_lock<std::mutex> lock(mu_);
          returned_ = true;
          cv_.notify_all();
          cv_.wait(lock, [this] { return exit_; });
        }) {}
  ~FaultThread() {
    done_ = true;
    {
      std::lock_guard<std::mutex> lock(mu_);
      exit_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }
  // Ends the run and waits for `fault` to return.
  void Finish() {
    done_ = true;
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [this] { return returned_; });
  }
  void Error(const std::string& e) {
    std::lock_guard<std::mutex> lock(mu_);
    errors_ += e + "\n";
  }
  std::string errors() {
    std::lock_guard<std::mutex> lock(mu_);
    return errors_;
  }
  // Sleeps up to `d`, less if the run ends.
  static void Nap(const std::atomic<bool>& done, milliseconds d) {
    const auto until = Clock::now() + d;
    while (!done && Clock::now() < until) std::this_thread::sleep_for(20ms);
  }

 private:
  std::atomic<bool> done_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  bool returned_ = false;  // guarded by mu_
  bool exit_ = false;      // guarded by mu_
  std::string errors_;     // guarded by mu_
  std::thread thread_;     // last: started once the members above exist
};

class FaultTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    figures_ = new Figures;
    figures_->numbers = NumbersPerBatch();
    dir_ = new TempDir;
    cluster_ = new OwnCluster;
    std::string error;
    if (!cluster_->Start(&error)) {
      ADD_FAILURE() << error;
      return;
    }
    reference_ = new Reference;
    reference_->Start(dir_->path(), kBatchesKill, figures_->numbers);
  }

  static void TearDownTestSuite() {
    PrintFigures();
    if (reference_ != nullptr) reference_->Stop();
    delete reference_;
    delete cluster_;  // stops the cluster and deletes its data
    delete dir_;
    delete figures_;
  }

  void SetUp() override {
    ASSERT_FALSE(cluster_->url().empty()) << "no cluster";
    db_ = std::make_unique<PgDatabase>(cluster_->url());
    fleet_ = std::make_unique<Fleet>(db_->url(), dir_->path() + "/" + Name(),
                                     NodeArgs(), kNodes);
    std::string error;
    ASSERT_TRUE(fleet_->StartAll(&error)) << error;
    for (const std::string& a : kAccounts) {
      tokens_[a] = CreateAccountToken(db_->url(), a, 1000000);
    }
  }

  void TearDown() override {
    if (HasFailure()) {
      for (int i = 0; i < fleet_->size(); ++i) {
        // The events of the node's last start, without the request lines.
        std::istringstream lines(fleet_->node(i).StderrText());
        std::string line, events;
        while (std::getline(lines, line)) {
          if (line.find("event=request ") == std::string::npos) events += line + "\n";
        }
        std::fprintf(stderr, "[fault] node %d stderr (last 3000 bytes, no requests):\n%s\n", i,
                     events.substr(events.size() > 3000 ? events.size() - 3000 : 0).c_str());
      }
    }
    fleet_.reset();  // nodes reaped before their database is dropped
    faults_.reset();  // then the thread that restarted some of them
    db_.reset();
  }

  static std::string Name() {
    return ::testing::UnitTest::GetInstance()->current_test_info()->name();
  }

  // Creates and starts batches 0..count-1 round-robin over the nodes while
  // `fault` runs, waits until all complete, stops the fault thread and
  // checks every batch and account. Returns the runs.
  std::vector<BatchRun> RunPhase(int count, FaultThread::Body fault);
  // Every account's balance against the reference charges of `runs`.
  void CheckAccounts(const std::vector<BatchRun>& runs);
  static void PrintFigures();

  static Figures* figures_;
  static TempDir* dir_;
  static OwnCluster* cluster_;
  static Reference* reference_;

  std::unique_ptr<PgDatabase> db_;
  std::unique_ptr<Fleet> fleet_;
  std::unique_ptr<FaultThread> faults_;
  std::map<std::string, std::string> tokens_;
};

Figures* FaultTest::figures_ = nullptr;
TempDir* FaultTest::dir_ = nullptr;
OwnCluster* FaultTest::cluster_ = nullptr;
Reference* FaultTest::reference_ = nullptr;

std::vector<BatchRun> FaultTest::RunPhase(int count, FaultThread::Body fault) {
  const auto began = Clock::now();
  std::vector<BatchRun> runs;
  {
    faults_ = std::make_unique<FaultThread>(std::move(fault));
    FaultThread& faults = *faults_;
    for (int i = 0; i < count; ++i) {
      const BatchInput& in = reference_->input(i);
      runs.push_back(CreateAndStart(*fleet_, i % kNodes, in, tokens_[in.account], 60s));
    }
    // Batches are claimed oldest first: wait for each in turn, so polling
    // costs one request at a time.
    const auto deadline = Clock::now() + 300s;
    for (size_t i = 0; i < runs.size() && !runs[i].id.empty(); ++i) {
      std::string status;
      while (Clock::now() < deadline) {
        status = StatusOf(*fleet_, runs[i], static_cast<int>(i) % kNodes);
        if (status == "completed" || status == "stopped") break;
        std::this_thread::sleep_for(250ms);
      }
      EXPECT_EQ(status, "completed") << "batch " << i << " of " << Name();
    }
    faults.Finish();
    EXPECT_EQ(faults.errors(), "");
  }
  figures_->phase_seconds[Name()] =
      std::chrono::duration<double>(Clock::now() - began).count();
  figures_->batches += count;
  for (size_t i = 0; i < runs.size(); ++i) {
    if (runs[i].id.empty()) continue;
    const int node = static_cast<int>(i) % kNodes;
    HttpResponse results = ResultsOf(*fleet_, runs[i], node);
    HttpResponse status = fleet_->Send(
        {"GET", BatchPath(runs[i].id), {{"Auth-Token", runs[i].token}}, ""}, node, 20s);
    EXPECT_EQ(status.status, 200) << status.Evidence();
    std::string problem = CheckBatch(*runs[i].input, results, status.JsonBody(),
                                     reference_->Body(static_cast<int>(i)),
                                     reference_->id(static_cast<int>(i)), &figures_->tally);
    EXPECT_EQ(problem, "") << Name();
  }
  CheckAccounts(runs);
  return runs;
}

void FaultTest::CheckAccounts(const std::vector<BatchRun>& runs) {
  for (const std::string& account : kAccounts) {
    long long expected = kCredits;
    for (size_t i = 0; i < runs.size(); ++i) {
      if (runs[i].input->account == account) expected -= reference_->Charged(static_cast<int>(i));
    }
    const long long actual = AccountCredits(db_->url(), account);
    if (actual != expected) ++figures_->account_mismatches;
    EXPECT_EQ(actual, expected) << "credits of " << account << " after " << Name();
  }
}

void FaultTest::PrintFigures() {
  const Figures& f = *figures_;
  std::printf(
      "\n==== fault harness figures ====\n"
      "nodes                      %d (PostgreSQL 15, own cluster), lease %d s\n"
      "batches                    %d (kill %d, pause %d, db restart %d)\n"
      "numbers per batch          %d (issue 12: 10,000; PHONEBULK_FAULT_NUMBERS overrides)\n"
      "numbers                    %lld\n"
      "kills (SIGKILL+restart)    %d\n"
      "stops (SIGSTOP>lease+CONT) %d\n"
      "db restarts (-m fast)      %d\n"
      "lost                       %lld\n"
      "duplicated                 %lld\n"
      "results != SQLite run      %lld batches\n"
      "credit mismatches          %lld batches, %lld accounts\n"
      "stale commits refused      %lld at lease renewal, %lld at commit\n"
      "rate limit                 %d accepted of %d sent, limit %d/min (%d refused)\n",
      kNodes, kLeaseSeconds, f.batches, kBatchesKill, kBatchesPause, kBatchesDbRestart,
      f.numbers, static_cast<long long>(f.numbers) * f.batches, f.kills, f.pauses,
      f.db_restarts, f.tally.lost, f.tally.duplicated, f.tally.mismatched,
      f.tally.credit_mismatches, f.account_mismatches, f.stale_at_renewal,
      f.stale_at_commit, f.rate_ok, f.rate_sent, kRateLimit, f.rate_limited);
  for (const auto& [phase, seconds] : f.phase_seconds) {
    std::printf("phase %-20s %.1f s\n", phase.c_str(), seconds);
  }
  std::printf("===============================\n");
  std::fflush(stdout);
}

TEST_F(FaultTest, KillsOfRandomNodesLoseAndRepeatNothing) {
  RunPhase(kBatchesKill, [this](const std::atomic<bool>& done, FaultThread& self) {
    std::mt19937 rng(std::random_device{}());
    while (!done) {
      FaultThread::Nap(done, milliseconds(1200 + rng() % 1000));
      if (done) break;
      const int node = static_cast<int>(rng() % kNodes);
      std::string error;
      if (!fleet_->KillAndRestart(node, &error)) {
        self.Error("restart of node " + std::to_string(node) + ": " + error);
        return;
      }
      ++figures_->kills;
    }
  });
  EXPECT_GE(figures_->kills, kMinKills) << "the run ended before enough kills";
  EXPECT_TRUE(fleet_->StopAll()) << "a node did not drain cleanly after the kills";
}

TEST_F(FaultTest, NodesStoppedPastTheirLeaseCommitNothingStale) {
  RunPhase(kBatchesPause, [this](const std::atomic<bool>& done, FaultThread&) {
    std::mt19937 rng(std::random_device{}());
    while (!done) {
      FaultThread::Nap(done, milliseconds(100 + rng() % 150));
      if (done) break;
      const int node = static_cast<int>(rng() % kNodes);
      fleet_->Pause(node);
      // Past the lease, and long enough for another node's worker to finish
      // its chunk and take the stopped node's over. Kept short so that even
      // a fast machine fits kMinPauses stops into the phase's paced work.
      std::this_thread::sleep_for(std::chrono::seconds(kLeaseSeconds) + 700ms);
      fleet_->Resume(node);
      ++figures_->pauses;
    }
  });
  EXPECT_GE(figures_->pauses, kMinPauses) << "the run ended before enough stops";
  figures_->stale_at_renewal =
      fleet_->SumMetric("phonebulk_stale_commits_refused_total{at=\"renewal\"}");
  figures_->stale_at_commit =
      fleet_->SumMetric("phonebulk_stale_commits_refused_total{at=\"commit\"}");
  EXPECT_GT(figures_->stale_at_renewal + figures_->stale_at_commit, 0)
      << "no stopped node ever tried to finish a chunk taken over meanwhile";
}

TEST_F(FaultTest, ADatabaseRestartMidRunIsRiddenThrough) {
  RunPhase(kBatchesDbRestart, [](const std::atomic<bool>& done, FaultThread& self) {
    // Twice, a few seconds apart, while the batches are processing.
    for (int k = 0; k < 2 && !done; ++k) {
      FaultThread::Nap(done, 4s);
      if (done) break;
      std::string error;
      if (!cluster_->Restart(&error)) {
        self.Error(error);
        return;
      }
      ++figures_->db_restarts;
    }
  });
  EXPECT_GE(figures_->db_restarts, 1) << "the run ended before the database restarted";
}

TEST_F(FaultTest, OneAccountsRateLimitHoldsAcrossThreeNodes) {
  const int total = kRateLimit * 3 / 2;
  // Counts restart each wall-clock minute: a run whose requests straddled a
  // minute's end is two counts, not one, and is run again on a fresh
  // account (InOneRateWindow) instead of waiting for a minute to begin.
  const std::vector<HttpResponse> answers = InOneRateWindow([&](int n) {
    const std::string token = CreateAccountToken(
        db_->url(), "limited-" + std::to_string(n), kRateLimit);
    std::vector<HttpResponse> got(total);
    std::atomic<int> next{0};
    std::vector<std::thread> hammers;
    for (int t = 0; t < 2 * kNodes; ++t) {
      hammers.emplace_back([&, t] {
        for (int i; (i = next.fetch_add(1)) < total;) {
          got[i] = HttpSend(fleet_->Port(t % kNodes),
                            {"GET", kBatches, {{"Auth-Token", token}}, ""});
        }
      });
    }
    for (std::thread& t : hammers) t.join();
    return got;
  });
  int ok = 0, limited = 0, other = 0;
  for (const HttpResponse& r : answers) {
    (r.status == 200 ? ok : r.status == 429 ? limited : other)++;
  }
  figures_->rate_ok = ok;
  figures_->rate_limited = limited;
  figures_->rate_sent = total;
  EXPECT_EQ(other, 0) << "answers other than 200 and 429";
  EXPECT_LE(std::abs(ok - kRateLimit), kRateLimit / 20)
      << ok << " accepted against a limit of " << kRateLimit << " a minute";
}

}  // namespace
}  // namespace phonebulk::it::fault
