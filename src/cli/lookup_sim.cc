// `phonebulk lookup-sim`: a lookup provider for tests and demos speaking
// docs/lookup-protocol.md, with deterministic answers and injected faults.

#include "cli/lookup_sim.h"

#include <boost/beast/http/field.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>

#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/signals.h"
#include "common/strings.h"
#include "lookup/simulator.h"

namespace phonebulk::cli {

http::HttpResponse ServeSimulator(lookup::LookupSimulator& simulator,
                                  const http::HttpRequest& request) {
  namespace beast_http = boost::beast::http;
  lookup::SimulatorRequest sim_request;
  sim_request.method = std::string(request.method_string());
  if (auto it = request.find(beast_http::field::authorization);
      it != request.end()) {
    sim_request.authorization = std::string(it->value());
  }
  if (auto it = request.find(beast_http::field::content_type);
      it != request.end()) {
    sim_request.content_type = std::string(it->value());
  }
  sim_request.body = request.body();
  lookup::SimulatorReply reply = simulator.Handle(sim_request);
  http::HttpResponse res{static_cast<beast_http::status>(reply.status),
                         request.version()};
  res.set(beast_http::field::content_type, "application/json");
  if (!reply.header_name.empty())
    res.set(reply.header_name, reply.header_value);
  res.body() = std::move(reply.body);
  return res;
}

namespace {

struct LookupSimFlags {
  std::string listen = "127.0.0.1:8090";
  int latency_ms = 0;
  double error_rate = 0;
  double rate_429 = 0;
  double malformed_rate = 0;
  std::string key;
  uint64_t seed = 1;
  int threads = 16;
  size_t max_numbers = 1000;
};

int RunLookupSim(const LookupSimFlags& f) {
  std::string host;
  uint16_t port = 0;
  if (!ParseListenFlag(f.listen, &host, &port)) return kExitUsage;
  if (f.error_rate + f.rate_429 + f.malformed_rate > 1.0) {
    std::cerr << "--error-rate + --rate-429 + --malformed-rate exceed 1\n";
    return kExitUsage;
  }
  lookup::SimulatorOptions options;
  options.key = f.key;
  options.latency = absl::Milliseconds(f.latency_ms);
  options.error_rate = f.error_rate;
  options.rate_429 = f.rate_429;
  options.malformed_rate = f.malformed_rate;
  options.seed = f.seed;
  options.max_numbers = f.max_numbers;
  lookup::LookupSimulator simulator(options);

  http::HttpServer server(
      http::HttpLimits{},
      [&simulator](const http::HttpRequest& req, const http::RequestContext&) {
        return ServeSimulator(simulator, req);
      },
      [](unsigned status, const std::string& detail, const std::string&) {
        http::HttpResponse res{static_cast<boost::beast::http::status>(status),
                               11};
        res.set(boost::beast::http::field::content_type, "text/plain");
        res.body() = detail;
        return res;
      });

  // Before any thread starts (see cli/signals.h).
  ShutdownOnSignal shutdown;
  if (absl::Status s = server.Listen(host, port); !s.ok()) {
    std::cerr << "cannot listen on " << SafeText(f.listen) << ": " << s << "\n";
    return kExitFailure;
  }
  shutdown.Start([&server](int) { server.Shutdown(); });
  AnnounceListening("lookup-sim", host, server.port());

  server.Run(f.threads);
  lookup::LookupSimulator::Counters c = simulator.counters();
  std::fprintf(
      stderr,
      "lookup-sim stopped requests=%lld answered=%lld errors=%lld "
      "throttled=%lld malformed=%lld rejected=%lld\n",
      static_cast<long long>(c.requests), static_cast<long long>(c.answered),
      static_cast<long long>(c.errors), static_cast<long long>(c.throttled),
      static_cast<long long>(c.malformed), static_cast<long long>(c.rejected));
  return kExitOk;
}

}  // namespace

void AddLookupSimCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<LookupSimFlags>();
  CLI::App* cmd = app.add_subcommand(
      "lookup-sim",
      "Run a simulated live-status lookup provider (docs/lookup-protocol.md)");
  AddTunableOption(cmd, "--listen", &flags->listen,
                   "HOST:PORT to listen on (port 0: any free)");
  AddTunableOption(cmd, "--latency-ms", &flags->latency_ms,
                   "Delay before every answer", CLI::Range(0, 600'000));
  AddTunableOption(cmd, "--error-rate", &flags->error_rate,
                   "Share of requests answered 503", CLI::Range(0.0, 1.0));
  AddTunableOption(cmd, "--rate-429", &flags->rate_429,
                   "Share of requests answered 429 with Retry-After: 1",
                   CLI::Range(0.0, 1.0));
  AddTunableOption(cmd, "--malformed-rate", &flags->malformed_rate,
                   "Share of requests answered 200 with a malformed body",
                   CLI::Range(0.0, 1.0));
  cmd->add_option("--key", flags->key,
                  "Required Bearer key (401 otherwise); empty: no check");
  AddTunableOption(cmd, "--seed", &flags->seed,
                   "Seed of the fault injection RNG");
  AddTunableOption(cmd, "--threads", &flags->threads,
                   "I/O threads (each sleeps through --latency-ms)",
                   CLI::Range(1, 256));
  AddTunableOption(cmd, "--max-numbers", &flags->max_numbers,
                   "Most numbers accepted in one request (400 above)",
                   CLI::Range(1, 100000));
  cmd->callback([flags, exit_code] { *exit_code = RunLookupSim(*flags); });
}

}  // namespace phonebulk::cli
