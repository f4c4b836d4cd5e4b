#include "harness.h"

#include <sqlite3.h>
#include <sys/wait.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "harness_internal.h"

namespace phonebulk::it {
namespace {

using internal::Lower;
using internal::RemainingMs;
using internal::Trim;
using internal::Truncate;
using std::chrono::milliseconds;

}  // namespace

// ---------------------------------------------------------------- helpers

bool WaitUntil(const std::function<bool()>& condition, milliseconds timeout,
               milliseconds interval) {
  auto deadline = Clock::now() + timeout;
  while (true) {
    if (condition()) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(interval);
  }
}

std::vector<HttpResponse> InOneRateWindow(
    const std::function<std::vector<HttpResponse>(int)>& attempt) {
  std::vector<HttpResponse> answers;
  for (int n = 0; n < 3; ++n) {
    answers = attempt(n);
    std::set<std::string> windows;
    for (const HttpResponse& r : answers) {
      if (auto reset = r.Header("X-Rate-Limit-Reset")) windows.insert(*reset);
    }
    if (windows.size() <= 1) break;
  }
  return answers;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string RunCommand(const std::string& command, bool* ok) {
  std::string out;
  *ok = false;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return out;
  char buf[4096];
  while (size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
  const int status = ::pclose(pipe);
  *ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  return out;
}

std::vector<std::vector<std::string>> SplitUnquotedCsv(
    const std::string& text) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> row(1);
    for (char c : line) {
      if (c == ',') {
        row.emplace_back();
      } else {
        row.back() += c;
      }
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string ReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 408: return "Request Timeout";
    case 409: return "Conflict";
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 431: return "Request Header Fields Too Large";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return "";
  }
}

bool IsContractTime(const std::string& s) {
  static const std::regex kTime(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$)");
  return std::regex_match(s, kTime);
}

bool IsUuidV4(const std::string& s) {
  static const std::regex kUuid(
      R"(^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-4[0-9a-fA-F]{3}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$)");
  return std::regex_match(s, kUuid);
}

std::string RandomUuidV4() {
  static std::mt19937_64 rng(std::random_device{}());
  const char* hex = "0123456789abcdef";
  std::string out = "xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx";
  for (char& c : out) {
    if (c == 'x') c = hex[rng() % 16];
    if (c == 'y') c = hex[8 + rng() % 4];
  }
  return out;
}

std::string FindNulls(const Json& j, const std::string& path) {
  std::string out;
  if (j.is_null()) return path + " ";
  if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) out += FindNulls(it.value(), path + "." + it.key());
  } else if (j.is_array()) {
    for (size_t i = 0; i < j.size(); ++i) out += FindNulls(j[i], path + "[" + std::to_string(i) + "]");
  }
  return out;
}

std::string FindLeak(const std::string& body) {
  static const char* kLeaks[] = {"sqlite", "select ", "insert into", "update ", "constraint",
                                 "/tmp/", "/work/", "/usr/", ".cc:", ".cpp", ".h:", "std::",
                                 "boost::", "absl::", "what():", "terminate", "stack trace",
                                 "backtrace", "exception", "0x7f"};
  std::string lower = Lower(body);
  for (const char* leak : kLeaks) {
    if (lower.find(leak) != std::string::npos) return leak;
  }
  return "";
}

::testing::AssertionResult IsErrorResponse(const HttpResponse& r, int status,
                                           const std::string& instance) {
  auto fail = [&](const std::string& why) {
    return ::testing::AssertionFailure()
           << "expected a contract error " << status << " with instance '" << instance
           << "': " << why << r.Evidence();
  };
  if (r.status != status) return fail("status is " + std::to_string(r.status));
  auto ct = r.Header("Content-Type");
  if (!ct || Lower(*ct).find("json") == std::string::npos) {
    return fail("Content-Type is not JSON");
  }
  Json j = r.JsonBody();
  if (!j.is_object() || !j.contains("error") || !j["error"].is_object()) {
    return fail("body is not {\"error\":{...}}");
  }
  const Json& e = j["error"];
  for (const char* key : {"type", "title", "detail", "instance"}) {
    if (!e.contains(key) || !e[key].is_string()) {
      return fail(std::string("error.") + key + " missing or not a string");
    }
  }
  if (e["type"].get<std::string>().empty()) return fail("error.type is empty");
  if (e["detail"].get<std::string>().empty()) return fail("error.detail is empty");
  std::string title = e["title"].get<std::string>();
  std::string want_title = ReasonPhrase(status);
  bool title_ok = title == want_title ||
                  (status == 413 && (title == "Content Too Large" ||
                                     title == "Request Entity Too Large"));
  if (!title_ok) return fail("error.title is '" + title + "', want '" + want_title + "'");
  if (e["instance"].get<std::string>() != instance) {
    return fail("error.instance is '" + e["instance"].get<std::string>() + "'");
  }
  if (e.size() != 4) return fail("error has extra keys");
  if (std::string leak = FindLeak(r.body); !leak.empty()) {
    return fail("body leaks internals ('" + leak + "')");
  }
  return ::testing::AssertionSuccess();
}

const std::vector<std::string>& ConfidenceOrder() {
  static const std::vector<std::string> order = {
      "verified",   "absent",     "teleservice not provisioned",
      "unverified", "unknown",    "no coverage",
      "dead",       "unprocessed"};
  return order;
}

::testing::AssertionResult HasStatistics(
    const Json& result, const std::vector<std::string>& confidences,
    long long records) {
  const std::vector<std::string>& order = ConfidenceOrder();
  auto bucket_of = [&](const std::string& name) -> std::optional<size_t> {
    auto it = std::find(order.begin(), order.end(), name);
    if (it == order.end()) return std::nullopt;
    return static_cast<size_t>(it - order.begin());
  };
  std::vector<long long> want(order.size(), 0);
  for (const std::string& c : confidences) {
    std::optional<size_t> bucket = bucket_of(c);
    if (!bucket) {
      return ::testing::AssertionFailure()
             << "the test expects \"" << c << "\", which is not a confidence";
    }
    ++want[*bucket];
  }
  if (!result.is_object() || !result.contains("statistics") ||
      !result["statistics"].is_array()) {
    return ::testing::AssertionFailure()
           << "no statistics array in " << result.dump();
  }
  const Json& stats = result["statistics"];
  std::vector<long long> got(order.size(), 0);
  std::string problems;
  long long sum = 0;
  std::optional<size_t> previous;
  for (const Json& entry : stats) {
    if (!entry.is_object() || entry.size() != 2 || !entry.contains("name") ||
        !entry["name"].is_string() || !entry.contains("value") ||
        !entry["value"].is_number_integer()) {
      problems += "\n  entry " + entry.dump() + " is not {\"name\",\"value\"}";
      continue;
    }
    const std::string name = entry["name"].get<std::string>();
    const long long value = entry["value"].get<long long>();
    std::optional<size_t> bucket = bucket_of(name);
    if (!bucket) {
      problems += "\n  unknown bucket \"" + name + "\"";
      continue;
    }
    if (previous && *bucket <= *previous) {
      problems +=
          "\n  \"" + name + "\" is listed twice or out of the contract's order";
    }
    previous = bucket;
    if (value <= 0)
      problems +=
          "\n  \"" + name + "\" is listed with " + std::to_string(value);
    got[*bucket] += value;
    sum += value;
  }
  for (size_t i = 0; i < order.size(); ++i) {
    if (got[i] != want[i]) {
      problems += "\n  \"" + order[i] + "\" is " + std::to_string(got[i]) +
                  ", want " + std::to_string(want[i]);
    }
  }
  if (sum != records) {
    problems += "\n  the buckets add up to " + std::to_string(sum) +
                ", but the batch has " + std::to_string(records) + " records";
  }
  if (problems.empty()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "statistics " << stats.dump() << ":" << problems;
}

// ---------------------------------------------------------------- fixture

std::vector<std::string> ServerTest::ServerArgs() const {
  return {"--workers", "2", "--io-threads", "2"};
}

void ServerTest::SetUp() {
  if (std::string pg = PgServerUrlFromEnv(); !pg.empty()) {
    pg_ = std::make_unique<PgDatabase>(pg);
    db_url_ = pg_->url();
  } else {
    db_url_ = "sqlite:" + tmp_.path() + "/db.sqlite";
  }
  server_ = std::make_unique<ServerProcess>(db_url_, tmp_.path(), ServerArgs());
  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << error;
}

void ServerTest::TearDown() {
  if (server_ && server_->running()) server_->Stop(std::chrono::seconds(10));
  if (HasFailure() && server_) {
    std::string err = server_->StderrText();
    if (!err.empty()) {
      std::fprintf(stderr, "[harness] server stderr (last 3000 bytes):\n%s\n",
                   err.substr(err.size() > 3000 ? err.size() - 3000 : 0).c_str());
    }
  }
  server_.reset();  // killed and reaped before its database is dropped
  pg_.reset();
}

void ServerTest::RunSql(const std::string& sql) {
  if (pg_) {
    std::string error = pg_->RunSql(sql);
    EXPECT_EQ(error, "") << sql;
    return;
  }
  const std::string path = db_url_.substr(std::string("sqlite:").size());
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &handle), SQLITE_OK) << path;
  sqlite3_busy_timeout(handle, 10000);  // the server may be writing meanwhile
  char* error = nullptr;
  EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error),
            SQLITE_OK)
      << sql << ": " << (error != nullptr ? error : "");
  sqlite3_free(error);
  sqlite3_close(handle);
}

void ServerTest::Restart(bool hard) {
  if (hard) {
    server_->Kill();
  } else {
    auto status = server_->Stop();
    EXPECT_TRUE(status && WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "server did not exit 0 on SIGTERM";
  }
  std::string error;
  ASSERT_TRUE(server_->Start(&error)) << error;
}

std::string ServerTest::CreateToken(const std::string& account, long credits,
                                    const std::vector<std::string>& extra) {
  bool has_limit = false;
  for (const auto& a : extra) has_limit |= a == "--rate-limit";
  if (has_limit) return CreateTokenWithDefaultLimit(account, credits, extra);
  std::vector<std::string> with_limit = extra;
  with_limit.push_back("--rate-limit");
  with_limit.push_back(std::to_string(kPollingRateLimit));
  return CreateTokenWithDefaultLimit(account, credits, with_limit);
}

std::string ServerTest::CreateTokenWithDefaultLimit(const std::string& account, long credits,
                                                    const std::vector<std::string>& extra) {
  std::vector<std::string> args{"token", "create", "--db", db_url_, "--account", account,
                                "--credits", std::to_string(credits)};
  bool has_products = false;
  for (const auto& a : extra) has_products |= a == "--products";
  if (!has_products) {
    args.push_back("--products");
    args.push_back("phone-bulk,phone-validate");
  }
  args.insert(args.end(), extra.begin(), extra.end());
  CommandResult r = RunCli(args);
  if (r.exit_code != 0 || r.LastLine().empty()) {
    ADD_FAILURE() << "token create failed" << r.Evidence();
    return "";
  }
  return r.LastLine();
}

Json ServerTest::AccountJson(const std::string& account) {
  CommandResult r = RunCli({"account", "show", "--db", db_url_, account, "--json"});
  Json j = Json::parse(r.out, nullptr, false);
  if (r.exit_code != 0 || !j.is_object()) {
    // Tolerate log lines before the JSON: parse the last line.
    j = Json::parse(r.LastLine(), nullptr, false);
  }
  if (r.exit_code != 0 || !j.is_object()) {
    ADD_FAILURE() << "account show failed" << r.Evidence();
    return nullptr;
  }
  return j;
}

std::optional<long long> ServerTest::Credits(const std::string& account) {
  Json j = AccountJson(account);
  if (!j.is_object() || !j.contains("credits") || !j["credits"].is_number_integer()) {
    ADD_FAILURE() << "account show: no integer credits in " << j.dump();
    return std::nullopt;
  }
  return j["credits"].get<long long>();
}

HttpResponse ServerTest::Call(const std::string& method, const std::string& target,
                              const std::string& token, const std::string& body,
                              const Headers& extra) {
  HttpRequest r;
  r.method = method;
  r.target = target;
  if (!token.empty()) r.headers.emplace_back("Auth-Token", token);
  if (!body.empty()) r.headers.emplace_back("Content-Type", "application/json");
  r.headers.insert(r.headers.end(), extra.begin(), extra.end());
  r.body = body;
  return HttpSend(port(), r);
}

HttpResponse ServerTest::CreateBatch(const std::string& token, const Json& body,
                                     const Headers& extra) {
  return Call("POST", kBatches, token, body.dump(), extra);
}
HttpResponse ServerTest::StartBatch(const std::string& token, const std::string& id,
                                    const Headers& extra) {
  return Call("POST", BatchPath(id) + "/start", token, "", extra);
}
HttpResponse ServerTest::StopBatch(const std::string& token, const std::string& id,
                                   const Headers& extra) {
  return Call("POST", BatchPath(id) + "/stop", token, "", extra);
}
HttpResponse ServerTest::BatchStatus(const std::string& token, const std::string& id,
                                     const Headers& extra) {
  return Call("GET", BatchPath(id), token, "", extra);
}
HttpResponse ServerTest::BatchResults(const std::string& token, const std::string& id,
                                      const Headers& extra) {
  return Call("GET", BatchPath(id) + "/results", token, "", extra);
}
HttpResponse ServerTest::ListBatches(const std::string& token, const Headers& extra) {
  return Call("GET", kBatches, token, "", extra);
}

std::string ServerTest::CreateBatchId(const std::string& token, const Json& body) {
  HttpResponse r = CreateBatch(token, body);
  Json j = r.JsonBody();
  if (r.status != 200 || !j.is_object() || !j["result"].is_object() ||
      !j["result"]["batch_id"].is_string()) {
    ADD_FAILURE() << "create batch failed" << r.Evidence();
    return "";
  }
  return j["result"]["batch_id"].get<std::string>();
}

void ServerTest::RunControlBatch(const std::string& token) {
  std::string id =
      CreateBatchId(token, PhonesBody({"2026290099"}, {{"country_iso", "USA"}}));
  ASSERT_FALSE(id.empty());
  HttpResponse start = StartBatch(token, id);
  ASSERT_EQ(start.status, 200) << start.Evidence();
  WaitForStatus(token, id, "completed", std::chrono::seconds(20));
}

Json ServerTest::WaitForStatus(const std::string& token, const std::string& id,
                               const std::string& status, milliseconds timeout) {
  Json last;
  HttpResponse last_response;
  bool ok = WaitUntil(
      [&] {
        last_response = BatchStatus(token, id);
        last = last_response.JsonBody();
        return last_response.status == 200 && last.is_object() &&
               last["result"].is_object() && last["result"].value("status", "") == status;
      },
      timeout, milliseconds(100));
  if (!ok) {
    ADD_FAILURE() << "batch " << id << " did not reach status '" << status << "' within "
                  << timeout.count() << " ms; last:" << last_response.Evidence();
  }
  return last;
}

Json ServerTest::PhonesBody(const std::vector<std::string>& numbers, const Json& defaults) {
  Json body;
  if (!defaults.is_null()) body["defaults"] = defaults;
  body["phones"] = Json::array();
  for (const auto& n : numbers) body["phones"].push_back({{"number", n}});
  return body;
}

}  // namespace phonebulk::it
