#ifndef PHONEBULK_TESTS_INTEGRATION_HARNESS_H_
#define PHONEBULK_TESTS_INTEGRATION_HARNESS_H_

// A black-box harness for the integration tests: it starts the real
// `phonebulk serve` as a child process on a fresh SQLite file, talks HTTP/1.1
// to it over plain POSIX sockets, and runs the admin CLI against the same DB.
//
// Every wait in here is bounded by a deadline, so a broken server makes a
// test fail rather than hang, and every child process is reaped.
//
// Nothing in this file is thread-safe unless a comment says so; a test uses
// one harness object from one thread, except HttpSend(), which may be called
// concurrently from several threads.

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "pg_database.h"

namespace phonebulk::it {

using Json = nlohmann::json;
using Clock = std::chrono::steady_clock;
using Headers = std::vector<std::pair<std::string, std::string>>;

// The path of the `phonebulk` binary under test: $PHONEBULK_BINARY if set,
// else the path baked in at build time.
std::string BinaryPath();

// A fresh directory under $TMPDIR (or /tmp), removed with its contents on
// destruction unless $PHONEBULK_IT_KEEP is set (then its path is printed).
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// One HTTP request as the tests describe it. The client adds `Host`,
// `Connection: close` and, when the body is non-empty or the method is POST,
// `Content-Length`; everything else is exactly what `headers` says.
struct HttpRequest {
  std::string method = "GET";
  std::string target = "/";
  Headers headers;
  std::string body;
};

// One HTTP response. `status` is 0 when no response could be read (then
// `transport_error` says why).
struct HttpResponse {
  int status = 0;
  std::string reason;
  Headers headers;
  std::string body;
  std::string transport_error;
  // The request that produced this response, for failure messages.
  std::string request_text;

  // The first header with this name (case-insensitive), if any.
  std::optional<std::string> Header(std::string_view name) const;
  bool HasHeader(std::string_view name) const { return Header(name).has_value(); }
  // The body parsed as JSON; a JSON null if it does not parse.
  Json JsonBody() const;
  // Request and response as text (bodies truncated), for `<< r.Evidence()`.
  std::string Evidence() const;
};

// Sends one request to 127.0.0.1:port over a new connection and reads the
// whole response (Content-Length, chunked, or until close). Never waits
// longer than `timeout`. Thread-safe.
HttpResponse HttpSend(int port, const HttpRequest& request,
                      std::chrono::milliseconds timeout = std::chrono::seconds(15));

// A raw TCP connection for tests that need control over the bytes on the wire
// (slow headers, partial bodies). Closed on destruction.
class RawConnection {
 public:
  explicit RawConnection(int port);
  ~RawConnection();
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // Writes all of `bytes`; false on error.
  bool Send(std::string_view bytes);
  // Reads one HTTP response (or until close) within `timeout`.
  HttpResponse ReadResponse(std::chrono::milliseconds timeout);
  // True if the peer closed the connection (read returned 0 or an error)
  // within `timeout` without sending anything.
  bool WaitClosed(std::chrono::milliseconds timeout);

 private:
  int fd_ = -1;
  std::string sent_;     // everything sent, for failure messages
  std::string pending_;  // bytes read past the last response (pipelining)
};

// What a finished CLI command left behind.
struct CommandResult {
  int exit_code = -1;  // -1: killed by a signal or timed out
  bool timed_out = false;
  std::string out;
  std::string err;
  std::string command_line;

  // The last non-empty line of `out`, trimmed.
  std::string LastLine() const;
  std::string Evidence() const;
};

// Runs `phonebulk args...`, capturing stdout and stderr, killing it after
// `timeout`.
CommandResult RunCli(const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

// Starts `phonebulk args...` in the background, stdout and stderr to the
// file `log`; returns its pid (-1 when it could not be started). The caller
// signals and reaps it.
pid_t SpawnCli(const std::vector<std::string>& args, const std::string& log);

// A running `phonebulk serve`. Start() may be called again after Stop() or
// Kill() to restart on the same DB with the same arguments.
class ServerProcess {
 public:
  // `db_url` like "sqlite:/tmp/x/db.sqlite"; `log_dir` receives stdout and
  // stderr logs (one pair per start).
  ServerProcess(std::string db_url, std::string log_dir,
                std::vector<std::string> extra_args);
  ~ServerProcess();  // SIGKILLs and reaps the child if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  // Starts the server and waits (≤ timeout) for the listening line. On
  // failure returns false and fills `error` with the reason and the child's
  // output.
  bool Start(std::string* error,
             std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends SIGTERM and waits ≤ timeout for exit. Returns the exit status as
  // from waitpid (use WIFEXITED/WEXITSTATUS), or nullopt if it did not exit
  // in time (then it has been SIGKILLed and reaped).
  std::optional<int> Stop(std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Sends SIGTERM without waiting.
  void SendSigterm();
  // Waits ≤ timeout for the child to exit; the raw wait status or nullopt.
  std::optional<int> WaitExit(std::chrono::milliseconds timeout);
  // SIGKILL and reap.
  void Kill();

  bool running() const { return pid_ > 0; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& db_url() const { return db_url_; }
  // Everything the current (or last) child wrote to stdout / stderr.
  std::string StdoutText() const;
  std::string StderrText() const;

 private:
  std::string db_url_;
  std::string log_dir_;
  std::string files_dir_;  // serve --files-dir on PostgreSQL
  std::vector<std::string> extra_args_;
  pid_t pid_ = -1;
  int port_ = 0;
  int start_count_ = 0;
  std::string stdout_path_;
  std::string stderr_path_;
};

// Polls `condition` every `interval` until it is true or `timeout` passes.
bool WaitUntil(const std::function<bool()>& condition,
               std::chrono::milliseconds timeout,
               std::chrono::milliseconds interval = std::chrono::milliseconds(50));

// Runs `attempt(n)` (n = 0, 1, 2) until the answers it returns all fell in
// one rate-limit window, and returns those answers. Rate limits count per
// wall-clock minute (docs/api.md), so a sequence of requests that happens
// to straddle a minute boundary is counted in two windows and proves
// nothing; it is run again, on a fresh account (the attempt number is there
// to name one), instead of waiting for the start of a minute. Answers
// without X-Rate-Limit-Reset do not count. After three straddling attempts
// (not expected: each takes well under a second) the last one's answers
// are returned and the test's own checks fail on them.
std::vector<HttpResponse> InOneRateWindow(
    const std::function<std::vector<HttpResponse>(int)>& attempt);

// The HTTP reason phrase for a status code ("Bad Request" for 400).
std::string ReasonPhrase(int status);

// The whole content of the file `path`, byte for byte ("" when unreadable).
std::string ReadFile(const std::string& path);

// Runs `command` through the shell (the browser tests' node scripts),
// returning its stdout and setting `*ok` to whether it exited 0.
std::string RunCommand(const std::string& command, bool* ok);

// Lines of `text` split at every comma, with no quoting rules: for outputs
// whose test inputs hold no quoted field, a split that does not trust the
// client's own CSV code.
std::vector<std::vector<std::string>> SplitUnquotedCsv(const std::string& text);

// True for "2025-09-10T01:02:03.004005Z".
bool IsContractTime(const std::string& s);
// True for a lower-case or upper-case canonical UUIDv4 string.
bool IsUuidV4(const std::string& s);
// A fresh random UUIDv4 (for "does not exist" tests).
std::string RandomUuidV4();
// The dotted paths of every JSON null inside `j` ("" if none).
std::string FindNulls(const Json& j, const std::string& path = "$");
// Text that must never appear in an error body (SQL, paths, stack traces):
// the first offending fragment found, or "".
std::string FindLeak(const std::string& body);

// The contract's confidence names in its order, which is also the order of a
// results answer's `statistics`.
const std::vector<std::string>& ConfidenceOrder();

// Checks the `statistics` of a results answer's `result` object against the
// confidence each record should have (`confidences`, one per record,
// "unprocessed" for a record not processed): one {"name","value"} entry per
// confidence that has records, in the contract's order, none listed twice or
// with 0, each value exactly the count of that name in `confidences`, and the
// values adding up to `records` (the batch's record count), so every record
// sits in exactly one bucket. One helper for every suite, so that a bucket
// counted twice or left out shows whichever confidences a test produces.
::testing::AssertionResult HasStatistics(
    const Json& result, const std::vector<std::string>& confidences,
    long long records);

// Checks the contract's error shape: status, JSON body
// {"error":{"type","title","detail","instance"}} with title == reason phrase,
// non-empty type/detail, instance == `instance`, and no leak.
::testing::AssertionResult IsErrorResponse(const HttpResponse& r, int status,
                                           const std::string& instance);

// The base fixture: a temp dir, a server on a fresh database (a SQLite file,
// or a PostgreSQL database when the environment names a server, see
// pg_database.h) started in SetUp() with ServerArgs(), and helpers for the
// API and the CLI.
class ServerTest : public ::testing::Test {
 protected:
  // Extra `serve` arguments for this fixture (besides --listen and --db).
  virtual std::vector<std::string> ServerArgs() const;

  void SetUp() override;
  void TearDown() override;

  ServerProcess& server() { return *server_; }
  int port() const { return server_->port(); }
  const std::string& db() const { return db_url_; }
  const std::string& dir() const { return tmp_.path(); }

  // Runs `sql` on the server's database from outside (its SQLite file, or
  // its PostgreSQL database), as a hand-edit or a restore would: for rules
  // that depend on stored facts no API call can set, such as a batch's age.
  // Fails the test on an error.
  void RunSql(const std::string& sql);

  // Restarts the server on the same DB (SIGKILL first if `hard`, else
  // SIGTERM). Fails the test on error.
  void Restart(bool hard);

  // `phonebulk token create` with the given account and options; returns the
  // token (last stdout line) or "" after adding a test failure. Unless
  // `extra` sets --rate-limit, the account gets kPollingRateLimit, so that
  // tests polling a batch's status are not throttled by the default 150.
  std::string CreateToken(const std::string& account, long credits = 1000000,
                          const std::vector<std::string>& extra = {});
  // The same without touching the account's rate limit (the CLI default).
  std::string CreateTokenWithDefaultLimit(const std::string& account, long credits = 1000000,
                                          const std::vector<std::string>& extra = {});
  static constexpr int kPollingRateLimit = 100000;
  // `phonebulk account show --json`: the credit balance, or nullopt.
  std::optional<long long> Credits(const std::string& account);
  Json AccountJson(const std::string& account);

  // Sends `method target` with Auth-Token: token (if non-empty),
  // Content-Type: application/json when there is a body, plus `extra`.
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& token, const std::string& body = "",
                    const Headers& extra = {});
  HttpResponse Send(const HttpRequest& r) { return HttpSend(port(), r); }

  // Bulk API shorthands. Each returns the raw response.
  HttpResponse CreateBatch(const std::string& token, const Json& body,
                           const Headers& extra = {});
  HttpResponse StartBatch(const std::string& token, const std::string& id,
                          const Headers& extra = {});
  HttpResponse StopBatch(const std::string& token, const std::string& id,
                         const Headers& extra = {});
  HttpResponse BatchStatus(const std::string& token, const std::string& id,
                           const Headers& extra = {});
  HttpResponse BatchResults(const std::string& token, const std::string& id,
                            const Headers& extra = {});
  HttpResponse ListBatches(const std::string& token, const Headers& extra = {});

  // Creates a batch and returns its id ("" after a test failure).
  std::string CreateBatchId(const std::string& token, const Json& body);
  // Polls the status until `result.status` == `status` (≤ timeout); returns
  // the last status body (a JSON null if the last call failed).
  Json WaitForStatus(const std::string& token, const std::string& id,
                     const std::string& status,
                     std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // The control of a negative check on processing ("nothing was charged
  // again", "nothing moved after the stop"): creates, starts and waits for
  // the completion of a one-number batch of `token`'s account. Workers claim
  // the chunks of the oldest started batch first and finish a chunk before
  // they claim another, so when this batch is completed every chunk that
  // was claimable before it has been processed or refused: what the check
  // says did not happen had its chance to happen. Costs one credit.
  void RunControlBatch(const std::string& token);

  // A body {"phones":[{"number":n}...]} with optional defaults.
  static Json PhonesBody(const std::vector<std::string>& numbers,
                         const Json& defaults = nullptr);

  TempDir tmp_;
  // Set when the suite runs on PostgreSQL (pg_database.h); dropped after
  // the server stops, so declared before it.
  std::unique_ptr<PgDatabase> pg_;
  std::string db_url_;
  std::unique_ptr<ServerProcess> server_;
};

// Paths.
inline constexpr char kBatches[] = "/phone/bulk/v1/batches";
inline std::string BatchPath(const std::string& id) {
  return std::string(kBatches) + "/" + id;
}

}  // namespace phonebulk::it

#endif  // PHONEBULK_TESTS_INTEGRATION_HARNESS_H_
