// Issue 10's findings on the client side, one test per finding, named after
// it: `submit` must not store a batch twice when a create's answer is lost,
// must survive cells that are not UTF-8 and ragged rows, and `porting
// import` must report an unterminated quote.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

extern char** environ;

namespace phonebulk::it {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

// A TCP forwarder on a fixed port to the server's current port, so that a
// client keeps one URL while the server behind it is killed and restarted
// (each start listens on a new port). Connections arriving while the target
// is down are closed at once, which the client sees as a network error.
class Forwarder {
 public:
  Forwarder() {
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    ::listen(listen_fd_, 64);
    ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    acceptor_ = std::thread([this] { AcceptLoop(); });
  }
  ~Forwarder() {
    stop_ = true;
    acceptor_.join();
    for (std::thread& t : pumps_) t.join();
    ::close(listen_fd_);
  }
  int port() const { return port_; }
  void set_target(int port) { target_ = port; }

 private:
  void AcceptLoop() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0) continue;
      pumps_.emplace_back([this, client] { Pump(client); });
    }
  }
  void Pump(int client) {
    int server = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(target_.load()));
    if (::connect(server, reinterpret_cast<sockaddr*>(&addr), sizeof addr) ==
        0) {
      pollfd fds[2] = {{client, POLLIN, 0}, {server, POLLIN, 0}};
      char buf[16384];
      bool open = true;
      while (open && !stop_) {
        if (::poll(fds, 2, 50) <= 0) continue;
        for (int i = 0; i < 2 && open; ++i) {
          if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
          ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
          open = n > 0 && ::send(fds[1 - i].fd, buf, static_cast<size_t>(n),
                                 MSG_NOSIGNAL) == n;
        }
      }
    }
    ::close(server);
    ::close(client);
  }

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<int> target_{0};
  std::atomic<bool> stop_{false};
  std::thread acceptor_;
  std::vector<std::thread> pumps_;  // touched by the acceptor thread only
};


class HardeningClientTest : public ServerTest {
 protected:
  std::vector<std::string> Submit(const std::string& in, const std::string& out,
                                  const std::string& token, int port) {
    return {"submit",
            in,
            "--server",
            "http://127.0.0.1:" + std::to_string(port),
            "--token",
            token,
            "--out",
            out,
            "--progress-seconds",
            "0"};
  }
  size_t CountBatches(const std::string& token) {
    HttpResponse r = ListBatches(token);
    EXPECT_EQ(r.status, 200) << r.Evidence();
    return r.JsonBody()["result"]["batches"].size();
  }
};

// The server dies (kill -9, test-only crash point) right after storing the
// first create, before answering. submit retries the create through the
// same URL once the server is back: with its Idempotency-Key the retry
// gets that batch, so the account holds exactly one batch per 3 numbers.
TEST_F(HardeningClientTest,
       SubmitSendsIdempotencyKeySoALostCreateIsNotStoredTwice) {
  const std::string token = CreateToken("acme");
  const std::string in = dir() + "/in.csv";
  WriteFile(in,
            "id,phone\n1,+447700900001\n2,+447700900002\n3,+447700900003\n"
            "4,+447700900004\n5,+447700900005\n6,+447700900006\n");
  server().Kill();
  ::setenv("PHONEBULK_TEST_CRASH_AFTER_CREATE", "1", 1);
  std::string error;
  const bool started = server().Start(&error);
  ::unsetenv("PHONEBULK_TEST_CRASH_AFTER_CREATE");
  ASSERT_TRUE(started) << error;
  Forwarder forwarder;
  forwarder.set_target(port());

  std::vector<std::string> args =
      Submit(in, dir() + "/out.csv", token, forwarder.port());
  args.insert(args.end(), {"--batch-size", "3", "--concurrency", "1"});
  pid_t pid = SpawnCli(args, dir() + "/submit.log");
  ASSERT_GT(pid, 0);
  std::optional<int> died = server().WaitExit(seconds(30));
  ASSERT_TRUE(died.has_value()) << "the armed server was never hit";
  ASSERT_TRUE(server().Start(&error)) << error;  // not armed any more
  forwarder.set_target(port());

  int status = -1;
  const bool exited = WaitUntil(
      [&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, seconds(120));
  if (!exited) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  ASSERT_TRUE(exited && WIFEXITED(status) && WEXITSTATUS(status) == 0)
      << ReadFile(dir() + "/submit.log");
  EXPECT_EQ(CountBatches(token), 2u) << ReadFile(dir() + "/submit.log");
  EXPECT_EQ(Lines(ReadFile(dir() + "/out.csv")).size(), 7u);
}

std::vector<std::string> Split(const std::string& line) {
  std::vector<std::string> out(1);
  for (char c : line) {
    if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

// nlohmann's dump() threw type_error.316 on such a cell (exit 134, a state
// file left behind). The row is now not sent: it keeps its input bytes and
// gets confidence "bad_row", and stderr names its line.
TEST_F(HardeningClientTest, SubmitFlagsACellThatIsNotUtf8AsABadRow) {
  const std::string token = CreateToken("acme");
  const std::string in = dir() + "/in.csv";
  const std::string bad_phone =
      "+4477009\xff"
      "0002";
  const std::string latin1_note = "caf\xe9";
  WriteFile(in, "id,phone,note\n1,+447700900001,ok\n2," + bad_phone +
                    ",bad\n3,+447700900003," + latin1_note + "\n");
  CommandResult r =
      RunCli(Submit(in, dir() + "/out.csv", token, port()), seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_NE(r.err.find("line 3: a cell is not valid UTF-8"), std::string::npos)
      << r.Evidence();
  EXPECT_NE(r.out.find("1 bad (not UTF-8"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("credits charged: 2"), std::string::npos) << r.out;
  std::vector<std::string> out = Lines(ReadFile(dir() + "/out.csv"));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(out[2], "2," + bad_phone +
                        ",bad,,,,bad_row,,no,number cell is not valid UTF-8");
  // A cell that is only copied (never sent) does not make a bad row.
  std::vector<std::string> third = Split(out[3]);
  ASSERT_EQ(third.size(), 10u) << out[3];
  EXPECT_EQ(third[2], latin1_note);
  EXPECT_EQ(third[3], "447700900003");
  EXPECT_NE(third[6], "bad_row");
}

// Rows of 5 and 8 cells under a 6-cell header shifted the result columns.
// Now every row has the widest row's width: short rows padded with empty
// cells, the extra cells under generated names (extra_7, extra_8).
TEST_F(HardeningClientTest, SubmitKeepsRaggedRowsAtTheHeaderWidth) {
  const std::string token = CreateToken("acme");
  const std::string in = dir() + "/in.csv";
  WriteFile(in,
            "id,name,phone,city,zip,note\n"
            "1,Ann,+447700900001,Leeds,LS1,n\n"
            "2,Bob,+447700900002,York,Y01\n"
            "3,Cy,+447700900003,Hull,HU1,n,more,most\n");
  CommandResult r =
      RunCli(Submit(in, dir() + "/out.csv", token, port()), seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_NE(r.out.find("ragged rows: 1 short"), std::string::npos) << r.out;
  std::vector<std::string> out = Lines(ReadFile(dir() + "/out.csv"));
  ASSERT_EQ(out.size(), 4u);
  EXPECT_EQ(Split(out[0]),
            (std::vector<std::string>{
                "id", "name", "phone", "city", "zip", "note", "extra_7",
                "extra_8", "validated_phone_number", "formatted_phone_number",
                "phone_type", "confidence", "disposable_number", "valid",
                "reason"}));
  for (size_t i = 1; i < out.size(); ++i) {
    std::vector<std::string> row = Split(out[i]);
    ASSERT_EQ(row.size(), 15u) << out[i];
    EXPECT_EQ(row[8], "44770090000" + std::to_string(i)) << out[i];
  }
  EXPECT_EQ(Split(out[2])[5], "");
  EXPECT_EQ(Split(out[3])[6], "more");
  EXPECT_EQ(Split(out[3])[7], "most");
  EXPECT_EQ(Split(out[1])[6], "");
}

// Before, libcsv handed the open field over as if closed: the rows after
// it vanished into one cell and the import exited 0.
TEST(PortingImport, PortingImportReportsAnUnterminatedQuoteWithItsLine) {
  TempDir tmp;
  const std::string db = "sqlite:" + tmp.path() + "/db.sqlite";
  const std::string file = tmp.path() + "/ported.csv";
  WriteFile(file,
            "number,operator_name,mccmnc,ported_date\n"
            "447400000001,O2,23410,2019-08-21\n"
            "447400000002,\"O2,23410,2019-08-21\n"
            "447400000003,O2,23410,2019-08-21\n");
  CommandResult r = RunCli({"porting", "import", "--create", "--db", db, file});
  EXPECT_EQ(r.exit_code, 1) << r.Evidence();
  EXPECT_NE(r.err.find("line 3: a quoted field is never closed"),
            std::string::npos)
      << r.Evidence();
  CommandResult lookup =
      RunCli({"porting", "lookup", "--db", db, "+447400000001"});
  EXPECT_NE(lookup.out.find("not found"), std::string::npos)
      << "a failed import changed the table" << lookup.Evidence();
}

TEST(SubmitInput, SubmitReportsAnUnterminatedQuoteWithItsLine) {
  TempDir tmp;
  const std::string in = tmp.path() + "/in.csv";
  WriteFile(in, "id,phone\n1,+447700900001\n2,\"+447700900002\n3,x\n");
  CommandResult r = RunCli({"submit", in, "--server", "http://127.0.0.1:9",
                            "--token", "t", "--out", tmp.path() + "/out.csv"});
  EXPECT_EQ(r.exit_code, 2) << r.Evidence();
  EXPECT_NE(r.err.find("line 3: a quoted field is never closed"),
            std::string::npos)
      << r.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
