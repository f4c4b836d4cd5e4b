// HttpLookupSource against the real simulator on a loopback port. Every
// test bounds its own time: deadlines are short and each Lookup() is timed.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <future>

#include "absl/synchronization/mutex.h"
#include "cli/lookup_sim.h"
#include "lookup/http_source.h"
#include "lookup/protocol.h"
#include "lookup/simulator.h"

namespace phonebulk::lookup {
namespace {

namespace beast_http = boost::beast::http;
using http::HttpRequest;
using http::HttpResponse;
using http::RequestContext;
using Steady = std::chrono::steady_clock;

double MsSince(Steady::time_point start) {
  return std::chrono::duration<double, std::milli>(Steady::now() - start)
      .count();
}

// An HttpServer on 127.0.0.1:0 running `handler` on 16 I/O threads (handlers
// sleep for injected latency, so concurrent requests need threads).
class TestServer {
 public:
  explicit TestServer(http::HttpHandler handler) {
    server_ = std::make_unique<http::HttpServer>(
        http::HttpLimits{}, std::move(handler),
        [](unsigned status, const std::string& detail, const std::string&) {
          HttpResponse res{static_cast<beast_http::status>(status), 11};
          res.body() = detail;
          return res;
        });
    EXPECT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    done_ = std::async(std::launch::async, [this] { server_->Run(16); });
  }
  ~TestServer() {
    server_->Shutdown();
    if (done_.wait_for(std::chrono::seconds(5)) != std::future_status::ready) {
      ADD_FAILURE() << "server did not stop";
      std::_Exit(1);
    }
  }
  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(server_->port()) + "/lookup";
  }

 private:
  std::unique_ptr<http::HttpServer> server_;
  std::future<void> done_;
};

// A simulator behind a TestServer, with a hook that may answer first.
class SimServer {
 public:
  using Override =
      std::function<std::optional<HttpResponse>(const HttpRequest&)>;

  explicit SimServer(SimulatorOptions options, Override override = nullptr)
      : sim_(std::move(options)),
        override_(std::move(override)),
        server_([this](const HttpRequest& req, const RequestContext&) {
          int now = ++in_flight_;
          int seen = max_in_flight_.load();
          while (now > seen &&
                 !max_in_flight_.compare_exchange_weak(seen, now)) {
          }
          HttpResponse res = Answer(req);
          --in_flight_;
          return res;
        }) {}

  std::string url() const { return server_.url(); }
  const LookupSimulator& sim() const { return sim_; }
  int max_in_flight() const { return max_in_flight_.load(); }

 private:
  HttpResponse Answer(const HttpRequest& req) {
    if (override_) {
      if (auto res = override_(req)) return *res;
    }
    return cli::ServeSimulator(sim_, req);
  }

  LookupSimulator sim_;
  Override override_;
  std::atomic<int> in_flight_{0};
  std::atomic<int> max_in_flight_{0};
  TestServer server_;  // last: stops before the members it uses go away
};

SimulatorOptions Sim(double error_rate = 0, absl::Duration latency = {}) {
  SimulatorOptions o;
  o.key = "secret";
  o.error_rate = error_rate;
  o.latency = latency;
  o.seed = 42;
  return o;
}

LookupOptions Client(const std::string& url) {
  LookupOptions o;
  o.url = url;
  o.key = "secret";
  o.backoff_base = absl::Milliseconds(1);  // keeps retry tests fast
  o.backoff_max = absl::Milliseconds(10);
  return o;
}

std::unique_ptr<HttpLookupSource> MustCreate(const LookupOptions& o,
                                             HttpLookupHooks hooks = {}) {
  auto source = HttpLookupSource::Create(o, std::move(hooks));
  EXPECT_TRUE(source.ok()) << source.status();
  return source.ok() ? std::move(*source) : nullptr;
}

// A source on `server` that splits a lookup into requests of `max_batch`
// numbers and sends at most `concurrency` of them at once.
std::unique_ptr<HttpLookupSource> MustCreateBatched(const SimServer& server,
                                                    int max_batch,
                                                    int concurrency) {
  LookupOptions o = Client(server.url());
  o.max_batch = max_batch;
  o.concurrency = concurrency;
  return MustCreate(o);
}

// Numbers covering every last, second-to-last and third-to-last digit.
std::vector<std::string> Numbers(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back(std::to_string(447400000000 + i));
  return out;
}

absl::Time In(absl::Duration d) { return absl::Now() + d; }

// Every answer present is the simulator's; returns how many are present.
int CheckAnswers(const std::vector<std::string>& numbers,
                 const std::vector<std::optional<LookupAnswer>>& answers) {
  EXPECT_EQ(answers.size(), numbers.size());
  int present = 0;
  for (size_t i = 0; i < answers.size() && i < numbers.size(); ++i) {
    if (!answers[i]) continue;
    ++present;
    EXPECT_EQ(*answers[i], SimulatedAnswer(numbers[i])) << numbers[i];
  }
  return present;
}

// A loopback port with nothing listening: connections are refused at once.
uint16_t DeadPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpLookupSourceTest, AnswersEveryNumberCorrectly) {
  SimServer server(Sim());
  auto source = MustCreate(Client(server.url()));
  std::vector<std::string> numbers = Numbers(1000);
  numbers.push_back("+44");            // not E.164 digits: not asked
  numbers.push_back(numbers.front());  // asked once, answered twice
  auto answers = source->Lookup(numbers, In(absl::Seconds(5)));
  EXPECT_EQ(CheckAnswers(numbers, answers), 1001);
  EXPECT_FALSE(answers[1000]);
  LookupStats stats = source->stats();
  EXPECT_EQ(stats.calls, 10);
  EXPECT_EQ(stats.answers, 1000);
  EXPECT_EQ(stats.failures, 0);
  EXPECT_EQ(stats.breaker, BreakerState::kClosed);
}

TEST(HttpLookupSourceTest, InjectedErrorsAreRetriedAway) {
  SimServer server(Sim(/*error_rate=*/0.3));
  LookupOptions o = Client(server.url());
  o.max_batch = 10;
  o.retries = 12;             // 0.3^13 per call: never in practice
  o.breaker_failures = 1000;  // this test is about retries, not the breaker
  auto source = MustCreate(o);
  std::vector<std::string> numbers = Numbers(500);
  auto answers = source->Lookup(numbers, In(absl::Seconds(10)));
  EXPECT_EQ(CheckAnswers(numbers, answers), 500);
  EXPECT_GT(source->stats().retries, 0);
  EXPECT_EQ(source->stats().retries, source->stats().failures);
}

TEST(HttpLookupSourceTest, WithoutRetriesErrorsLeaveNumbersUnanswered) {
  SimServer server(Sim(/*error_rate=*/0.3));
  LookupOptions o = Client(server.url());
  o.max_batch = 10;
  o.retries = 0;
  o.breaker_failures = 1000;
  auto source = MustCreate(o);
  std::vector<std::string> numbers = Numbers(500);
  auto answers = source->Lookup(numbers, In(absl::Seconds(10)));
  int present = CheckAnswers(numbers, answers);  // never a wrong answer
  EXPECT_GT(present, 200);
  EXPECT_LT(present, 480);
  EXPECT_EQ(present, source->stats().answers);
  EXPECT_EQ(source->stats().calls, 50);
  EXPECT_EQ(source->stats().retries, 0);
}

TEST(HttpLookupSourceTest, TooManyRequestsHonoursRetryAfter) {
  absl::Mutex mu;
  std::vector<Steady::time_point> seen;
  SimServer server(
      Sim(), [&](const HttpRequest& req) -> std::optional<HttpResponse> {
        absl::MutexLock lock(&mu);
        seen.push_back(Steady::now());
        if (seen.size() > 1) return std::nullopt;
        HttpResponse res{beast_http::status::too_many_requests, 11};
        res.set(beast_http::field::retry_after, "1");
        return res;
      });
  auto source = MustCreate(Client(server.url()));
  std::vector<std::string> numbers = Numbers(5);
  auto answers = source->Lookup(numbers, In(absl::Seconds(3)));
  EXPECT_EQ(CheckAnswers(numbers, answers), 5);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_GE(seen[1] - seen[0], std::chrono::milliseconds(950));
  EXPECT_EQ(source->stats().breaker, BreakerState::kClosed);
}

TEST(HttpLookupSourceTest, RetryAfterBeyondDeadlineGivesUpAtOnce) {
  SimServer server(Sim(), [](const HttpRequest&) {
    HttpResponse res{beast_http::status::too_many_requests, 11};
    res.set(beast_http::field::retry_after, "10");
    return std::optional<HttpResponse>(res);
  });
  auto source = MustCreate(Client(server.url()));
  auto start = Steady::now();
  auto answers = source->Lookup(Numbers(3), In(absl::Seconds(2)));
  EXPECT_LT(MsSince(start), 500);
  EXPECT_EQ(CheckAnswers(Numbers(3), answers), 0);
  EXPECT_EQ(source->stats().calls, 1);
}

TEST(HttpLookupSourceTest, RetryAfterIsCapped) {
  std::atomic<int> calls{0};
  SimServer server(
      Sim(), [&](const HttpRequest&) -> std::optional<HttpResponse> {
        if (++calls > 1) return std::nullopt;
        HttpResponse res{beast_http::status::too_many_requests, 11};
        res.set(beast_http::field::retry_after, "3600");
        return res;
      });
  LookupOptions o = Client(server.url());
  o.max_retry_after = absl::Milliseconds(100);
  auto source = MustCreate(o);
  auto start = Steady::now();
  auto answers = source->Lookup(Numbers(3), In(absl::Seconds(2)));
  EXPECT_LT(MsSince(start), 1000);
  EXPECT_EQ(CheckAnswers(Numbers(3), answers), 3);
}

TEST(HttpLookupSourceTest, ClientErrorsAndMalformedAnswersAreNotRetried) {
  {
    SimServer server(Sim());
    LookupOptions o = Client(server.url());
    o.key = "wrong";  // 401
    auto source = MustCreate(o);
    auto answers = source->Lookup(Numbers(3), In(absl::Seconds(2)));
    EXPECT_EQ(CheckAnswers(Numbers(3), answers), 0);
    EXPECT_EQ(source->stats().calls, 1);
    EXPECT_EQ(source->stats().failures, 1);
  }
  {
    SimulatorOptions sim = Sim();
    sim.malformed_rate = 1.0;
    SimServer server(sim);
    auto source = MustCreate(Client(server.url()));
    for (int i = 0; i < 4; ++i) {  // every malformed variant
      auto answers = source->Lookup(Numbers(3), In(absl::Seconds(2)));
      EXPECT_EQ(CheckAnswers(Numbers(3), answers), 0);
    }
    EXPECT_EQ(source->stats().calls, 4);
    EXPECT_EQ(source->stats().retries, 0);
  }
}

TEST(HttpLookupSourceTest, BreakerOpensOnDeadSourceThenAnswersInstantly) {
  LookupOptions o = Client("http://127.0.0.1:" + std::to_string(DeadPort()));
  o.retries = 2;
  o.breaker_failures = 5;
  o.breaker_cooldown = absl::Seconds(60);
  auto source = MustCreate(o);
  std::vector<std::string> numbers = Numbers(3);
  auto start = Steady::now();
  for (int i = 0; i < 2; ++i) {  // 3 + 2 failed requests
    auto answers = source->Lookup(numbers, In(absl::Seconds(2)));
    EXPECT_EQ(CheckAnswers(numbers, answers), 0);
  }
  EXPECT_LT(MsSince(start), 1000);
  LookupStats stats = source->stats();
  EXPECT_EQ(stats.breaker, BreakerState::kOpen);
  EXPECT_EQ(stats.breaker_opens, 1);
  EXPECT_EQ(stats.calls, 5);

  start = Steady::now();
  auto answers = source->Lookup(numbers, In(absl::Seconds(2)));
  EXPECT_LT(MsSince(start), 5);
  EXPECT_EQ(CheckAnswers(numbers, answers), 0);
  EXPECT_EQ(source->stats().calls, 5);  // nothing sent
  EXPECT_EQ(source->stats().short_circuited, 3);
}

TEST(HttpLookupSourceTest, HalfOpenProbeClosesBreakerWhenSourceRecovers) {
  std::atomic<bool> down{true};
  SimServer server(
      Sim(), [&](const HttpRequest&) -> std::optional<HttpResponse> {
        if (!down) return std::nullopt;
        return HttpResponse{beast_http::status::service_unavailable, 11};
      });
  FakeClock clock(absl::Now());
  LookupOptions o = Client(server.url());
  o.retries = 0;
  o.breaker_failures = 2;
  o.breaker_cooldown = absl::Seconds(30);
  HttpLookupHooks hooks;
  hooks.clock = &clock;
  auto source = MustCreate(o, hooks);
  std::vector<std::string> numbers = Numbers(3);
  for (int i = 0; i < 2; ++i) {
    source->Lookup(numbers, clock.Now() + absl::Seconds(2));
  }
  EXPECT_EQ(source->stats().breaker, BreakerState::kOpen);
  clock.Advance(absl::Seconds(30));
  source->Lookup(numbers, clock.Now() + absl::Seconds(2));  // failed probe
  EXPECT_EQ(source->stats().breaker, BreakerState::kOpen);
  EXPECT_EQ(source->stats().calls, 3);

  down = false;
  EXPECT_EQ(CheckAnswers(numbers, source->Lookup(
                                      numbers, clock.Now() + absl::Seconds(2))),
            0);  // still cooling down
  clock.Advance(absl::Seconds(30));
  auto answers = source->Lookup(numbers, clock.Now() + absl::Seconds(2));
  EXPECT_EQ(CheckAnswers(numbers, answers), 3);
  EXPECT_EQ(source->stats().breaker, BreakerState::kClosed);
  EXPECT_EQ(source->stats().breaker_opens, 2);
}

TEST(HttpLookupSourceTest, DeadlineRespectedOnSlowSource) {
  SimServer server(Sim(0, absl::Milliseconds(500)));
  auto source = MustCreate(Client(server.url()));
  std::vector<std::string> numbers = Numbers(300);
  auto start = Steady::now();
  auto answers = source->Lookup(numbers, In(absl::Milliseconds(100)));
  double ms = MsSince(start);
  EXPECT_GE(ms, 90);
  EXPECT_LT(ms, 200);
  EXPECT_EQ(CheckAnswers(numbers, answers), 0);
  // The caller's deadline cut the requests short; the source is not blamed.
  EXPECT_EQ(source->stats().failures, 0);
  EXPECT_EQ(source->stats().breaker, BreakerState::kClosed);
}

TEST(HttpLookupSourceTest, DeadlineAlreadyPassedSendsNothing) {
  SimServer server(Sim());
  auto source = MustCreate(Client(server.url()));
  auto answers = source->Lookup(Numbers(3), absl::Now() - absl::Seconds(1));
  EXPECT_EQ(CheckAnswers(Numbers(3), answers), 0);
  EXPECT_EQ(source->stats().calls, 0);
}

TEST(HttpLookupSourceTest, SplitsIntoBatchesRunWithBoundedConcurrency) {
  SimServer server(Sim(0, absl::Milliseconds(50)));
  auto source = MustCreateBatched(server, 100, 8);
  std::vector<std::string> numbers = Numbers(1000);
  auto start = Steady::now();
  auto answers = source->Lookup(numbers, In(absl::Seconds(5)));
  double ms = MsSince(start);
  EXPECT_EQ(CheckAnswers(numbers, answers), 1000);
  EXPECT_LT(ms, 500);  // serial would be 10 x 50 ms
  EXPECT_EQ(source->stats().calls, 10);
  EXPECT_EQ(server.sim().counters().answered, 10);
  EXPECT_LE(server.max_in_flight(), 8);
  EXPECT_GE(server.max_in_flight(), 2);
}

TEST(HttpLookupSourceTest, ConcurrentCallersShareTheWorkers) {
  SimServer server(Sim(0, absl::Milliseconds(20)));
  auto source = MustCreateBatched(server, 10, 4);
  std::vector<std::future<int>> callers;
  for (int c = 0; c < 6; ++c) {
    callers.push_back(std::async(std::launch::async, [&, c] {
      std::vector<std::string> numbers;
      for (int i = 0; i < 50; ++i) {
        numbers.push_back(std::to_string(15550000000 + c * 1000 + i));
      }
      return CheckAnswers(numbers,
                          source->Lookup(numbers, In(absl::Seconds(5))));
    }));
  }
  for (auto& f : callers) EXPECT_EQ(f.get(), 50);
  EXPECT_LE(server.max_in_flight(), 4);
}

TEST(HttpLookupSourceTest, RateLimitSpacesRequests) {
  SimServer server(Sim());
  LookupOptions o = Client(server.url());
  o.max_batch = 1;
  o.rps = 10;  // a burst of 10, then one every 100 ms
  auto source = MustCreate(o);
  std::vector<std::string> numbers = Numbers(14);
  auto start = Steady::now();
  auto answers = source->Lookup(numbers, In(absl::Seconds(3)));
  EXPECT_EQ(CheckAnswers(numbers, answers), 14);
  EXPECT_GE(MsSince(start), 350);
}

TEST(HttpLookupSourceTest, RejectsBadOptions) {
  LookupOptions o;
  EXPECT_FALSE(HttpLookupSource::Create(o).ok());  // no url
  o.url = "ftp://x";
  EXPECT_FALSE(HttpLookupSource::Create(o).ok());
  o.url = "http://127.0.0.1:1";
  o.key = "a\r\nX-Injected: 1";
  EXPECT_FALSE(HttpLookupSource::Create(o).ok());
  o.key = "k";
  o.max_batch = 0;
  EXPECT_FALSE(HttpLookupSource::Create(o).ok());
}

TEST(MakeLookupSourceTest, EmptyUrlIsOffline) {
  auto source = MakeLookupSource(LookupOptions{});
  ASSERT_TRUE(source.ok());
  EXPECT_EQ((*source)->kind(), "offline");
  auto answers = (*source)->Lookup(Numbers(2), In(absl::Seconds(1)));
  EXPECT_EQ(answers.size(), 2u);
  EXPECT_FALSE(answers[0]);
  LookupOptions http;
  http.url = "http://127.0.0.1:1";
  auto h = MakeLookupSource(http);
  ASSERT_TRUE(h.ok());
  EXPECT_EQ((*h)->kind(), "http");
}

}  // namespace
}  // namespace phonebulk::lookup
