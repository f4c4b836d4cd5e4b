#include "harness.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

#ifndef PHONEBULK_BINARY
#define PHONEBULK_BINARY "phonebulk"
#endif

namespace phonebulk::it {
namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

std::string Truncate(const std::string& s, size_t n = 2000) {
  if (s.size() <= n) return s;
  return s.substr(0, n) + "...[" + std::to_string(s.size() - n) + " more bytes]";
}

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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

// fork/exec `argv` with stdin from /dev/null and stdout/stderr to the given
// fds (or files). The child dies with the test process.
pid_t Spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
  std::vector<char*> cargv;
  for (const auto& a : argv) cargv.push_back(const_cast<char*>(a.c_str()));
  cargv.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid != 0) return pid;
  // Child: only async-signal-safe calls from here on.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);
  int devnull = ::open("/dev/null", O_RDONLY);
  if (devnull >= 0) ::dup2(devnull, 0);
  ::dup2(out_fd, 1);
  ::dup2(err_fd, 2);
  ::execv(cargv[0], cargv.data());
  ::_exit(127);
}

std::string JoinArgs(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    bool quote = a.empty() || a.find_first_of(" \t'\"") != std::string::npos;
    out += quote ? "'" + a + "'" : a;
  }
  return out;
}

}  // namespace

std::string BinaryPath() {
  if (const char* env = std::getenv("PHONEBULK_BINARY"); env && *env) return env;
  return PHONEBULK_BINARY;
}

// ---------------------------------------------------------------- TempDir

TempDir::TempDir() {
  const char* base = std::getenv("TMPDIR");
  std::string tmpl = std::string(base && *base ? base : "/tmp") + "/phonebulk-it-XXXXXX";
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed: " << std::strerror(errno);
  }
  path_ = buf.data();
}

TempDir::~TempDir() {
  if (std::getenv("PHONEBULK_IT_KEEP")) {
    std::fprintf(stderr, "[harness] keeping %s\n", path_.c_str());
    return;
  }
  std::error_code ec;
  fs::remove_all(path_, ec);
}

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

// ---------------------------------------------------------------- CLI

std::string CommandResult::LastLine() const {
  std::istringstream in(out);
  std::string line, last;
  while (std::getline(in, line)) {
    std::string t = Trim(line);
    if (!t.empty()) last = t;
  }
  return last;
}

std::string CommandResult::Evidence() const {
  return "\n--- command ---\n" + command_line + "\n--- exit " + std::to_string(exit_code) +
         (timed_out ? " (timed out)" : "") + " ---\nstdout:\n" + Truncate(out) +
         "\nstderr:\n" + Truncate(err) + "\n";
}

CommandResult RunCli(const std::vector<std::string>& args, milliseconds timeout) {
  CommandResult result;
  std::vector<std::string> argv{BinaryPath()};
  argv.insert(argv.end(), args.begin(), args.end());
  result.command_line = JoinArgs(argv);
  int out_pipe[2], err_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    result.err = "pipe failed";
    return result;
  }
  pid_t pid = Spawn(argv, out_pipe[1], err_pipe[1]);
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  auto deadline = Clock::now() + timeout;
  pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {err_pipe[0], POLLIN, 0}};
  int open_fds = 2;
  char buf[8192];
  while (open_fds > 0) {
    int left = RemainingMs(deadline);
    if (left == 0) {
      result.timed_out = true;
      break;
    }
    int rc = ::poll(fds, 2, left);
    if (rc < 0 && errno == EINTR) continue;
    if (rc <= 0) continue;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || !(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        ::close(fds[i].fd);
        fds[i].fd = -1;
        --open_fds;
      } else {
        (i == 0 ? result.out : result.err).append(buf, static_cast<size_t>(n));
      }
    }
  }
  for (auto& f : fds) {
    if (f.fd >= 0) ::close(f.fd);
  }
  if (pid > 0) {
    int status = 0;
    // Give it until the deadline (plus a little) to exit, then kill it.
    while (true) {
      pid_t w = ::waitpid(pid, &status, WNOHANG);
      if (w == pid) break;
      if (w < 0 && errno != EINTR) break;
      if (result.timed_out || RemainingMs(deadline) == 0) {
        result.timed_out = true;
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(milliseconds(5));
    }
    if (!result.timed_out && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

// ---------------------------------------------------------------- Server

ServerProcess::ServerProcess(std::string db_url, std::string log_dir,
                             std::vector<std::string> extra_args)
    : db_url_(std::move(db_url)), log_dir_(std::move(log_dir)),
      extra_args_(std::move(extra_args)) {}

ServerProcess::~ServerProcess() { Kill(); }

std::string ServerProcess::StdoutText() const { return ReadFile(stdout_path_); }
std::string ServerProcess::StderrText() const { return ReadFile(stderr_path_); }

bool ServerProcess::Start(std::string* error, milliseconds timeout) {
  Kill();
  ++start_count_;
  stdout_path_ = log_dir_ + "/serve-" + std::to_string(start_count_) + ".out";
  stderr_path_ = log_dir_ + "/serve-" + std::to_string(start_count_) + ".err";
  int out_fd = ::open(stdout_path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  int err_fd = ::open(stderr_path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  std::vector<std::string> argv{BinaryPath(), "serve", "--listen", "127.0.0.1:0",
                                "--db", db_url_};
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  pid_ = Spawn(argv, out_fd, err_fd);
  ::close(out_fd);
  ::close(err_fd);
  if (pid_ < 0) {
    *error = "fork failed";
    return false;
  }
  static const std::regex kListening(
      R"(phonebulk listening on http://127\.0\.0\.1:([0-9]+)\r?\n)");
  auto deadline = Clock::now() + timeout;
  while (true) {
    std::string out = StdoutText();
    std::smatch m;
    if (std::regex_search(out, m, kListening)) {
      port_ = std::stoi(m[1].str());
      return true;
    }
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      *error = "server exited during startup (status " + std::to_string(status) + ")\n" +
               JoinArgs(argv) + "\nstdout:\n" + Truncate(StdoutText()) +
               "\nstderr:\n" + Truncate(StderrText());
      return false;
    }
    if (Clock::now() >= deadline) {
      *error = "no listening line within " + std::to_string(timeout.count()) + " ms\n" +
               JoinArgs(argv) + "\nstdout:\n" + Truncate(out) + "\nstderr:\n" +
               Truncate(StderrText());
      Kill();
      return false;
    }
    std::this_thread::sleep_for(milliseconds(20));
  }
}

void ServerProcess::SendSigterm() {
  if (pid_ > 0) ::kill(pid_, SIGTERM);
}

std::optional<int> ServerProcess::WaitExit(milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  auto deadline = Clock::now() + timeout;
  while (true) {
    int status = 0;
    pid_t w = ::waitpid(pid_, &status, WNOHANG);
    if (w == pid_) {
      pid_ = -1;
      return status;
    }
    if (w < 0 && errno != EINTR) {
      pid_ = -1;
      return std::nullopt;
    }
    if (Clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(milliseconds(10));
  }
}

std::optional<int> ServerProcess::Stop(milliseconds timeout) {
  if (pid_ <= 0) return std::nullopt;
  SendSigterm();
  auto status = WaitExit(timeout);
  if (!status) Kill();
  return status;
}

void ServerProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

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
    case 413: return "Payload Too Large";
    case 415: return "Unsupported Media Type";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
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

// ---------------------------------------------------------------- fixture

std::vector<std::string> ServerTest::ServerArgs() const {
  return {"--workers", "2", "--io-threads", "2"};
}

void ServerTest::SetUp() {
  db_url_ = "sqlite:" + tmp_.path() + "/db.sqlite";
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
