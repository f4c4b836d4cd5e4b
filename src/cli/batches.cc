// `phonebulk batches list|status|results|stop`: look at and steer batches
// by hand through the Bulk Phone API v1 (any server that speaks it).
#include <cstdio>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "client/api_client.h"
#include "client/csv_io.h"
#include "client/result_row.h"
#include "common/strings.h"

namespace phonebulk::cli {
namespace {

using Json = nlohmann::json;

struct BatchesFlags {
  std::string server;
  std::string token;
  std::string id;
  bool csv = false;
  bool metadata = false;
};

// Prints the answer (pretty JSON, or the body as is) and maps the outcome
// to an exit code (exit_codes.h): 0 on 2xx, kExitUnreachable without an
// answer, kExitFailure otherwise.
int PrintAnswer(const client::ApiResponse& r) {
  if (r.status == 0) {
    std::fprintf(stderr, "error: server unreachable: %s\n",
                 SafeText(r.error, 1024).c_str());
    return kExitUnreachable;
  }
  Json j = Json::parse(r.body, nullptr, false);
  // A body that is not JSON comes from who knows what server: cleaned and
  // cut, so it cannot write control sequences to the terminal.
  std::string text = j.is_discarded() ? SafeText(r.body, 4096) : j.dump(2);
  std::fprintf(r.ok() ? stdout : stderr, "%s\n", text.c_str());
  return r.ok() ? kExitOk : kExitFailure;
}

int PrintCsv(const client::ApiResponse& r, const BatchesFlags& f,
             bool results) {
  if (!r.ok()) return PrintAnswer(r);
  Json j = Json::parse(r.body, nullptr, false);
  std::string out;
  if (results) {
    std::vector<std::string> header = {"number"};
    for (const std::string& c : client::ResultColumns(f.metadata)) {
      header.push_back(c);
    }
    client::AppendCsvFields(header, ',', &out);
    out += '\n';
    if (j.is_object() && j["result"]["phones"].is_array()) {
      for (const Json& p : j["result"]["phones"]) {
        client::AppendCsvField(client::StringAt(p, "number"), ',', &out);
        client::AppendResultSuffix(p, f.metadata, /*validity=*/false, ',',
                                   &out);
        out += '\n';
      }
    }
  } else {
    const std::vector<std::string> cols = {
        "batch_id",  "batch_reference_id", "status",         "reason",
        "records",   "records_processed",  "date_submitted", "date_started",
        "date_ended"};
    client::AppendCsvFields(cols, ',', &out);
    out += '\n';
    Json list = Json::array();
    if (j.is_object() && j["result"]["batches"].is_array()) {
      list = j["result"]["batches"];
    } else if (j.is_object() && j["result"].is_object()) {
      list.push_back(j["result"]);
    }
    for (const Json& b : list) {
      std::vector<std::string> row;
      for (const std::string& c : cols) {
        const Json& v = b.contains(c) ? b[c] : Json();
        row.push_back(v.is_string() ? v.get<std::string>()
                      : v.is_null() ? ""
                                    : v.dump());
      }
      client::AppendCsvFields(row, ',', &out);
      out += '\n';
    }
  }
  std::fputs(out.c_str(), stdout);
  return kExitOk;
}

int Run(const std::string& action, const BatchesFlags& f) {
  if (f.token.empty()) {
    std::fprintf(stderr, "error: no token (--token or PHONEBULK_TOKEN)\n");
    return kExitUsage;
  }
  client::RateGate gate;
  client::ApiClient api(f.server, f.token, &gate, /*retries=*/2, stderr);
  const std::string base = client::kBatchesPath;
  client::ApiResponse r;
  if (action == "list") {
    r = api.Call("GET", base);
  } else if (action == "status") {
    r = api.Call("GET", base + "/" + f.id, "", f.metadata);
  } else if (action == "results") {
    r = api.Call("GET", base + "/" + f.id + "/results", "", f.metadata);
  } else {  // stop
    r = api.Call("POST", base + "/" + f.id + "/stop");
  }
  if (f.csv && action != "stop") return PrintCsv(r, f, action == "results");
  return PrintAnswer(r);
}

}  // namespace

void AddBatchesCommands(CLI::App& app, int* exit_code) {
  CLI::App* group = app.add_subcommand(
      "batches", "List, inspect, fetch or stop batches through the API");
  group->require_subcommand(1);
  const struct {
    const char* name;
    const char* help;
    bool needs_id;
  } actions[] = {
      {"list", "The account's batches, newest first", false},
      {"status", "One batch's status", true},
      {"results", "One batch's results (JSON, or CSV with --csv)", true},
      {"stop", "Stop a batch; what is done stays done", true},
  };
  for (const auto& a : actions) {
    auto flags = std::make_shared<BatchesFlags>();
    CLI::App* cmd = group->add_subcommand(a.name, a.help);
    cmd->add_option("--server", flags->server, "API base URL")
        ->required()
        ->envname("PHONEBULK_SERVER");
    cmd->add_option("--token", flags->token, "API token")
        ->envname("PHONEBULK_TOKEN");
    if (a.needs_id) {
      cmd->add_option("id", flags->id, "Batch id")->required();
    }
    if (std::string(a.name) != "stop") {
      cmd->add_flag("--csv", flags->csv, "Print CSV instead of JSON");
      cmd->add_flag("--metadata", flags->metadata,
                    "Send Add-Metadata: true (and add metadata columns)");
    }
    std::string action = a.name;
    cmd->callback(
        [flags, action, exit_code] { *exit_code = Run(action, *flags); });
  }
}

}  // namespace phonebulk::cli
