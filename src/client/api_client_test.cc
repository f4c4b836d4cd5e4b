// ApiClient's retry policy against a real HttpServer on loopback that
// answers from a script: which answers are retried, and how many retries a
// run may spend.

#include "client/api_client.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "http/http_server.h"

namespace phonebulk::client {
namespace {

namespace beast_http = boost::beast::http;
using http::HttpRequest;
using http::HttpResponse;
using http::HttpServer;
using http::RequestContext;

// Answers the i-th request with script[i] (the last one repeated), and
// counts them. Thread-safe.
class ScriptedServer {
 public:
  explicit ScriptedServer(std::vector<unsigned> script)
      : script_(std::move(script)) {
    server_ = std::make_unique<HttpServer>(
        http::HttpLimits{},
        [this](const HttpRequest& req, const RequestContext&) {
          return Answer(req);
        },
        [](unsigned status, const std::string&, const std::string&) {
          HttpResponse r{static_cast<beast_http::status>(status), 11};
          r.prepare_payload();
          return r;
        });
    EXPECT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    done_ = std::async(std::launch::async, [this] { server_->Run(1); });
  }
  ~ScriptedServer() {
    server_->Shutdown();
    if (done_.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "the server did not stop";
      std::_Exit(1);
    }
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port());
  }
  int requests() {
    absl::MutexLock lock(&mu_);
    return requests_;
  }

 private:
  HttpResponse Answer(const HttpRequest& req) {
    unsigned status;
    {
      absl::MutexLock lock(&mu_);
      const size_t i = std::min<size_t>(requests_++, script_.size() - 1);
      status = script_[i];
    }
    HttpResponse r{static_cast<beast_http::status>(status), req.version()};
    r.set(beast_http::field::content_type, "application/json");
    // The shortest pause a 429 can ask for: the client waits it out.
    if (status == 429) r.set(beast_http::field::retry_after, "1");
    r.body() = "{}";
    r.prepare_payload();
    return r;
  }

  const std::vector<unsigned> script_;
  std::unique_ptr<HttpServer> server_;
  std::future<void> done_;
  absl::Mutex mu_;
  int requests_ ABSL_GUARDED_BY(mu_) = 0;
};

ApiResponse Get(const ScriptedServer& server, int retries) {
  RateGate gate;
  ApiClient client(server.url(), "pb_test", &gate, retries);
  return client.Call("GET", kBatchesPath);
}

TEST(ApiClientRetryTest, A500IsRetriedLikeEvery5xx) {
  ScriptedServer server({500, 200});
  ApiResponse r = Get(server, 1);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(r.attempts, 2);
  EXPECT_EQ(server.requests(), 2);
}

TEST(ApiClientRetryTest, A503And408AreRetriedToo) {
  ScriptedServer server({503, 408, 200});
  ApiResponse r = Get(server, 2);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(server.requests(), 3);
}

TEST(ApiClientRetryTest, RetriesStopAtTheLimit) {
  ScriptedServer server({500});
  ApiResponse r = Get(server, 1);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(server.requests(), 2) << "one attempt and one retry";
  EXPECT_NE(r.error.find("HTTP 500"), std::string::npos) << r.error;
}

TEST(ApiClientRetryTest, A4xxIsFinalAtOnce) {
  ScriptedServer server({400, 200});
  ApiResponse r = Get(server, 3);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(server.requests(), 1);
}

// A 429 is throttling, not a failure: with one retry allowed, a 429 and
// then a 500 still leave that retry for the 500.
TEST(ApiClientRetryTest, A429DoesNotUseUpARetry) {
  ScriptedServer server({429, 500, 200});
  RateGate gate;
  ApiClient client(server.url(), "pb_test", &gate, 1);
  ApiResponse r = client.Call("GET", kBatchesPath);
  EXPECT_EQ(r.status, 200) << r.error;
  EXPECT_EQ(server.requests(), 3);
  EXPECT_EQ(gate.throttled_count(), 1);
}

}  // namespace
}  // namespace phonebulk::client
