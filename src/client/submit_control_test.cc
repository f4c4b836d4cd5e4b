// RunSubmit's hooks for a caller that runs it in-process (serve's file
// jobs): on_progress reports the numbers to send, and `cancel` ends a run
// whose batches never finish, promptly, with Cancelled and the state file
// kept for a resume. Against a fake Bulk Phone API on a real HttpServer
// whose batches stay "processing" forever.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <string>
#include <thread>

#include "client/state.h"
#include "client/submit_job.h"
#include "http/http_server.h"

namespace phonebulk::client {
namespace {

namespace fs = std::filesystem;
namespace bhttp = boost::beast::http;
using http::HttpRequest;
using http::HttpResponse;

// Waits for `condition` with a deadline; false if it never held.
template <typename F>
bool WaitFor(F condition, std::chrono::seconds within) {
  auto deadline = std::chrono::steady_clock::now() + within;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return condition();
}

class SubmitControlTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("phonebulk-submit-control-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    std::ofstream(dir_ / "in.csv")
        << "id,phone\n1,+44 20 7946 0018\n2,\n3,+1 415 555 0100\n";
    server_ = std::make_unique<http::HttpServer>(
        http::HttpLimits{},
        [this](const HttpRequest& r, const http::RequestContext&) {
          return Answer(r);
        },
        [](unsigned status, const std::string& detail, const std::string&) {
          HttpResponse res;
          res.result(status);
          res.body() = detail;
          return res;
        });
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    run_ = std::async(std::launch::async, [this] { server_->Run(2); });
  }

  void TearDown() override {
    server_->Shutdown();
    run_.wait();
    fs::remove_all(dir_);
  }

  // Creates, starts and lists like the API; a batch never gets further
  // than "processing".
  HttpResponse Answer(const HttpRequest& r) {
    HttpResponse res{bhttp::status::ok, r.version()};
    res.set(bhttp::field::content_type, "application/json");
    std::string_view target = r.target();
    if (r.method() == bhttp::verb::post && target == kBatchesPath) {
      ++creates_;
      res.body() = R"({"result":{"batch_id":"b1","status":"submitted"}})";
    } else if (r.method() == bhttp::verb::get && target == kBatchesPath) {
      res.body() = R"({"result":{"batches":[]}})";
    } else if (r.method() == bhttp::verb::get) {
      ++polls_;
      res.body() = R"({"result":{"status":"processing"}})";
    } else {
      res.body() = R"({"result":{}})";
    }
    res.prepare_payload();
    return res;
  }

  SubmitOptions Options() {
    SubmitOptions o;
    o.input = (dir_ / "in.csv").string();
    o.output = (dir_ / "out.csv").string();
    o.state_path = (dir_ / "out.csv.state").string();
    o.server = "http://127.0.0.1:" + std::to_string(server_->port());
    o.token = "t";
    o.concurrency = 1;
    o.progress_out = nullptr;
    o.poll_initial = std::chrono::milliseconds(10);
    o.poll_cap = std::chrono::milliseconds(50);
    return o;
  }

  fs::path dir_;
  std::unique_ptr<http::HttpServer> server_;
  std::future<void> run_;
  std::atomic<int> creates_{0};
  std::atomic<int> polls_{0};
};

TEST_F(SubmitControlTest, ProgressReportsTotalAndCancelEndsTheRunWithState) {
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> total{-1};
  std::atomic<int64_t> done{-1};
  SubmitOptions o = Options();
  o.cancel = &cancel;
  o.on_progress = [&](int64_t d, int64_t t) {
    done = d;
    total = t;
  };
  auto result = std::async(std::launch::async, [&o] { return RunSubmit(o); });
  ASSERT_TRUE(WaitFor([&] { return polls_ >= 3 && total >= 0; },
                      std::chrono::seconds(20)));
  EXPECT_EQ(total, 2);  // the empty row is not sent
  EXPECT_EQ(done, 0);
  cancel = true;
  ASSERT_EQ(result.wait_for(std::chrono::seconds(20)),
            std::future_status::ready)
      << "the run did not end after cancel";
  absl::StatusOr<SubmitSummary> summary = result.get();
  EXPECT_TRUE(absl::IsCancelled(summary.status())) << summary.status();
  EXPECT_FALSE(fs::exists(dir_ / "out.csv"));
  absl::StatusOr<RunState> state = LoadState(o.state_path);
  ASSERT_TRUE(state.ok()) << state.status();
  ASSERT_EQ(state->batches.size(), 1u);
  EXPECT_EQ(state->batches[0].batch_id, "b1");
  EXPECT_EQ(creates_, 1);
}

TEST_F(SubmitControlTest, AlreadyCancelledRunDoesNothing) {
  std::atomic<bool> cancel{true};
  SubmitOptions o = Options();
  o.cancel = &cancel;
  EXPECT_TRUE(absl::IsCancelled(RunSubmit(o).status()));
  EXPECT_EQ(creates_, 0);
  EXPECT_FALSE(fs::exists(o.state_path));
}

}  // namespace
}  // namespace phonebulk::client
