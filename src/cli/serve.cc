#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <boost/beast/http/verb.hpp>
#include <cstdio>
#include <filesystem>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "api/api.h"
#include "api/errors.h"
#include "batch/account_service.h"
#include "batch/porting_source.h"
#include "batch/processor.h"
#include "batch/service.h"
#include "batch/validate_service.h"
#include "cli/admin.h"
#include "cli/commands.h"
#include "cli/exit_codes.h"
#include "cli/signals.h"
#include "common/strings.h"
#include "files/file_jobs.h"
#include "files/submit_run.h"
#include "http/http_server.h"
#include "lookup/cache.h"
#include "lookup/source.h"
#include "phone/countries.h"
#include "phone/disposable.h"
#include "phone/enricher.h"
#include "phone/validator.h"
#include "store/store.h"
#include "webhook/dispatcher.h"

namespace phonebulk::cli {
namespace {

struct ServeFlags {
  std::string listen = "127.0.0.1:8080";
  std::string db = "sqlite:var/phonebulk.db";
  int workers = 2;
  int io_threads = 4;
  int chunk_size = 250;
  int lease_seconds = 30;
  int64_t retention_seconds = 28 * 24 * 3600;
  int purge_interval_seconds = 3600;
  size_t max_body_bytes = 16 * 1024 * 1024;
  size_t max_unread_bytes = 64 * 1024 * 1024;
  int header_timeout_ms = 10'000;
  int body_timeout_ms = 30'000;
  int default_rate_limit = 150;
  int chunk_delay_ms = 0;
  int drain_seconds = 0;
  bool webhook_allow_private = false;
  int64_t webhook_retry_base_ms = 5000;
  int64_t webhook_lease_seconds = 60;
  std::string disposable_file;
  // File jobs (docs/console.md): "" derives the directory from --db.
  std::string files_dir;
  uint64_t file_max_bytes = uint64_t{1} << 30;
  int file_jobs_running = 2;
  std::string engine = "compiled";  // phone::ValidatorEngine by name
  lookup::LookupOptions lookup;
  bool demo = false;
  bool create = false;
  bool verbose = false;
};

}  // namespace

namespace {

bool SplitListen(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  auto p = ParseInt(std::string_view(listen).substr(colon + 1));
  if (!p || *p > 65535) return false;
  *port = static_cast<uint16_t>(*p);
  return !host->empty();
}

}  // namespace

bool ParseListenFlag(const std::string& listen, std::string* host,
                     uint16_t* port) {
  if (SplitListen(listen, host, port)) return true;
  std::cerr << "--listen: expected HOST:PORT, got '" << SafeText(listen)
            << "'\n";
  return false;
}

std::string AnnounceListening(const char* who, const std::string& host,
                              unsigned port) {
  std::string shown_host =
      host.find(':') != std::string::npos ? "[" + host + "]" : host;
  std::printf("%s listening on http://%s:%u\n", who, shown_host.c_str(), port);
  std::fflush(stdout);
  return shown_host;
}

namespace {

// The default --files-dir: `files/` beside a SQLite database file; for
// PostgreSQL, `files/` in systemd's state directory (the one place the
// packaged unit may write), else var/files.
std::string DefaultFilesDir(const std::string& db) {
  constexpr std::string_view kSqlite = "sqlite:";
  if (db.starts_with(kSqlite)) {
    std::filesystem::path file(db.substr(kSqlite.size()));
    return (file.parent_path() / "files").string();
  }
  if (const char* state = std::getenv("STATE_DIRECTORY");
      state != nullptr && *state != '\0' &&
      std::string_view(state).find(':') == std::string_view::npos) {
    return (std::filesystem::path(state) / "files").string();
  }
  return "var/files";
}

// Where a file job reaches this server: loopback for a wildcard or
// loopback listen address, else the address itself (its requests then come
// from it, so its token must allow it).
std::string SelfUrl(const std::string& host, uint16_t port,
                    std::vector<std::string>* allow_ips) {
  const bool v6 = host.find(':') != std::string::npos;
  const bool loopback_reaches = host.empty() || host == "0.0.0.0" ||
                                host == "::" || host == "localhost" ||
                                host.starts_with("127.") || host == "::1";
  std::string self = loopback_reaches ? (v6 ? "::1" : "127.0.0.1") : host;
  if (!loopback_reaches) allow_ips->push_back(host);
  return "http://" + (v6 ? "[" + self + "]" : self) + ":" +
         std::to_string(port);
}

// Only an upload that carries a token is written to the files directory:
// the route is the one place large bodies are expected, and a request
// without a token is refused before its body matters (the server removes
// the file of any request the handler did not keep).
http::FileBodyPolicy FileUploadPolicy(files::FileJobs& jobs,
                                      uint64_t max_bytes) {
  std::string too_large =
      "the file is larger than this server's upload limit of " +
      std::to_string(max_bytes) +
      " bytes (serve --file-max-bytes); split it into smaller files or ask "
      "the operator to raise the limit";
  return [&jobs, max_bytes, too_large](const http::HttpRequestHeader& h)
             -> std::optional<http::FileBodyPlan> {
    if (h.method() != boost::beast::http::verb::post) return std::nullopt;
    std::string_view target = h.target();
    if (target.substr(0, target.find('?')) != "/v1/files") return std::nullopt;
    if (h.find(boost::beast::http::field::authorization) == h.end() &&
        h.find("Auth-Token") == h.end() && h.find("x-app-key") == h.end()) {
      return std::nullopt;
    }
    return http::FileBodyPlan{jobs.NewUploadPath(), max_bytes, too_large};
  };
}

int Serve(const ServeFlags& f) {
  SetUpLogging(f.verbose);
  std::string host;
  uint16_t port = 0;
  if (!ParseListenFlag(f.listen, &host, &port)) return kExitUsage;

  // A missing database is created only when asked (--create, or --demo's
  // first start): a vanished one must never come back empty unnoticed.
  auto store = store::OpenStore(f.db, f.create || f.demo
                                          ? store::OpenMode::kCreateIfMissing
                                          : store::OpenMode::kMustExist);
  if (!store.ok()) {
    std::cerr << "cannot open --db " << SafeText(store::RedactUrl(f.db)) << ": "
              << SafeText(store.status().ToString(), 1024) << "\n";
    return kExitFailure;
  }
  if (absl::Status s = (*store)->Migrate(); !s.ok()) {
    std::cerr << "cannot migrate the database: " << s << "\n";
    return kExitFailure;
  }
  if (f.demo) {
    if (absl::Status s = EnsureDemoAccount(**store); !s.ok()) {
      std::cerr << "cannot create the demo account: " << s << "\n";
      return kExitFailure;
    }
  }

  const phone::Countries& countries = phone::Countries::Default();
  phone::Validator validator(countries,
                            *phone::ParseValidatorEngine(f.engine));
  auto disposable = phone::DisposableSource::Open(f.disposable_file);
  if (!disposable.ok()) {
    std::cerr << "--disposable-file: " << disposable.status().message() << "\n";
    return kExitFailure;
  }
  phone::Enricher enricher(phone::Enricher::BuiltInSources(disposable->get()));
  auto live = lookup::MakeLookupSource(f.lookup);
  if (!live.ok()) {
    std::cerr << "--lookup-*: " << live.status().message() << "\n";
    return kExitFailure;
  }
  // A configured source sits behind a one-day answer cache; the offline
  // default is left out of the pipeline altogether.
  std::unique_ptr<lookup::LookupSource> live_source;
  if ((*live)->kind() != "offline") {
    live_source = std::make_unique<lookup::CachingLookupSource>(
        *std::move(live), Clock::Real());
  }
  // The porting file answers from the store like a live source would.
  batch::PortingFileSource porting_file((*store)->porting());
  batch::Engine engine{validator, &enricher, live_source.get(), &porting_file};
  const Clock& clock = Clock::Real();

  batch::ServiceOptions service_options;
  service_options.chunk_size = f.chunk_size;
  service_options.retention = absl::Seconds(f.retention_seconds);
  batch::BatchService service((*store)->batches(), clock, service_options,
                              &enricher);

  batch::ProcessorOptions processor_options;
  processor_options.workers = f.workers;
  processor_options.lease = absl::Seconds(f.lease_seconds);
  processor_options.chunk_delay = absl::Milliseconds(f.chunk_delay_ms);
  processor_options.retention = service_options.retention;
  processor_options.purge_interval = absl::Seconds(f.purge_interval_seconds);
  batch::Processor processor(**store, engine, clock, processor_options);
  batch::ValidateService validate((*store)->cache(), (*store)->accounts(),
                                  engine, clock);
  batch::AccountService accounts((*store)->accounts());
  webhook::DispatcherOptions webhook_options;
  webhook_options.allow_private = f.webhook_allow_private;
  webhook_options.retry_base = absl::Milliseconds(f.webhook_retry_base_ms);
  webhook_options.lease = absl::Seconds(f.webhook_lease_seconds);
  // A send must end well inside its lease, or another node could take the
  // delivery over while it is still being sent.
  webhook_options.request_timeout =
      std::min(webhook_options.request_timeout, webhook_options.lease / 2);
  webhook::Dispatcher webhooks((*store)->webhooks(), (*store)->batches(),
                               clock, webhook_options);

  api::HttpMetrics metrics;
  http::HttpServer* server_ptr = nullptr;
  api::ApiHooks hooks;
  hooks.batch_started = [&processor] { processor.Notify(); };
  hooks.storage_ready = [&store] { return (*store)->Ping(); };
  if (std::getenv("PHONEBULK_TEST_CRASH_AFTER_CREATE") != nullptr) {
    // Test-only (tests/integration/hardening_store_test.cc): die like
    // kill -9 once a create is committed, before its answer is written.
    spdlog::warn("event=test_crash_after_create_armed");
    hooks.after_create_stored = [] { ::kill(::getpid(), SIGKILL); };
  }
  hooks.snapshot = [&] {
    api::MetricsSnapshot snap;
    if (auto stats = (*store)->batches().Stats(); stats.ok()) {
      snap.batches_submitted = stats->batches_submitted;
      snap.batches_processing = stats->batches_processing;
      snap.batches_completed = stats->batches_completed;
      snap.batches_stopped = stats->batches_stopped;
      snap.queue_depth_chunks = stats->chunks_pending;
    }
    snap.numbers_processed = processor.counters().numbers_processed.load();
    snap.stale_refused_at_renewal =
        processor.counters().stale_refused_at_renewal.load();
    snap.stale_refused_at_commit =
        processor.counters().stale_refused_at_commit.load();
    const auto& failed = processor.counters().batches_failed;
    snap.batches_failed_unreadable_config =
        failed[static_cast<int>(batch::PoisonCause::kUnreadableConfig)].load();
    snap.batches_failed_corrupt_chunk =
        failed[static_cast<int>(batch::PoisonCause::kCorruptChunk)].load();
    if (server_ptr != nullptr) snap.http_in_flight = server_ptr->in_flight();
    if (server_ptr != nullptr) {
      snap.http_response_bytes_pending = server_ptr->pending_response_bytes();
    }
    const phone::ValidatorCounts numbers = validator.counts();
    snap.numbers_by_engine = numbers.compiled;
    snap.numbers_parse_fallback = numbers.parse_fallback;
    snap.numbers_format_fallback = numbers.format_fallback;
    snap.numbers_by_libphonenumber = numbers.libphonenumber;
    snap.numbers_not_parsed = numbers.not_parsed;
    snap.webhooks_delivered = webhooks.counters().delivered.load();
    snap.webhooks_retried = webhooks.counters().retried.load();
    snap.webhooks_failed = webhooks.counters().failed.load();
    if (auto counts = (*store)->webhooks().CountDeliveries(); counts.ok()) {
      snap.webhooks_pending = counts->pending;
    }
    if (live_source != nullptr) {
      lookup::LookupStats ls = live_source->stats();
      snap.lookup_calls = ls.calls;
      snap.lookup_answers = ls.answers;
      snap.lookup_failures = ls.failures;
      snap.lookup_retries = ls.retries;
      snap.lookup_breaker_opens = ls.breaker_opens;
      snap.lookup_breaker_open = ls.breaker == lookup::BreakerState::kOpen;
    }
    return snap;
  };
  files::FileJobsOptions files_options;
  files_options.dir = f.files_dir.empty() ? DefaultFilesDir(f.db) : f.files_dir;
  files_options.max_running = f.file_jobs_running;
  files_options.retention = service_options.retention;
  files_options.sweep_interval = processor_options.purge_interval;
  SelfUrl(host, port, &files_options.token_allow_ips);
  auto file_jobs = files::FileJobs::Open(files_options, (*store)->accounts(),
                                         clock, files::SubmitJobRunner());
  if (!file_jobs.ok() && !f.files_dir.empty()) {
    std::cerr << "--files-dir " << SafeText(files_options.dir) << ": "
              << file_jobs.status().message() << "\n";
    return kExitFailure;
  }
  // Asked for by name, the directory must work; the default one may not
  // be writable (a read-only working directory): the server then runs
  // without file jobs, which answer 503, rather than not at all.
  std::unique_ptr<files::FileJobs> jobs;
  if (file_jobs.ok()) {
    jobs = *std::move(file_jobs);
  } else {
    spdlog::warn(
        "event=file_jobs_disabled dir=\"{}\" error=\"{}\" hint=\"set "
        "--files-dir to a directory the server may write\"",
        SafeText(files_options.dir),
        SafeText(std::string(file_jobs.status().message())));
  }

  api::ApiOptions api_options;
  api_options.default_rate_limit = f.default_rate_limit;
  // Test-only: the same slowness for real-time calls, so that their
  // Timeout-Seconds (408) can be exercised without a slow data source.
  api_options.validate_delay = absl::Milliseconds(f.chunk_delay_ms);
  api::Api api(accounts, service, countries, clock, metrics, hooks, api_options,
               &validate, jobs.get());

  http::HttpLimits limits;
  limits.max_body_bytes = f.max_body_bytes;
  limits.max_pending_response_bytes = f.max_unread_bytes;
  limits.header_timeout = absl::Milliseconds(f.header_timeout_ms);
  limits.body_timeout = absl::Milliseconds(f.body_timeout_ms);
  http::HttpServer server(
      limits,
      [&api](const http::HttpRequest& req, const http::RequestContext& ctx) {
        return api.Handle(req, ctx);
      },
      [&api](unsigned status, const std::string& detail,
             const std::string& target) {
        return api.FramingError(status, detail, target);
      },
      jobs ? FileUploadPolicy(*jobs, f.file_max_bytes) : nullptr);
  server_ptr = &server;

  // Before any thread starts (see cli/signals.h).
  ShutdownOnSignal shutdown;

  if (absl::Status s = server.Listen(host, port); !s.ok()) {
    std::cerr << "cannot listen on " << SafeText(f.listen) << ": " << s << "\n";
    return kExitFailure;
  }
  processor.Start();
  webhooks.Start();
  {
    std::vector<std::string> same_ips;  // already in files_options
    // The port is known only now when --listen asked for any (0).
    if (jobs) jobs->StartRunner(SelfUrl(host, server.port(), &same_ips));
  }
  shutdown.Start([&](int sig) {
    spdlog::info("event=shutdown signal={} drain_seconds={}", sig,
                 f.drain_seconds);
    // /readyz says 503 while the listener still takes requests, so a load
    // balancer that polls it moves traffic away before connections are
    // refused.
    api.SetDraining(true);
    absl::SleepFor(absl::Seconds(f.drain_seconds));
    // Running file jobs stop at their next step (they stay `running` on
    // disk and resume at the next start) rather than be cut off mid-call.
    if (jobs) jobs->Cancel();
    server.Shutdown();
  });

  std::string shown_host = AnnounceListening("phonebulk", host, server.port());
  spdlog::info("event=listening address={}:{} db={} workers={}", shown_host,
               server.port(), f.db, f.workers);

  server.Run(f.io_threads);
  // Requests are done; finish or hand back the chunks being worked on.
  processor.Stop();
  webhooks.Stop();
  if (jobs) jobs->Stop();
  spdlog::info("event=stopped");
  return kExitOk;
}

}  // namespace

void AddEngineOption(CLI::App* cmd, std::string* engine) {
  cmd->add_option("--engine", *engine,
                  "Who validates: the compiled engine (falling back to "
                  "libphonenumber for what it does not cover) or "
                  "libphonenumber alone, for comparison (docs/engine.md)")
      ->check(CLI::IsMember({"compiled", "libphonenumber"}))
      ->envname("PHONEBULK_ENGINE")
      ->capture_default_str();
}

void SetUpLogging(bool verbose) {
  auto logger = spdlog::stderr_logger_mt("phonebulk");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%fZ level=%l %v",
                      spdlog::pattern_time_type::utc);
  logger->set_level(verbose ? spdlog::level::debug : spdlog::level::info);
  spdlog::set_default_logger(logger);
}

void AddServeCommand(CLI::App& app, int* exit_code) {
  auto flags = std::make_shared<ServeFlags>();
  CLI::App* cmd =
      app.add_subcommand("serve", "Run the HTTP API and the batch workers");
  AddTunableOption(cmd, "--listen", &flags->listen,
                   "HOST:PORT to listen on (port 0: any free)",
                   Env{"PHONEBULK_LISTEN"});
  AddTunableOption(cmd, "--db", &flags->db,
                   "Database URL, e.g. sqlite:var/phonebulk.db",
                   Env{"PHONEBULK_DB"});
  AddTunableOption(cmd, "--workers", &flags->workers,
                   "Worker threads processing chunks", Env{"PHONEBULK_WORKERS"},
                   CLI::Range(1, 256));
  AddTunableOption(cmd, "--io-threads", &flags->io_threads, "HTTP I/O threads",
                   Env{"PHONEBULK_IO_THREADS"}, CLI::Range(1, 256));
  AddTunableOption(cmd, "--chunk-size", &flags->chunk_size,
                   "Phones per chunk of work", Env{"PHONEBULK_CHUNK_SIZE"},
                   CLI::Range(1, 10000));
  AddTunableOption(cmd, "--lease-seconds", &flags->lease_seconds,
                   "How long a claimed chunk stays with its worker",
                   Env{"PHONEBULK_LEASE_SECONDS"}, CLI::Range(1, 3600));
  AddTunableOption(cmd, "--retention-seconds", &flags->retention_seconds,
                   "How long batches are kept (default 28 days)",
                   Env{"PHONEBULK_RETENTION_SECONDS"}, CLI::PositiveNumber);
  AddTunableOption(
      cmd, "--purge-interval-seconds", &flags->purge_interval_seconds,
      "How often expired batches are purged",
      Env{"PHONEBULK_PURGE_INTERVAL_SECONDS"}, CLI::PositiveNumber);
  AddTunableOption(cmd, "--max-body-bytes", &flags->max_body_bytes,
                   "Request body cap (413 above)",
                   Env{"PHONEBULK_MAX_BODY_BYTES"});
  AddTunableOption(
      cmd, "--max-unread-bytes", &flags->max_unread_bytes,
      "Bytes of large answers (over 64 KiB each) held for clients that have "
      "not read them yet, over all connections (503 above)",
      Env{"PHONEBULK_MAX_UNREAD_BYTES"}, CLI::PositiveNumber);
  AddTunableOption(cmd, "--header-timeout-ms", &flags->header_timeout_ms,
                   "Time allowed to send request headers (408 after)",
                   Env{"PHONEBULK_HEADER_TIMEOUT_MS"}, CLI::PositiveNumber);
  AddTunableOption(cmd, "--body-timeout-ms", &flags->body_timeout_ms,
                   "Time allowed to send a request body (408 after)",
                   Env{"PHONEBULK_BODY_TIMEOUT_MS"}, CLI::PositiveNumber);
  AddTunableOption(cmd, "--default-rate-limit", &flags->default_rate_limit,
                   "Requests a minute shown to callers without a known account",
                   Env{"PHONEBULK_DEFAULT_RATE_LIMIT"}, CLI::PositiveNumber);
  AddTunableOption(
      cmd, "--chunk-delay-ms", &flags->chunk_delay_ms,
      "Sleep per chunk and per real-time validation (tests and demos only)",
      Env{"PHONEBULK_CHUNK_DELAY_MS"}, CLI::NonNegativeNumber);
  AddTunableOption(cmd, "--drain-seconds", &flags->drain_seconds,
                   "On SIGTERM, answer /readyz 503 for this long while still "
                   "serving, then stop taking connections",
                   Env{"PHONEBULK_DRAIN_SECONDS"}, CLI::Range(0, 300));
  cmd->add_flag("--webhook-allow-private", flags->webhook_allow_private,
                "Deliver webhooks to loopback and private addresses too "
                "(receivers on this server's own network)")
      ->envname("PHONEBULK_WEBHOOK_ALLOW_PRIVATE");
  AddTunableOption(cmd, "--webhook-retry-base-ms",
                   &flags->webhook_retry_base_ms,
                   "Wait before a failed webhook delivery is retried; doubled "
                   "on each failure, at most an hour, for a day",
                   Env{"PHONEBULK_WEBHOOK_RETRY_BASE_MS"},
                   CLI::Range(int64_t{1}, int64_t{3'600'000}));
  AddTunableOption(cmd, "--webhook-lease-seconds",
                   &flags->webhook_lease_seconds,
                   "How long a node holds a webhook delivery it is sending; "
                   "one that dies mid-send leaves it to the others after "
                   "this. A send is cut off at half of it (at most 15 s)",
                   Env{"PHONEBULK_WEBHOOK_LEASE_SECONDS"},
                   CLI::Range(int64_t{2}, int64_t{3600}));
  AddTunableOption(cmd, "--files-dir", &flags->files_dir,
                   "Directory of file jobs: uploads, results (created 0700; "
                   "default: files/ beside the SQLite database; for "
                   "PostgreSQL files/ in $STATE_DIRECTORY, else var/files)",
                   Env{"PHONEBULK_FILES_DIR"});
  AddTunableOption(cmd, "--file-max-bytes", &flags->file_max_bytes,
                   "Largest file job upload (413 above; default 1 GiB)",
                   Env{"PHONEBULK_FILE_MAX_BYTES"}, CLI::PositiveNumber);
  AddTunableOption(cmd, "--file-jobs-running", &flags->file_jobs_running,
                   "File jobs run at once; the rest wait their turn",
                   Env{"PHONEBULK_FILE_JOBS_RUNNING"}, CLI::Range(1, 64));
  AddEngineOption(cmd, &flags->engine);
  cmd->add_option("--disposable-file", flags->disposable_file,
                  "Disposable-number list (docs/disposable.md); re-read when "
                  "it changes. Default: the built-in starter list")
      ->envname("PHONEBULK_DISPOSABLE_FILE");
  cmd->add_option(
         "--lookup-url", flags->lookup.url,
         "Live-status source (docs/lookup-protocol.md); empty: offline")
      ->envname("PHONEBULK_LOOKUP_URL");
  cmd->add_option("--lookup-key", flags->lookup.key,
                  "Bearer key for the source")
      ->envname("PHONEBULK_LOOKUP_KEY");
  AddTunableOption(cmd, "--lookup-concurrency", &flags->lookup.concurrency,
                   "Requests to the source in flight at once",
                   Env{"PHONEBULK_LOOKUP_CONCURRENCY"});
  AddTunableOption(cmd, "--lookup-max-batch", &flags->lookup.max_batch,
                   "Numbers per request to the source",
                   Env{"PHONEBULK_LOOKUP_MAX_BATCH"});
  AddTunableOption(cmd, "--lookup-timeout-ms", &flags->lookup.timeout_ms,
                   "Timeout of one request to the source",
                   Env{"PHONEBULK_LOOKUP_TIMEOUT_MS"});
  AddTunableOption(cmd, "--lookup-rps", &flags->lookup.rps,
                   "Requests per second to the source; 0: unlimited",
                   Env{"PHONEBULK_LOOKUP_RPS"});
  AddTunableOption(cmd, "--lookup-retries", &flags->lookup.retries,
                   "Retries of a failed request (429, 5xx, network)",
                   Env{"PHONEBULK_LOOKUP_RETRIES"});
  AddTunableOption(cmd, "--lookup-breaker-failures",
                   &flags->lookup.breaker_failures,
                   "Consecutive failed requests that open the circuit breaker",
                   Env{"PHONEBULK_LOOKUP_BREAKER_FAILURES"});
  cmd->add_flag("--create", flags->create,
                "Create the database when it does not exist (otherwise a "
                "missing database is an error)")
      ->envname("PHONEBULK_CREATE_DB");
  cmd->add_flag("--demo", flags->demo,
                "Create a demo account and print its token when the database "
                "has no account")
      ->envname("PHONEBULK_DEMO");
  cmd->add_flag("-v,--verbose", flags->verbose, "Debug logging");
  cmd->callback([flags, exit_code] { *exit_code = Serve(*flags); });
}

}  // namespace phonebulk::cli
