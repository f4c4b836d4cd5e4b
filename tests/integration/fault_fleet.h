#ifndef PHONEBULK_TESTS_INTEGRATION_FAULT_FLEET_H_
#define PHONEBULK_TESTS_INTEGRATION_FAULT_FLEET_H_

// The pieces of the multi-node fault harness (fault_test.cc): a PostgreSQL
// cluster of its own (it is restarted, so it cannot be the one other tests
// share), a fleet of `phonebulk serve` nodes that a fault thread kills,
// stops and restarts while the test thread talks to whichever are up, and
// the deterministic workload both the fleet and a single SQLite node run.

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it::fault {

// scripts/pg-test-cluster.sh on a state directory of this test's own. The
// destructor stops the cluster and deletes its data, whatever happened.
class OwnCluster {
 public:
  OwnCluster() = default;
  ~OwnCluster();
  OwnCluster(const OwnCluster&) = delete;
  OwnCluster& operator=(const OwnCluster&) = delete;

  // initdb and start; false (with the script's output in `error`) on failure.
  bool Start(std::string* error);
  // pg_ctl restart -m fast: every session ends, the port stays the same.
  bool Restart(std::string* error);
  void Stop();
  // postgresql://postgres@127.0.0.1:PORT/postgres
  const std::string& url() const { return url_; }

 private:
  bool started_ = false;
  std::string url_;
};

// N nodes on one database. The fault thread owns the ServerProcess objects
// while faults run (Kill/Restart/Pause/Resume); any thread may call Send(),
// which only reads the published ports.
class Fleet {
 public:
  Fleet(std::string db_url, std::string log_dir, std::vector<std::string> args,
        int nodes);
  ~Fleet();  // every node SIGCONTed, SIGKILLed and reaped

  bool StartAll(std::string* error);
  int size() const { return static_cast<int>(nodes_.size()); }
  // The node's port, or 0 while it is down or paused.
  int Port(int node) const { return ports_[node].load(); }

  // SIGKILL, reap, start again on the same database (new port).
  bool KillAndRestart(int node, std::string* error);
  // SIGSTOP / SIGCONT: the process keeps its sockets and its claims.
  void Pause(int node);
  void Resume(int node);
  // SIGTERM and wait for exit 0; false otherwise.
  bool StopAll();
  ServerProcess& node(int i) { return *nodes_[i]; }

  // Sends `request` to node `preferred`, and on a transport error, a 503 or
  // a node that is down to the next one, until `budget` passes.
  // The last response otherwise. Thread-safe.
  HttpResponse Send(const HttpRequest& request, int preferred,
                    std::chrono::milliseconds budget,
                    std::chrono::milliseconds per_try = std::chrono::seconds(3)) const;

  // /metrics of every node that is up, summed for one sample's name and
  // label text (e.g. `phonebulk_stale_commits_refused_total{at="commit"}`).
  long long SumMetric(const std::string& sample) const;

 private:
  std::vector<std::unique_ptr<ServerProcess>> nodes_;
  std::unique_ptr<std::atomic<int>[]> ports_;
  std::unique_ptr<std::atomic<bool>[]> paused_;
};

// One batch of the workload: its body and its numbers in order.
struct BatchInput {
  int index = 0;
  std::string account;
  std::string reference_id;
  std::vector<std::string> numbers;
  std::string body;  // the create body, JSON
};

// Batch `index` of `numbers` phones: a deterministic mix of US, UK, German
// and French numbers written in several ways, toll-free, mobiles, and
// strings that are not numbers; every number in a batch distinct. Accounts
// are given round-robin from `accounts`.
BatchInput MakeBatch(int index, int numbers,
                     const std::vector<std::string>& accounts);

// A created and started batch.
struct BatchRun {
  const BatchInput* input = nullptr;
  std::string token;
  std::string id;
  bool started = false;
};

// Creates (Idempotency-Key = reference id, so a retry after a lost answer
// cannot store a second batch) and starts `input` through node `node` of
// `fleet`, retrying over the nodes until `budget` passes. Adds a test
// failure and returns a run with an empty id or !started on failure.
BatchRun CreateAndStart(const Fleet& fleet, int node, const BatchInput& input,
                        const std::string& token,
                        std::chrono::milliseconds budget);

// `result.<key>` of a 200 answer's JSON body when it is a string, else "".
std::string ResultString(const HttpResponse& r, const char* key);

// The batch's status word ("processing", ...) through any node; "" when no
// node answered.
std::string StatusOf(const Fleet& fleet, const BatchRun& run, int node);
// GET the batch's results; the raw response.
HttpResponse ResultsOf(const Fleet& fleet, const BatchRun& run, int node);

// How a fleet's results compare with the reference's.
struct Tally {
  long long lost = 0;        // phones missing or unprocessed
  long long duplicated = 0;  // extra result rows or records counted twice
  long long mismatched = 0;  // batches whose results body differs
  long long credit_mismatches = 0;  // batches (and accounts) charged wrongly
};

// Checks one completed batch against its input and the reference body from
// the single-node run, adding to `tally` and returning "" or what is wrong.
std::string CheckBatch(const BatchInput& input, const HttpResponse& results,
                       const Json& status, const std::string& reference_body,
                       const std::string& reference_id, Tally* tally);

// The results body with the batch id replaced by "-": the only field that
// legitimately differs between two runs of the same input.
std::string WithoutBatchId(const std::string& body, const std::string& id);

}  // namespace phonebulk::it::fault

#endif  // PHONEBULK_TESTS_INTEGRATION_FAULT_FLEET_H_
