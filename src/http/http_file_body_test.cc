// Bodies written to a file (FileBodyPolicy): what the handler sees, the
// plan's own cap and detail, and that no file outlives its request unless
// the handler moved it away. Responses sent from a file (kBodyFileHeader):
// larger than the pending-response cap, the connection kept alive after,
// a missing file answered 500. Drives a real HttpServer over raw TCP.

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <boost/beast/http/field.hpp>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <thread>

#include "http/http_server.h"
#include "http/raw_client_testing.h"

namespace phonebulk::http {
namespace {

namespace fs = std::filesystem;
namespace http = boost::beast::http;
using test_client::Lower;
using test_client::RawClient;

constexpr uint64_t kFileCap = 64 * 1024;
constexpr size_t kPendingCap = 1024 * 1024;
constexpr char kTooLarge[] = "uploads are capped by serve --file-max-bytes";

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

HttpResponse ErrorResponse(unsigned status, const std::string& detail,
                           const std::string& /*target*/) {
  HttpResponse response;
  response.result(status);
  response.body() = detail;
  return response;
}

class FileBodyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("phonebulk-file-body-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    HttpLimits limits;
    limits.max_body_bytes = 1024;
    limits.body_timeout = absl::Milliseconds(500);
    // A file response far above this proves it is not held in memory.
    limits.max_pending_response_bytes = kPendingCap;
    // /upload bodies go to a file; /keep's handler moves its file away.
    FileBodyPolicy policy =
        [this](const HttpRequestHeader& h) -> std::optional<FileBodyPlan> {
      std::string_view target = h.target();
      if (!target.starts_with("/upload") && !target.starts_with("/keep")) {
        return std::nullopt;
      }
      return FileBodyPlan{
          (dir_ / ("body-" + std::to_string(++files_))).string(), kFileCap,
          kTooLarge};
    };
    server_ = std::make_unique<HttpServer>(
        limits,
        [this](const HttpRequest& r, const RequestContext& c) {
          return Handle(r, c);
        },
        ErrorResponse, std::move(policy));
    ASSERT_TRUE(server_->Listen("127.0.0.1", 0).ok());
    run_done_ = std::async(std::launch::async, [this] { server_->Run(2); });
  }

  void TearDown() override {
    if (!server_) return;
    server_->Shutdown();
    if (run_done_.wait_for(std::chrono::seconds(5)) !=
        std::future_status::ready) {
      ADD_FAILURE() << "Run() did not return after Shutdown()";
      std::_Exit(1);
    }
    fs::remove_all(dir_);
  }

  // Answers "<memory body size> <file bytes> <file content>".
  HttpResponse Handle(const HttpRequest& request, const RequestContext& c) {
    HttpResponse response{http::status::ok, request.version()};
    std::string_view target = request.target();
    if (target.starts_with("/download/")) {
      response.set(http::field::content_type, "text/csv");
      response.set(http::field::content_disposition, "attachment");
      response.set(kBodyFileHeader,
                   (dir_ / target.substr(strlen("/download/"))).string());
      response.prepare_payload();  // as the API's pipeline does: length 0
      return response;
    }
    std::string content = c.body_file.empty() ? "" : Slurp(c.body_file);
    if (std::string_view(request.target()).starts_with("/keep")) {
      fs::rename(c.body_file, dir_ / "kept");
    }
    response.body() = std::to_string(request.body().size()) + " " +
                      std::to_string(c.body_file_bytes) + " " + content;
    return response;
  }

  // Files the server left in the directory (besides "kept").
  int LeftOver() const {
    int n = 0;
    for (const auto& entry : fs::directory_iterator(dir_)) {
      if (entry.path().filename() != "kept") ++n;
    }
    return n;
  }

  fs::path dir_;
  std::atomic<int> files_{0};
  std::unique_ptr<HttpServer> server_;
  std::future<void> run_done_;
};

TEST_F(FileBodyTest, LargeBodyGoesToFileAndFileIsRemovedAfter) {
  std::string body(10000, 'x');
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\n\r\n" +
      body);
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "0 10000 " + body);
  EXPECT_EQ(LeftOver(), 0);
  // The connection stays usable, and other routes keep the memory path.
  auto small = client.Exchange(
      "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(small);
  EXPECT_EQ(small->body, "3 0 ");
}

TEST_F(FileBodyTest, ChunkedBodyGoesToFile) {
  std::string chunk(3000, 'y');
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "bb8\r\n" +
      chunk + "\r\nbb8\r\n" + chunk + "\r\n0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "0 6000 " + chunk + chunk);
  EXPECT_EQ(LeftOver(), 0);
}

TEST_F(FileBodyTest, HandlerMayKeepTheFile) {
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /keep HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(Slurp((dir_ / "kept").string()), "hello");
  EXPECT_EQ(LeftOver(), 0);
}

TEST_F(FileBodyTest, DeclaredLengthOverTheFileCapIs413WithItsDetail) {
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: " +
      std::to_string(kFileCap + 1) + "\r\nExpect: 100-continue\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);  // not 100: the body is never sent
  EXPECT_EQ(response->body, kTooLarge);
  EXPECT_EQ(Lower(response->Header("connection")), "close");
  EXPECT_EQ(LeftOver(), 0);
}

TEST_F(FileBodyTest, ChunkedBodyOverTheFileCapIs413AndLeavesNoFile) {
  std::string chunk(40000, 'z');
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /upload HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n"
      "9c40\r\n" +
      chunk + "\r\n9c40\r\n" + chunk + "\r\n0\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body, kTooLarge);
  EXPECT_TRUE(client.WaitClosed(std::chrono::milliseconds(2000), nullptr));
  EXPECT_EQ(LeftOver(), 0);
}

TEST_F(FileBodyTest, BodyUnderTheFileCapButOverMemoryCapElsewhereIs413) {
  RawClient client(server_->port());
  auto response = client.Exchange(
      "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 5000\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 413);
  EXPECT_NE(response->body, kTooLarge);
}

TEST_F(FileBodyTest, ClientGoneMidUploadLeavesNoFile) {
  {
    RawClient client(server_->port());
    ASSERT_TRUE(client.Send(
        "POST /upload HTTP/1.1\r\nHost: t\r\nContent-Length: 10000\r\n\r\n" +
        std::string(100, 'a')));
    // Wait until the server created the file, so the test covers removal.
    for (int i = 0; i < 200 && files_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(files_, 1);
  }  // closes the socket mid-body
  bool gone = false;
  for (int i = 0; i < 300 && !gone; ++i) {
    gone = LeftOver() == 0;
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_TRUE(gone);
}

TEST_F(FileBodyTest, LargeFileResponseIsStreamedAndConnectionKeptAlive) {
  // 24 MiB of varied bytes: 24 times the pending-response cap, so a
  // response built in memory would have been refused with 503.
  std::string content;
  content.reserve(24 * 1024 * 1024);
  for (int i = 0; content.size() < 24 * 1024 * 1024; ++i) {
    content += std::to_string(i) + ",row\n";
  }
  {
    std::ofstream out(dir_ / "big.csv", std::ios::binary);
    out << content;
  }
  RawClient client(server_->port());
  auto response =
      client.Exchange("GET /download/big.csv HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-length"), std::to_string(content.size()));
  EXPECT_EQ(response->Header("content-type"), "text/csv");
  EXPECT_EQ(response->Header("content-disposition"), "attachment");
  EXPECT_EQ(response->Header(Lower(kBodyFileHeader)), "");  // never leaks
  EXPECT_TRUE(response->body == content);  // no 24 MiB diff on failure
  // The same connection serves the next request.
  auto next = client.Exchange(
      "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 3\r\n\r\nabc");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "3 0 ");
  EXPECT_EQ(server_->pending_response_bytes(), 0);
}

TEST_F(FileBodyTest, EmptyFileResponseHasLengthZero) {
  { std::ofstream out(dir_ / "empty.csv", std::ios::binary); }
  RawClient client(server_->port());
  auto response =
      client.Exchange("GET /download/empty.csv HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->Header("content-length"), "0");
  auto next = client.Exchange(
      "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nz");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "1 0 ");
}

TEST_F(FileBodyTest, MissingFileResponseIs500AndConnectionKeptAlive) {
  RawClient client(server_->port());
  auto response =
      client.Exchange("GET /download/nowhere.csv HTTP/1.1\r\nHost: t\r\n\r\n");
  ASSERT_TRUE(response);
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->Header(Lower(kBodyFileHeader)), "");
  EXPECT_NE(response->body.find("cannot read the file"), std::string::npos);
  auto next = client.Exchange(
      "POST /other HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\n\r\nz");
  ASSERT_TRUE(next);
  EXPECT_EQ(next->body, "1 0 ");
}

}  // namespace
}  // namespace phonebulk::http
