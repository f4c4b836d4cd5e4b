// Test-only: a blocking raw-TCP HTTP client for the server tests, so that
// the exact bytes on the wire are under the test's control. Every read has
// a deadline: a server bug shows up as a failed expectation, never as a hung
// test.

#ifndef PHONEBULK_HTTP_RAW_CLIENT_TESTING_H_
#define PHONEBULK_HTTP_RAW_CLIENT_TESTING_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace phonebulk::http::test_client {

using Clock = std::chrono::steady_clock;

inline constexpr auto kReadDeadline = std::chrono::seconds(3);

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

inline std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A blocking TCP client with a receive timeout. Not thread-safe.
class RawClient {
 public:
  explicit RawClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{0, 200 * 1000};  // short slices; ReadSome enforces the total
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ =
        ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~RawClient() { ::close(fd_); }

  bool connected() const { return connected_; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Sends `request` and reads one response (see ReadResponse). A send that
  // fails part-way is not an answer in itself: the server may have answered
  // (413, 431) and closed before reading all of it.
  std::optional<Response> Exchange(std::string_view request) {
    Send(request);
    return ReadResponse();
  }

  // Reads one response (pipelined ones stay buffered). nullopt on timeout,
  // close or garbage.
  std::optional<Response> ReadResponse() {
    auto deadline = Clock::now() + kReadDeadline;
    size_t end;
    while ((end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!ReadSome(deadline)) return std::nullopt;
    }
    Response response;
    std::string head = pending_.substr(0, end + 2);
    pending_.erase(0, end + 4);
    size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.rfind("HTTP/1.", 0) != 0 || status_line.size() < 12) {
      return std::nullopt;
    }
    response.status = std::stoi(status_line.substr(9, 3));
    for (size_t pos = line_end + 2; pos < head.size();) {
      size_t next = head.find("\r\n", pos);
      std::string line = head.substr(pos, next - pos);
      size_t colon = line.find(':');
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      response.headers[Lower(line.substr(0, colon))] = value;
      pos = next + 2;
    }
    if (response.status < 200) return response;  // 1xx: no body
    size_t length = std::stoul(response.Header("content-length").empty()
                                   ? "0"
                                   : response.Header("content-length"));
    while (pending_.size() < length) {
      if (!ReadSome(deadline)) return std::nullopt;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    return response;
  }

  // True when the server closes the connection within `within`; `extra`
  // gets whatever it sent before closing.
  bool WaitClosed(std::chrono::milliseconds within, std::string* extra) {
    auto deadline = Clock::now() + within;
    while (Clock::now() < deadline) {
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n == 0) break;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
          continue;
        }
        break;  // ECONNRESET counts as closed
      }
      pending_.append(buffer, static_cast<size_t>(n));
    }
    bool closed = Clock::now() < deadline;
    if (extra) *extra = pending_;
    return closed;
  }

 private:
  bool ReadSome(Clock::time_point deadline) {
    while (Clock::now() < deadline) {
      char buffer[4096];
      ssize_t n = ::recv(fd_, buffer, sizeof(buffer), 0);
      if (n > 0) {
        pending_.append(buffer, static_cast<size_t>(n));
        return true;
      }
      if (n == 0) return false;
      if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
        return false;
      }
    }
    return false;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string pending_;
};

}  // namespace phonebulk::http::test_client

#endif  // PHONEBULK_HTTP_RAW_CLIENT_TESTING_H_
