// The harness's process handling: temp dirs, the admin CLI and the server
// as child processes (fork/exec, output to pipes or files, deadlines,
// always reaped).

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "harness.h"
#include "harness_internal.h"

extern char** environ;

#ifndef PHONEBULK_BINARY
#define PHONEBULK_BINARY "phonebulk"
#endif

namespace phonebulk::it {
namespace {

namespace fs = std::filesystem;
using internal::Lower;
using internal::RemainingMs;
using internal::Trim;
using internal::Truncate;
using std::chrono::milliseconds;

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

pid_t SpawnCli(const std::vector<std::string>& args, const std::string& log) {
  std::vector<std::string> full = {BinaryPath()};
  full.insert(full.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : full) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  pid_t pid = -1;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) != 0) pid = -1;
  posix_spawn_file_actions_destroy(&fa);
  return pid;
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
      extra_args_(std::move(extra_args)) {
  // One files directory per server, kept across its restarts (jobs resume
  // there): serve refuses a directory another server holds, and the nodes
  // of a multi-node test share one log directory.
  static std::atomic<int> servers{0};
  files_dir_ = log_dir_ + "/files-" + std::to_string(++servers);
}

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
  // Only the first start may create the database: a restart must find the
  // one the test has been using (the server never recreates one silently).
  if (start_count_ == 1) argv.push_back("--create");
  argv.insert(argv.end(), extra_args_.begin(), extra_args_.end());
  // On PostgreSQL the files directory's default is relative to the working
  // directory (var/files): keep it in the test's own directory instead.
  if (!db_url_.starts_with("sqlite:") &&
      std::find(extra_args_.begin(), extra_args_.end(), "--files-dir") ==
          extra_args_.end()) {
    argv.insert(argv.end(), {"--files-dir", files_dir_});
  }
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
}  // namespace phonebulk::it
