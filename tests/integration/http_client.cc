// The harness's HTTP/1.1 client: plain POSIX sockets, every read and write
// bounded by a deadline, responses framed by Content-Length, chunked
// encoding or close, leftovers kept for pipelined responses.

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

#include "harness.h"
#include "harness_internal.h"

namespace phonebulk::it {
namespace {

using internal::Lower;
using internal::RemainingMs;
using internal::Trim;
using internal::Truncate;
using std::chrono::milliseconds;

// Reads what is available on `fd` into `buf` until `done(buf)` says the
// message is complete, the peer closes, or the deadline passes. Returns ""
// on success or a description of what went wrong.
std::string ReadUntil(int fd, std::string& buf, Clock::time_point deadline,
                      const std::function<bool(const std::string&)>& done,
                      bool* closed) {
  *closed = false;
  char tmp[16384];
  while (!done(buf)) {
    pollfd p{fd, POLLIN, 0};
    int left = RemainingMs(deadline);
    if (left == 0) return "timed out waiting for the response";
    int rc = ::poll(&p, 1, left);
    if (rc < 0) {
      if (errno == EINTR) continue;
      return std::string("poll: ") + std::strerror(errno);
    }
    if (rc == 0) return "timed out waiting for the response";
    ssize_t n = ::recv(fd, tmp, sizeof tmp, 0);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      *closed = true;
      return std::string("recv: ") + std::strerror(errno);
    }
    if (n == 0) {
      *closed = true;
      return "";
    }
    buf.append(tmp, static_cast<size_t>(n));
  }
  return "";
}

// Decodes a complete chunked body starting at `pos`; false if incomplete.
bool DecodeChunked(const std::string& buf, size_t pos, std::string* body,
                   size_t* end_out = nullptr) {
  std::string out;
  while (true) {
    size_t eol = buf.find("\r\n", pos);
    if (eol == std::string::npos) return false;
    std::string size_text = buf.substr(pos, eol - pos);
    size_t semi = size_text.find(';');
    if (semi != std::string::npos) size_text.resize(semi);
    size_t size = std::strtoul(Trim(size_text).c_str(), nullptr, 16);
    pos = eol + 2;
    if (size == 0) {
      // Trailers end with an empty line.
      size_t end = buf.find("\r\n", pos);
      if (end == std::string::npos) return false;
      *body = std::move(out);
      if (end_out) *end_out = end + 2;
      return true;
    }
    if (buf.size() < pos + size + 2) return false;
    out.append(buf, pos, size);
    pos += size + 2;
  }
}

// Parses status line and headers; returns the offset of the body or npos.
size_t ParseHead(const std::string& buf, HttpResponse* r) {
  size_t end = buf.find("\r\n\r\n");
  if (end == std::string::npos) return std::string::npos;
  std::istringstream head(buf.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  // "HTTP/1.1 200 OK"
  size_t sp1 = line.find(' ');
  if (sp1 != std::string::npos) {
    r->status = std::atoi(line.c_str() + sp1 + 1);
    size_t sp2 = line.find(' ', sp1 + 1);
    if (sp2 != std::string::npos) r->reason = line.substr(sp2 + 1);
  }
  r->headers.clear();
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    r->headers.emplace_back(Trim(line.substr(0, colon)), Trim(line.substr(colon + 1)));
  }
  return end + 4;
}

// Reads one response from `fd` into `r`. `buf` holds bytes already read
// from the connection; on return it holds the bytes after this response
// (the start of a pipelined next response).
void ReadResponseInto(int fd, Clock::time_point deadline, HttpResponse* r, std::string& buf) {
  bool closed = false;
  size_t body_at = std::string::npos;
  std::string err = ReadUntil(fd, buf, deadline,
                              [&](const std::string& b) {
                                return b.find("\r\n\r\n") != std::string::npos;
                              },
                              &closed);
  body_at = ParseHead(buf, r);
  if (body_at == std::string::npos) {
    r->status = 0;
    r->transport_error = err.empty() ? "connection closed before a response" : err;
    if (!buf.empty()) r->transport_error += "; partial: " + Truncate(buf, 300);
    buf.clear();
    return;
  }
  auto te = r->Header("Transfer-Encoding");
  auto cl = r->Header("Content-Length");
  if (te && Lower(*te).find("chunked") != std::string::npos) {
    std::string body;
    err = ReadUntil(fd, buf, deadline,
                    [&](const std::string& b) { return DecodeChunked(b, body_at, &body); },
                    &closed);
    size_t end = 0;
    if (!DecodeChunked(buf, body_at, &body, &end)) {
      r->transport_error = "incomplete chunked body: " + err;
      buf.clear();
    } else {
      buf.erase(0, end);
    }
    r->body = body;
  } else if (cl) {
    size_t want = std::strtoul(cl->c_str(), nullptr, 10);
    err = ReadUntil(fd, buf, deadline,
                    [&](const std::string& b) { return b.size() >= body_at + want; },
                    &closed);
    if (buf.size() < body_at + want) r->transport_error = "short body: " + err;
    r->body = buf.substr(body_at, want);
    buf.erase(0, std::min(buf.size(), body_at + want));
  } else if (r->status == 204 || r->status == 304 || r->status / 100 == 1) {
    r->body.clear();
    buf.erase(0, body_at);
  } else {
    err = ReadUntil(fd, buf, deadline, [](const std::string&) { return false; }, &closed);
    if (!closed) r->transport_error = "body not terminated: " + err;
    r->body = buf.substr(body_at);
    buf.clear();
  }
}

int ConnectLocal(int port, Clock::time_point deadline, std::string* error) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
  int rc = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  if (rc < 0 && errno == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    rc = ::poll(&p, 1, RemainingMs(deadline));
    int so_error = 0;
    socklen_t len = sizeof so_error;
    ::getsockopt(fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
    if (rc <= 0 || so_error != 0) {
      *error = rc <= 0 ? "connect timed out"
                       : std::string("connect: ") + std::strerror(so_error);
      ::close(fd);
      return -1;
    }
  } else if (rc < 0) {
    *error = std::string("connect: ") + std::strerror(errno);
    ::close(fd);
    return -1;
  }
  ::fcntl(fd, F_SETFL, flags);
  return fd;
}

bool SendAll(int fd, std::string_view bytes, Clock::time_point deadline) {
  size_t off = 0;
  while (off < bytes.size()) {
    pollfd p{fd, POLLOUT, 0};
    int rc = ::poll(&p, 1, RemainingMs(deadline));
    if (rc <= 0) return false;
    ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return false;
    }
    off += static_cast<size_t>(n);
  }
  return true;
}

std::string FormatRequest(int port, const HttpRequest& req) {
  std::string out = req.method + " " + req.target + " HTTP/1.1\r\n";
  out += "Host: 127.0.0.1:" + std::to_string(port) + "\r\n";
  for (const auto& [k, v] : req.headers) out += k + ": " + v + "\r\n";
  if (!req.body.empty() || req.method == "POST" || req.method == "PUT") {
    out += "Content-Length: " + std::to_string(req.body.size()) + "\r\n";
  }
  out += "Connection: close\r\n\r\n";
  out += req.body;
  return out;
}
}  // namespace

// ---------------------------------------------------------------- HTTP

std::optional<std::string> HttpResponse::Header(std::string_view name) const {
  std::string want = Lower(name);
  for (const auto& [k, v] : headers) {
    if (Lower(k) == want) return v;
  }
  return std::nullopt;
}

Json HttpResponse::JsonBody() const {
  Json j = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  return j.is_discarded() ? Json() : j;
}

std::string HttpResponse::Evidence() const {
  std::string out = "\n--- request ---\n" + Truncate(request_text, 1500) + "\n--- response ---\n";
  if (status == 0) return out + "(no response: " + transport_error + ")\n";
  out += "HTTP " + std::to_string(status) + " " + reason + "\n";
  for (const auto& [k, v] : headers) out += k + ": " + v + "\n";
  out += "\n" + Truncate(body) + "\n";
  if (!transport_error.empty()) out += "(transport: " + transport_error + ")\n";
  return out;
}

HttpResponse HttpSend(int port, const HttpRequest& request, milliseconds timeout) {
  HttpResponse r;
  r.request_text = FormatRequest(port, request);
  auto deadline = Clock::now() + timeout;
  std::string error;
  int fd = ConnectLocal(port, deadline, &error);
  if (fd < 0) {
    r.transport_error = error;
    return r;
  }
  if (!SendAll(fd, r.request_text, deadline)) {
    // The server may answer early (413, 415) and close; still try to read.
    r.transport_error = "send failed";
  }
  std::string send_error = r.transport_error;
  r.transport_error.clear();
  std::string buf;
  ReadResponseInto(fd, deadline, &r, buf);
  if (r.status == 0 && !send_error.empty()) r.transport_error += " (" + send_error + ")";
  ::close(fd);
  return r;
}

RawConnection::RawConnection(int port) {
  std::string error;
  fd_ = ConnectLocal(port, Clock::now() + std::chrono::seconds(5), &error);
}

RawConnection::~RawConnection() {
  if (fd_ >= 0) ::close(fd_);
}

bool RawConnection::Send(std::string_view bytes) {
  sent_.append(bytes);
  return fd_ >= 0 && SendAll(fd_, bytes, Clock::now() + std::chrono::seconds(5));
}

HttpResponse RawConnection::ReadResponse(milliseconds timeout) {
  HttpResponse r;
  r.request_text = "(raw connection; bytes sent so far:)\n" + sent_;
  if (fd_ < 0) {
    r.transport_error = "not connected";
    return r;
  }
  ReadResponseInto(fd_, Clock::now() + timeout, &r, pending_);
  return r;
}

bool RawConnection::WaitClosed(milliseconds timeout) {
  if (fd_ < 0) return true;
  if (!pending_.empty()) return false;
  std::string buf;
  bool closed = false;
  ReadUntil(fd_, buf, Clock::now() + timeout, [](const std::string&) { return false; },
            &closed);
  return closed && buf.empty();
}
}  // namespace phonebulk::it
