#include "fault_fleet.h"

#include <signal.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <regex>
#include <sstream>
#include <thread>

#ifndef PHONEBULK_PG_CLUSTER_SCRIPT
#error "PHONEBULK_PG_CLUSTER_SCRIPT names scripts/pg-test-cluster.sh"
#endif
#ifndef PHONEBULK_FAULT_PG_STATE
#error "PHONEBULK_FAULT_PG_STATE names the fault cluster's state directory"
#endif

namespace phonebulk::it::fault {
namespace {

using namespace std::chrono_literals;
using std::chrono::milliseconds;

// Runs the cluster script with `command`; its stdout and stderr together.
bool RunClusterScript(const std::string& command, std::string* output) {
  const std::string line = std::string("'") + PHONEBULK_PG_CLUSTER_SCRIPT +
                           "' " + command + " '" + PHONEBULK_FAULT_PG_STATE +
                           "' 2>&1";
  FILE* pipe = ::popen(line.c_str(), "r");
  if (pipe == nullptr) {
    *output = "popen failed";
    return false;
  }
  output->clear();
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = ::pclose(pipe);
  return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::string Pad(long long value, int width) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < width) s.insert(0, width - s.size(), '0');
  return s;
}

bool Retryable(const HttpResponse& r) {
  return r.status == 0 || r.status == 503;
}

}  // namespace

// ---------------------------------------------------------------- cluster

OwnCluster::~OwnCluster() { Stop(); }

bool OwnCluster::Start(std::string* error) {
  std::string out;
  // `start` first stops a cluster an interrupted run left in the same state
  // directory, so a killed test leaks at most one cluster until the next.
  if (!RunClusterScript("start", &out)) {
    *error = "pg-test-cluster.sh start failed:\n" + out;
    return false;
  }
  started_ = true;
  std::istringstream lines(out);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("postgresql://", 0) == 0) url_ = line;
  }
  if (url_.empty()) *error = "no URL from pg-test-cluster.sh:\n" + out;
  return !url_.empty();
}

bool OwnCluster::Restart(std::string* error) {
  std::string out;
  if (RunClusterScript("restart", &out)) return true;
  *error = "pg-test-cluster.sh restart failed:\n" + out;
  return false;
}

void OwnCluster::Stop() {
  if (!started_) return;
  std::string out;
  if (!RunClusterScript("stop", &out)) {
    std::fprintf(stderr, "[fault] cluster stop failed: %s\n", out.c_str());
  }
  started_ = false;
}

// ---------------------------------------------------------------- fleet

Fleet::Fleet(std::string db_url, std::string log_dir,
             std::vector<std::string> args, int nodes)
    : ports_(new std::atomic<int>[nodes]), paused_(new std::atomic<bool>[nodes]) {
  for (int i = 0; i < nodes; ++i) {
    // One log directory per node: ServerProcess names its files by start.
    const std::string dir = log_dir + "/node" + std::to_string(i);
    std::filesystem::create_directories(dir);
    nodes_.push_back(std::make_unique<ServerProcess>(db_url, dir, args));
    ports_[i] = 0;
    paused_[i] = false;
  }
}

Fleet::~Fleet() {
  for (int i = 0; i < size(); ++i) {
    Resume(i);  // a stopped process cannot die of SIGKILL until continued
    ports_[i] = 0;
    nodes_[i]->Kill();
  }
}

bool Fleet::StartAll(std::string* error) {
  for (int i = 0; i < size(); ++i) {
    if (!nodes_[i]->Start(error)) return false;
    ports_[i] = nodes_[i]->port();
  }
  return true;
}

bool Fleet::KillAndRestart(int node, std::string* error) {
  ports_[node] = 0;
  nodes_[node]->Kill();
  if (!nodes_[node]->Start(error)) return false;
  ports_[node] = nodes_[node]->port();
  return true;
}

void Fleet::Pause(int node) {
  if (!nodes_[node]->running()) return;
  ports_[node] = 0;
  paused_[node] = true;
  ::kill(nodes_[node]->pid(), SIGSTOP);
}

void Fleet::Resume(int node) {
  if (!paused_[node].exchange(false)) return;
  if (nodes_[node]->running()) {
    ::kill(nodes_[node]->pid(), SIGCONT);
    ports_[node] = nodes_[node]->port();
  }
}

bool Fleet::StopAll() {
  bool ok = true;
  for (int i = 0; i < size(); ++i) {
    Resume(i);
    ports_[i] = 0;
    auto status = nodes_[i]->Stop(20s);
    ok = ok && status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0;
  }
  return ok;
}

HttpResponse Fleet::Send(const HttpRequest& request, int preferred,
                         milliseconds budget, milliseconds per_try) const {
  const auto deadline = Clock::now() + budget;
  HttpResponse last;
  last.transport_error = "no node was up";
  for (int attempt = 0;; ++attempt) {
    const int node = (preferred + attempt) % size();
    if (const int port = Port(node); port != 0) {
      last = HttpSend(port, request, per_try);
      if (!Retryable(last)) return last;
    }
    if (Clock::now() >= deadline) return last;
    // A full round of nodes failed: the database may be restarting.
    if (node == (preferred + size() - 1) % size()) {
      std::this_thread::sleep_for(100ms);
    }
  }
}

long long Fleet::SumMetric(const std::string& sample) const {
  long long sum = 0;
  for (int i = 0; i < size(); ++i) {
    const int port = Port(i);
    if (port == 0) continue;
    HttpResponse r = HttpSend(port, {"GET", "/metrics", {}, ""}, 5s);
    std::istringstream lines(r.body);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.rfind(sample + " ", 0) == 0) {
        sum += std::stoll(line.substr(sample.size() + 1));
      }
    }
  }
  return sum;
}

// ---------------------------------------------------------------- workload

BatchInput MakeBatch(int index, int numbers,
                     const std::vector<std::string>& accounts) {
  BatchInput in;
  in.index = index;
  in.account = accounts[index % accounts.size()];
  in.reference_id = "fault-" + std::to_string(index);
  Json body;
  body["defaults"] = {{"country_iso", "USA"},
                      {"output_format", index % 2 ? "NATIONAL" : "INTERNATIONAL"},
                      {"batch_reference_id", in.reference_id}};
  Json phones = Json::array();
  for (int j = 0; j < numbers; ++j) {
    // Seven digits that differ for every j of a batch and between batches.
    const std::string d7 = Pad(j * 1000LL + (index * 37) % 1000, 7);
    Json phone;
    switch ((index + j) % 7) {
      case 0: phone["number"] = "202" + d7; break;
      case 1: phone["number"] = "+44 20 " + d7 + "1"; break;
      case 2: phone["number"] = "+49 30 " + d7; break;
      case 3: phone["number"] = "1-800-" + d7; break;
      case 4: phone = {{"number", "07" + d7 + "12"}, {"country_iso", "GBR"}}; break;
      case 5: phone["number"] = "0033 6" + d7 + "1"; break;
      default: phone["number"] = "no number " + d7; break;
    }
    in.numbers.push_back(phone["number"].get<std::string>());
    phones.push_back(std::move(phone));
  }
  body["phones"] = std::move(phones);
  in.body = body.dump();
  return in;
}

BatchRun CreateAndStart(const Fleet& fleet, int node, const BatchInput& input,
                        const std::string& token, milliseconds budget) {
  BatchRun run;
  run.input = &input;
  run.token = token;
  HttpRequest create{"POST", kBatches,
                     {{"Auth-Token", token},
                      {"Content-Type", "application/json"},
                      {"Idempotency-Key", input.reference_id}},
                     input.body};
  HttpResponse created = fleet.Send(create, node, budget, 30s);
  Json j = created.JsonBody();
  if (created.status != 200 || !j["result"]["batch_id"].is_string()) {
    ADD_FAILURE() << "create of batch " << input.index << " failed"
                  << created.Evidence();
    return run;
  }
  run.id = j["result"]["batch_id"].get<std::string>();
  HttpRequest start{"POST", BatchPath(run.id) + "/start",
                    {{"Auth-Token", token}}, ""};
  HttpResponse started = fleet.Send(start, node, budget);
  if (started.status == 200) {
    run.started = true;
    return run;
  }
  // A start whose answer was lost may have happened: the status says.
  const std::string status = StatusOf(fleet, run, node);
  run.started = status == "processing" || status == "completed";
  if (!run.started) {
    ADD_FAILURE() << "start of batch " << input.index << " failed (status '"
                  << status << "')" << started.Evidence();
  }
  return run;
}

std::string ResultString(const HttpResponse& r, const char* key) {
  Json j = r.JsonBody();
  if (r.status != 200 || !j.is_object() || !j["result"].is_object()) return "";
  const Json& v = j["result"][key];
  return v.is_string() ? v.get<std::string>() : "";
}

std::string StatusOf(const Fleet& fleet, const BatchRun& run, int node) {
  return ResultString(
      fleet.Send({"GET", BatchPath(run.id), {{"Auth-Token", run.token}}, ""}, node, 20s),
      "status");
}

HttpResponse ResultsOf(const Fleet& fleet, const BatchRun& run, int node) {
  return fleet.Send({"GET", BatchPath(run.id) + "/results", {{"Auth-Token", run.token}}, ""},
                    node, 60s, 30s);
}

std::string WithoutBatchId(const std::string& body, const std::string& id) {
  std::string out = body;
  if (id.empty()) return out;
  for (size_t at = out.find(id); at != std::string::npos; at = out.find(id, at)) {
    out.replace(at, id.size(), "-");
  }
  return out;
}

std::string CheckBatch(const BatchInput& input, const HttpResponse& results,
                       const Json& status, const std::string& reference_body,
                       const std::string& reference_id, Tally* tally) {
  std::ostringstream why;
  const long long want = static_cast<long long>(input.numbers.size());
  Json r = results.JsonBody();  // not const: a missing key reads as null
  const Json& phones = r["result"]["phones"];
  if (results.status != 200 || !phones.is_array()) {
    tally->lost += want;
    return "no results: " + results.Evidence();
  }
  const long long got = static_cast<long long>(phones.size());
  // Row k must be input k, processed (an unprocessed row's confidence says
  // "unprocessed").
  long long in_order = 0;
  for (long long k = 0; k < std::min(got, want); ++k) {
    const Json& p = phones[k];
    const std::string confidence = p.value("confidence", "unprocessed");
    if (p.value("number", "") == input.numbers[k] && confidence != "unprocessed") {
      ++in_order;
    }
  }
  tally->lost += want - in_order;
  tally->duplicated += std::max(0LL, got - want);
  const long long counted = status.is_object() && status["result"].is_object()
                                ? status["result"].value("records_processed", -1LL)
                                : -1;
  tally->duplicated += std::max(0LL, counted - want);
  if (in_order != want || got != want || counted != want) {
    why << "batch " << input.index << ": " << in_order << " of " << want
        << " phones in order and processed, " << got << " rows, records_processed "
        << counted << "; ";
  }
  const std::string body =
      WithoutBatchId(results.body, r["result"].is_object() ? r["result"].value("batch_id", "") : "");
  if (body != WithoutBatchId(reference_body, reference_id)) {
    ++tally->mismatched;
    Json ref = Json::parse(reference_body, nullptr, false);
    const long long charged =
        r["result"].is_object() ? r["result"].value("credits_charged", -1LL) : -1;
    const long long ref_charged =
        ref.is_object() && ref["result"].is_object() ? ref["result"].value("credits_charged", -2LL) : -2;
    if (charged != ref_charged) ++tally->credit_mismatches;
    why << "batch " << input.index << ": results differ from the SQLite run (charged "
        << charged << " vs " << ref_charged << ")";
  }
  return why.str();
}

}  // namespace phonebulk::it::fault
