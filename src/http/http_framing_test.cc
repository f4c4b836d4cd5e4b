#include "http/http_framing.h"

#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>
#include <string>
#include <utility>
#include <vector>

namespace phonebulk::http::internal {
namespace {

namespace http = boost::beast::http;

RequestHeader Header(
    const std::vector<std::pair<std::string, std::string>>& fields,
    unsigned version = 11) {
  RequestHeader header;
  header.method(http::verb::post);
  header.target("/x");
  header.version(version);
  for (const auto& [name, value] : fields) header.insert(name, value);
  return header;
}

TEST(CheckFramingTest, Table) {
  struct Case {
    const char* name;
    std::vector<std::pair<std::string, std::string>> fields;
    unsigned want_status;  // 0: accepted
  };
  const std::vector<Case> cases = {
      {"no body", {}, 0},
      {"content-length", {{"Content-Length", "5"}}, 0},
      {"same content-length twice",
       {{"Content-Length", "5"}, {"Content-Length", "5"}},
       0},
      {"content-length list of equal values", {{"Content-Length", "5, 5"}}, 0},
      {"different content-lengths",
       {{"Content-Length", "5"}, {"Content-Length", "6"}},
       400},
      {"content-length list of different values",
       {{"Content-Length", "5, 6"}},
       400},
      {"chunked", {{"Transfer-Encoding", "chunked"}}, 0},
      {"chunked any case", {{"Transfer-Encoding", " Chunked "}}, 0},
      {"content-length and chunked",
       {{"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}},
       400},
      {"gzip and content-length",
       {{"Transfer-Encoding", "gzip"}, {"Content-Length", "5"}},
       400},
      {"gzip only", {{"Transfer-Encoding", "gzip"}}, 400},
      {"chunked then gzip", {{"Transfer-Encoding", "chunked, gzip"}}, 400},
      {"chunked twice", {{"Transfer-Encoding", "chunked, chunked"}}, 400},
      {"chunked on two lines",
       {{"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}},
       400},
      {"empty transfer-encoding", {{"Transfer-Encoding", " "}}, 400},
      {"gzip then chunked", {{"Transfer-Encoding", "gzip, chunked"}}, 501},
      {"gzip then chunked on two lines",
       {{"Transfer-Encoding", "gzip"}, {"Transfer-Encoding", "chunked"}},
       501},
  };
  for (const Case& c : cases) {
    auto rejection = CheckFraming(Header(c.fields));
    EXPECT_EQ(rejection ? rejection->status : 0u, c.want_status) << c.name;
    if (rejection) {
      EXPECT_FALSE(rejection->detail.empty()) << c.name;
    }
  }
}

TEST(ExpectsContinueTest, Table) {
  EXPECT_TRUE(ExpectsContinue(Header({{"Expect", "100-continue"}})));
  EXPECT_TRUE(ExpectsContinue(Header({{"Expect", "100-Continue"}})));
  EXPECT_FALSE(ExpectsContinue(Header({})));
  EXPECT_FALSE(ExpectsContinue(Header({{"Expect", "something-else"}})));
  // HTTP/1.0 clients do not know 1xx responses.
  EXPECT_FALSE(ExpectsContinue(Header({{"Expect", "100-continue"}}, 10)));
}

TEST(ClassifyReadErrorTest, Table) {
  namespace net = boost::asio;
  struct Case {
    const char* name;
    boost::beast::error_code ec;
    bool timed_out;
    bool header_done;
    bool want_respond;
    unsigned want_status;
  };
  const std::vector<Case> cases = {
      {"timeout wins", net::error::operation_aborted, true, false, true, 408},
      {"timeout with eof", http::error::partial_message, true, true, true, 408},
      {"peer closed", http::error::end_of_stream, false, false, false, 0},
      {"peer closed mid-request", http::error::partial_message, false, true,
       false, 0},
      {"reset", net::error::connection_reset, false, false, false, 0},
      {"cancelled by shutdown", net::error::operation_aborted, false, false,
       false, 0},
      {"header limit", http::error::header_limit, false, false, true, 431},
      {"buffer full in header", http::error::buffer_overflow, false, false,
       true, 431},
      {"buffer full in chunk line", http::error::buffer_overflow, false, true,
       true, 400},
      {"body limit", http::error::body_limit, false, true, true, 413},
      {"bad chunk", http::error::bad_chunk, false, true, true, 400},
      {"bad method", http::error::bad_method, false, false, true, 400},
      {"bad version", http::error::bad_version, false, false, true, 400},
      {"bad content-length", http::error::bad_content_length, false, false,
       true, 400},
      {"bad transfer-encoding", http::error::bad_transfer_encoding, false,
       false, true, 400},
  };
  for (const Case& c : cases) {
    ReadFailure failure = ClassifyReadError(c.ec, c.timed_out, c.header_done);
    EXPECT_EQ(failure.respond, c.want_respond) << c.name;
    if (c.want_respond) {
      EXPECT_EQ(failure.rejection.status, c.want_status) << c.name;
    }
  }
}

}  // namespace
}  // namespace phonebulk::http::internal
