// Drives a real HttpServer on 127.0.0.1 through raw TCP sockets, so that the
// exact bytes on the wire (framing errors, pipelining, half-sent requests)
// are under the test's control. Every socket read has a deadline: a server
// bug shows up as a failed expectation, never as a hung test.

#include "http/http_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/beast/http/field.hpp>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <future>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "http/raw_client_testing.h"

namespace phonebulk::http {
namespace {

namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;
using test_client::kReadDeadline;
using test_client::Lower;
using test_client::RawClient;
using test_client::Response;

// Echoes what it saw so tests can check the parsed request.
HttpResponse Echo(const HttpRequest& request, const RequestContext& context) {
  HttpResponse response{http::status::ok, request.version()};
  response.set(http::field::content_type, "text/plain");
  response.set("X-Remote-Ip", context.remote_ip);
  response.body() = std::string(request.method_string()) + " " +
                    std::string(request.target()) + " " + request.body();
  return response;
}

HttpResponse ErrorResponse(unsigned status, const std::string& detail,
                           const std::string& target) {
  HttpResponse response;
  response.result(status);
  response.set(http::field::content_type, "application/json");
  response.set("X-Target", target);
  response.body() = detail;
  return response;
}

HttpLimits TestLimits() {
  HttpLimits limits;
  limits.max_body_bytes = 1024;
  limits.max_header_bytes = 8 * 1024;
  limits.header_timeout = absl::Milliseconds(200);
  limits.body_timeout = absl::Milliseconds(200);
  limits.idle_timeout = absl::Milliseconds(300);
  return limits;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(HttpHandler handler = Echo,
                   HttpLimits limits = TestLimits()) {
    server_ =
        std::make_unique<HttpServer>(limits, std::move(handler), ErrorResponse);
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    ASSERT_NE(server_->port(), 0);
    run_done_ = std::async(std::launch::async, [this] { server_->Run(2); });
  }

  void TearDown() override {
    if (!server_) return;
    server_->Shutdown();
    // Bounded: a server that fails to stop fails the test, and the process
    // exits rather than hangs (the future's destructor would block).
    if (run_done_.wait_for(std::chrono::seconds(5)) !=
        std::future_status::ready) {
      ADD_FAILURE() << "Run() did not return after Shutdown()";
      std::_Exit(1);
    }
  }

  // Sends `request` on a fresh connection and reads one response (nullopt
  // when none comes in time): for tests about a single exchange.
  std::optional<Response> Fetch(std::string_view request) {
    return RawClient(server_->port()).Exchange(request);
  }

  // Sends `request` on a fresh connection; expects one response with
  // `status`, then the connection closed.
  void ExpectRejected(const std::string& request, int status) {
    RawClient client(server_->port());
    ASSERT_TRUE(client.connected());
    auto response = client.Exchange(request);
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, status) << request;
    EXPECT_EQ(Lower(response->Header("connection")), "close") << request;
    EXPECT_TRUE(client.WaitClosed(milliseconds(2000), nullptr)) << request;
  }

  std::unique_ptr<HttpServer> server_;
  std::future<void> run_done_;
};

TEST_F(HttpServerTest, GetAndPost) {
  StartServer();
  RawClient client(server_->port());
  ASSERT_TRUE(client.connected());
  auto get = client.Exchange("GET /hello?x=1 HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(get);
  EXPECT_EQ(get->status, 200);
  EXPECT_EQ(get->body, "GET /hello?x=1 ");
  EXPECT_EQ(get->Header("x-remote-ip"), "127.0.0.1");
  EXPECT_EQ(get->Header("content-length"), std::to_string(get->body.size()));

  auto post = client.Exchange(
      "POST /p HTTP/1.1\r\nHost: t\r\nContent-Length: 7\r\n\r\n{\"a\":1}");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 200);
  EXPECT_EQ(post->body, "POST /p {\"a\":1}");
}

TEST_F(HttpServerTest, KeepAliveServesTwoRequestsOnOneConnection) {
  StartServer();
  RawClient client(server_->port());
  for (int i = 0; i < 2; ++i) {
    auto response = client.Exchange("GET /k HTTP/1.1\r\nHost: t\r\n\r\n");
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(response->status, 200);
    EXPECT_NE(Lower(response->Header("connection")), "close");
  }
}

TEST_F(HttpServerTest, ConnectionCloseAndHttp10Close) {
  StartServer();
  for (const char* request :
       {"GET /c HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n",
        "GET /c HTTP/1.0\r\n\r\n"}) {
    RawClient client(server_->port());
    auto response = client.Exchange(request);
    ASSERT_TRUE(response) << request;
    EXPECT_EQ(response->status, 200);
    EXPECT_TRUE(client.WaitClosed(milliseconds(2000), nullptr)) << request;
  }
  // HTTP/1.0 with keep-alive stays open for a second request.
  RawClient client(server_->port());
  for (int i = 0; i < 2; ++i) {
    auto response =
        client.Exchange("GET /c HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    ASSERT_TRUE(response) << i;
    EXPECT_EQ(Lower(response->Header("connection")), "keep-alive");
  }
}

TEST_F(HttpServerTest, PipelinedRequestsAnsweredInOrder) {
  StartServer();
  RawClient client(server_->port());
  client.Send(
      "GET /1 HTTP/1.1\r\nHost: t\r\n\r\n"
      "POST /2 HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc"
      "GET /3 HTTP/1.1\r\nHost: t\r\n\r\n");
  for (const char* want : {"GET /1 ", "POST /2 abc", "GET /3 "}) {
    auto response = client.ReadResponse();
    ASSERT_TRUE(response) << want;
    EXPECT_EQ(response->body, want);
  }
}

TEST_F(HttpServerTest, ChunkedBodyAccepted) {
  StartServer();
  auto response = Fetch(
      "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "POST /c abcdefg");
}

TEST_F(HttpServerTest, ContentLengthOverCapIs413) {
  StartServer();
  ExpectRejected(
      "POST /big HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\nabc", 413);
}

TEST_F(HttpServerTest, ChunkedBodyOverCapIs413) {
  StartServer();
  std::string chunk(600, 'x');
  ExpectRejected(
      "POST /big HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "258\r\n" +
          chunk + "\r\n258\r\n" + chunk + "\r\n0\r\n\r\n",
      413);
}

TEST_F(HttpServerTest, ErrorFactoryGetsPathWithoutQuery) {
  StartServer();
  auto response = Fetch(
      "POST /big?q=1 HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->Header("x-target"), "/big");
  EXPECT_FALSE(response->body.empty());
}

TEST_F(HttpServerTest, HeaderOverCapIs431) {
  StartServer();
  ExpectRejected("GET / HTTP/1.1\r\nHost: t\r\nX-Big: " +
                     std::string(9 * 1024, 'a') + "\r\n\r\n",
                 431);
}

// The header timer (200 ms) is the only one short enough to answer: with
// the body and idle timers an hour long, a 408 proves it fired, without
// timing the answer.
TEST_F(HttpServerTest, SlowHeaderIs408) {
  HttpLimits limits = TestLimits();
  limits.body_timeout = absl::Hours(1);
  limits.idle_timeout = absl::Hours(1);
  StartServer(Echo, limits);
  ExpectRejected("GET /slow HTTP/1.1\r\nHost: t\r\n", 408);
}

TEST_F(HttpServerTest, SlowBodyIs408) {
  StartServer();
  ExpectRejected(
      "POST /slow HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", 408);
}

TEST_F(HttpServerTest, IdleKeepAliveClosedWithoutResponse) {
  StartServer();
  RawClient client(server_->port());
  client.Send("GET / HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(client.ReadResponse());
  std::string extra;
  EXPECT_TRUE(client.WaitClosed(milliseconds(2000), &extra));
  EXPECT_EQ(extra, "");
}

TEST_F(HttpServerTest, SilentNewConnectionClosedWithoutResponse) {
  StartServer();
  RawClient client(server_->port());
  std::string extra;
  EXPECT_TRUE(client.WaitClosed(milliseconds(2000), &extra));
  EXPECT_EQ(extra, "");
}

TEST_F(HttpServerTest, AmbiguousFramingIs400) {
  StartServer();
  const std::string kPost = "POST /f HTTP/1.1\r\nHost: t\r\n";
  const char* cases[] = {
      "Content-Length: 3\r\nTransfer-Encoding: "
      "chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "Transfer-Encoding: chunked\r\nContent-Length: "
      "3\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
      "Transfer-Encoding: gzip\r\nContent-Length: 3\r\n\r\nabc",
      "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd",
      "Content-Length: 3, 4\r\n\r\nabcd",
      "Content-Length: -3\r\n\r\nabc",
      "Transfer-Encoding: gzip\r\n\r\nabc",
  };
  for (const char* rest : cases) ExpectRejected(kPost + rest, 400);
}

TEST_F(HttpServerTest, UnsupportedTransferCodingIs501) {
  StartServer();
  ExpectRejected(
      "POST /f HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n",
      501);
}

TEST_F(HttpServerTest, MalformedChunksAre400) {
  StartServer();
  const std::string kPost =
      "POST /f HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n";
  ExpectRejected(kPost + "zz\r\nabc\r\n0\r\n\r\n", 400);
  ExpectRejected(kPost + "3\r\nabcXY0\r\n\r\n", 400);
  // A chunk-size line that never ends must not grow memory without bound.
  ExpectRejected(kPost + "3;" + std::string(40 * 1024, 'a'), 400);
}

TEST_F(HttpServerTest, GarbageRequestLineIs400) {
  StartServer();
  for (std::string garbage :
       {std::string("\x01\x02\x03 garbage\r\n\r\n"), std::string("GET\r\n\r\n"),
        std::string("GET / HTTP/9.9\r\n\r\n"),
        std::string("G@T / HTTP/1.1\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nBad Header\r\n\r\n")}) {
    ExpectRejected(garbage, 400);
  }
}

TEST_F(HttpServerTest, MutatedRequestsNeverCrashOrHang) {
  StartServer();
  const std::string kValid =
      "POST /p HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "3\r\nabc\r\n0\r\n\r\n";
  std::mt19937 random(12345);  // fixed seed: failures reproduce
  for (int i = 0; i < 60; ++i) {
    std::string request = kValid;
    for (int flips = 1 + i % 4; flips > 0; --flips) {
      request[random() % request.size()] = static_cast<char>(random() % 256);
    }
    RawClient client(server_->port());
    // Whatever the server makes of it (a response, 400, 408 after the
    // 200 ms timeouts, a silent close), it must end the exchange in time.
    auto response = client.Exchange(request);
    if (!response || Lower(response->Header("connection")) == "close") {
      EXPECT_TRUE(client.WaitClosed(milliseconds(2000), nullptr)) << i;
    }
  }
  auto response = Fetch("GET /still-alive HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
}

TEST_F(HttpServerTest, ExpectContinueGets100BeforeBody) {
  StartServer();
  RawClient client(server_->port());
  auto interim = client.Exchange(
      "POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
      "Expect: 100-continue\r\n\r\n");
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  auto response = client.Exchange("hello");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "POST /e hello");
}

TEST_F(HttpServerTest, ExpectContinueOverCapGets413Without100) {
  StartServer();
  ExpectRejected(
      "POST /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n"
      "Expect: 100-continue\r\n\r\n",
      413);
}

TEST_F(HttpServerTest, HandlerExceptionIs500) {
  StartServer([](const HttpRequest&, const RequestContext&) -> HttpResponse {
    throw std::runtime_error("boom");
  });
  auto response = Fetch("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->Header("x-target"), "/x");
}

TEST_F(HttpServerTest, HandlerMayCloseTheConnection) {
  StartServer([](const HttpRequest& request, const RequestContext& context) {
    HttpResponse response = Echo(request, context);
    response.set(http::field::connection, "close");
    return response;
  });
  RawClient client(server_->port());
  auto response = client.Exchange("GET /x HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(Lower(response->Header("connection")), "close");
  EXPECT_TRUE(client.WaitClosed(milliseconds(2000), nullptr));
}

TEST_F(HttpServerTest, ConcurrentKeepAliveClients) {
  StartServer();
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([this, c, &ok] {
      RawClient client(server_->port());
      for (int i = 0; i < 25; ++i) {
        std::string path = "/" + std::to_string(c) + "/" + std::to_string(i);
        auto response =
            client.Exchange("GET " + path + " HTTP/1.1\r\nHost: t\r\n\r\n");
        if (response && response->body == "GET " + path + " ") ++ok;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok, 8 * 25);
}

TEST_F(HttpServerTest, ShutdownLetsInFlightRequestFinish) {
  std::atomic<bool> slow_entered{false};
  StartServer([&slow_entered](const HttpRequest& request,
                              const RequestContext& context) {
    if (request.target() == "/slow") {
      slow_entered = true;
      std::this_thread::sleep_for(milliseconds(300));
    }
    return Echo(request, context);
  });
  RawClient idle(server_->port());
  auto first = idle.Exchange("GET /idle HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(first);

  RawClient busy(server_->port());
  busy.Send("GET /slow HTTP/1.1\r\nHost: t\r\n\r\n");
  auto deadline = Clock::now() + kReadDeadline;
  while (!slow_entered && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_TRUE(slow_entered);
  // /idle's response was read, so only /slow can still count; its count
  // lasts until its response is written.
  EXPECT_GE(server_->in_flight(), 1);
  // From another thread, as a signal handler would.
  std::thread([this] { server_->Shutdown(); }).join();

  // The idle keep-alive connection is closed without a response.
  std::string extra;
  EXPECT_TRUE(idle.WaitClosed(milliseconds(1000), &extra));
  EXPECT_EQ(extra, "");
  // The in-flight request is answered in full, as the last on its
  // connection.
  auto response = busy.ReadResponse();
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "GET /slow ");
  EXPECT_EQ(Lower(response->Header("connection")), "close");
  EXPECT_TRUE(busy.WaitClosed(milliseconds(2000), nullptr));
  EXPECT_EQ(run_done_.wait_for(std::chrono::seconds(3)),
            std::future_status::ready);
  EXPECT_EQ(server_->in_flight(), 0);
  // No new connections are accepted.
  RawClient late(server_->port());
  EXPECT_FALSE(late.connected());
}

TEST_F(HttpServerTest, ShutdownBeforeRunAndTwice) {
  HttpServer server(TestLimits(), Echo, ErrorResponse);
  ASSERT_TRUE(server.Listen("127.0.0.1", 0).ok());
  EXPECT_FALSE(server.Listen("127.0.0.1", 0).ok());
  server.Shutdown();
  server.Shutdown();
  auto done = std::async(std::launch::async, [&] { server.Run(3); });
  ASSERT_EQ(done.wait_for(std::chrono::seconds(3)), std::future_status::ready);
}

TEST_F(HttpServerTest, ListenOnBadAddressFails) {
  HttpServer server(TestLimits(), Echo, ErrorResponse);
  EXPECT_FALSE(server.Listen("203.0.113.250", 0).ok());  // not local
}

}  // namespace
}  // namespace phonebulk::http
