// Issue 15 on the client side, end to end against a real server: an export
// as people have them (country codes and names in any form, junk cells,
// repeated numbers, headers in any case) completes, in input order, paying
// once per distinct question; and every exit code of docs/cli.md's table is
// produced by the situation it documents.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"
#include "validity_oracle.h"

extern char** environ;

namespace phonebulk::it {
namespace {

using std::chrono::seconds;
using Row = std::vector<std::string>;

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// A loopback port nothing listens on: bound, then closed.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

class ClientForgivingTest : public ServerTest {
 protected:
  std::string Url() const {
    return "http://127.0.0.1:" + std::to_string(port());
  }
  std::vector<std::string> SubmitArgs(const std::string& in,
                                      const std::string& out,
                                      const std::string& token,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {
        "submit", in,  "--server",           Url(), "--token", token,
        "--out",  out, "--progress-seconds", "0"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
};

// The export of the user report: alpha-2 codes, names, "UK", junk
// countries, a cell that is not UTF-8, repeated numbers (in other
// spellings too) and headers that differ from the flags in case and
// spaces.
const char kExport[] =
    "ID, Mobile Phone ,COUNTRY\n"
    "1,+447700900001,UK\n"            // 2: sent
    "2,07700 900002,GB\n"             // 3: sent
    "3,2026298914,United States\n"    // 4: sent
    "4,202-629-8914,usa\n"            // 5: repeat of 4
    "5,+33 1 23 45 67 89,France\n"    // 6: sent
    "6,0612345678,fr\n"               // 7: sent
    "7,07700900002,united kingdom\n"  // 8: repeat of 3
    "8,12345,Narnia\n"                // 9: bad_country
    "9,+447700900001,uk\n"            // 10: repeat of 2
    "10,,GB\n"                        // 11: empty
    "11,+4477\xff,GB\n"               // 12: bad_row
    "12,+49 30 123456,Deutschland\n"  // 13: sent
    "13,030123456,DE\n"               // 14: sent
    "14,7700900003,XYZ\n";            // 15: bad_country
constexpr int kDistinct = 7;
constexpr int kRepeats = 3;

TEST_F(ClientForgivingTest, MessyExportCompletesAndPaysOncePerQuestion) {
  const std::string in = dir() + "/export.csv";
  WriteFile(in, kExport);
  const std::string token = CreateToken("acme");
  const std::optional<long long> before = Credits("acme");
  CommandResult r = RunCli(
      SubmitArgs(in, dir() + "/out.csv", token,
                 {"--column", "mobile phone", "--country-column", "country"}),
      seconds(60));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  const std::optional<long long> after = Credits("acme");
  ASSERT_TRUE(before && after);
  EXPECT_EQ(*before - *after, kDistinct) << r.out;
  EXPECT_NE(r.out.find("credits charged: " + std::to_string(kDistinct)),
            std::string::npos)
      << r.out;
  EXPECT_NE(
      r.out.find("duplicates: " + std::to_string(kRepeats) + " rows repeated"),
      std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("(" + std::to_string(kRepeats) + " credits saved)"),
            std::string::npos)
      << r.out;
  // The counts by confidence cover every row, repeats included.
  const size_t at = r.out.find("confidence:");
  ASSERT_NE(at, std::string::npos) << r.out;
  std::istringstream counts(
      r.out.substr(at + 11, r.out.find('\n', at) - at - 11));
  int total = 0;
  for (std::string item; counts >> item;) {
    total += std::stoi(item.substr(item.find('=') + 1));
  }
  EXPECT_EQ(total, 14) << r.out;
  EXPECT_NE(r.out.find("bad_country=2"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("line 9: country 'Narnia'"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("line 15: country 'XYZ'"), std::string::npos) << r.err;

  const std::vector<Row> input = SplitUnquotedCsv(kExport);
  const std::vector<Row> out = SplitUnquotedCsv(ReadFile(dir() + "/out.csv"));
  ASSERT_EQ(out.size(), input.size());
  EXPECT_EQ(out[0],
            (Row{"ID", " Mobile Phone ", "COUNTRY", "validated_phone_number",
                 "formatted_phone_number", "phone_type", "confidence",
                 "disposable_number", "valid", "reason"}));
  for (size_t i = 1; i < out.size(); ++i) {
    ASSERT_EQ(out[i].size(), 10u) << i;
    // In input order, each row with its own cells.
    EXPECT_EQ(Row(out[i].begin(), out[i].begin() + 3), input[i]) << i;
  }
  auto validated = [&](int id) { return out[id][3]; };
  auto confidence = [&](int id) { return out[id][6]; };
  EXPECT_EQ(validated(1), "447700900001");
  EXPECT_EQ(validated(2), "447700900002");  // "GB" -> GBR
  EXPECT_EQ(validated(3), "12026298914");   // "United States" -> USA
  EXPECT_EQ(validated(5), "33123456789");   // "France" -> FRA
  EXPECT_EQ(validated(6), "33612345678");   // "fr" -> FRA
  EXPECT_EQ(validated(12), "4930123456");   // "Deutschland" -> DEU
  EXPECT_EQ(validated(13), "4930123456");   // "DE" -> DEU, not a repeat:
                                            // another spelling
  // Repeats carry their first row's answer.
  EXPECT_EQ(Row(out[4].begin() + 3, out[4].end()),
            Row(out[3].begin() + 3, out[3].end()));
  EXPECT_EQ(Row(out[7].begin() + 3, out[7].end()),
            Row(out[2].begin() + 3, out[2].end()));
  EXPECT_EQ(Row(out[9].begin() + 3, out[9].end()),
            Row(out[1].begin() + 3, out[1].end()));
  // Cells that cannot be used: marked, not sent, the job not aborted.
  EXPECT_EQ(Row(out[8].begin() + 3, out[8].end()),
            (Row{"", "", "", "bad_country", "", "no",
                 "country cell 'Narnia' is not a country"}));
  EXPECT_EQ(confidence(14), "bad_country");
  EXPECT_EQ(Row(out[14].begin() + 8, out[14].end()),
            (Row{"no", "country cell 'XYZ' is not a country"}));
  EXPECT_EQ(confidence(10), "empty");
  EXPECT_EQ(Row(out[10].begin() + 8, out[10].end()),
            (Row{"empty", "no number given"}));
  EXPECT_EQ(confidence(11), "bad_row");
  EXPECT_EQ(Row(out[11].begin() + 8, out[11].end()),
            (Row{"no", "number cell is not valid UTF-8"}));
  // The rows that were sent (and their repeats): valid and reason as
  // libphonenumber's Python port says for the number and its country
  // (validity_oracle.h); the alpha-2 codes are what the cells name.
  const std::vector<std::pair<int, std::string>> sent = {
      {1, "GB"}, {2, "GB"}, {3, "US"}, {4, "US"},  {5, "FR"},
      {6, "FR"}, {7, "GB"}, {9, "GB"}, {12, "DE"}, {13, "DE"}};
  std::vector<std::pair<std::string, std::string>> questions;
  for (const auto& [id, region] : sent) {
    questions.emplace_back(input[id][1], region);
  }
  std::string error;
  const auto expected = ExpectedValidity(dir(), questions, &error);
  ASSERT_EQ(error, "");
  for (size_t k = 0; k < sent.size(); ++k) {
    const Row& row = out[sent[k].first];
    EXPECT_EQ(row[8], expected[k].first) << "row " << sent[k].first;
    EXPECT_EQ(row[9], expected[k].second) << "row " << sent[k].first;
  }

  // --no-dedupe sends (and pays for) every row, with the same answers.
  const std::string token2 = CreateToken("every-row");
  const std::optional<long long> before2 = Credits("every-row");
  CommandResult all =
      RunCli(SubmitArgs(in, dir() + "/all.csv", token2,
                        {"--column", "Mobile Phone", "--country-column",
                         "country", "--no-dedupe"}),
             seconds(60));
  ASSERT_EQ(all.exit_code, 0) << all.Evidence();
  const std::optional<long long> after2 = Credits("every-row");
  ASSERT_TRUE(before2 && after2);
  EXPECT_EQ(*before2 - *after2, kDistinct + kRepeats);
  EXPECT_EQ(ReadFile(dir() + "/all.csv"), ReadFile(dir() + "/out.csv"));
}

TEST_F(ClientForgivingTest, NoCreditsExitsThree) {
  const std::string in = dir() + "/in.csv";
  WriteFile(in, "phone\n+447700900001\n+447700900002\n+447700900003\n");
  const std::string token = CreateToken("poor", /*credits=*/1);
  CommandResult r = RunCli(SubmitArgs(in, dir() + "/out.csv", token));
  EXPECT_EQ(r.exit_code, 3) << r.Evidence();
  EXPECT_NE(r.err.find("not enough credits"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("rerun the same command to resume"), std::string::npos)
      << r.err;
}

TEST_F(ClientForgivingTest, BadInputExitsTwoNamingTheLine) {
  const std::string in = dir() + "/in.csv";
  WriteFile(in, "id,phone\n1,+447700900001\n");
  const std::string token = CreateToken("acme");
  CommandResult missing = RunCli(SubmitArgs(in, dir() + "/out.csv", token,
                                            {"--country-column", "country"}));
  EXPECT_EQ(missing.exit_code, 2) << missing.Evidence();
  EXPECT_NE(missing.err.find("line 1 (the header): no column 'country'"),
            std::string::npos)
      << missing.err;
  CommandResult country = RunCli(
      SubmitArgs(in, dir() + "/out.csv", token, {"--country", "Narnia"}));
  EXPECT_EQ(country.exit_code, 2) << country.Evidence();
  EXPECT_NE(country.err.find("--country 'Narnia'"), std::string::npos)
      << country.err;
  // The same forms as a cell are accepted for --country.
  CommandResult named = RunCli(SubmitArgs(in, dir() + "/named.csv", token,
                                          {"--country", "united kingdom"}));
  EXPECT_EQ(named.exit_code, 0) << named.Evidence();
}

// Every command-line mistake is 2, never CLI11's own 105/106/109/...;
// --help is 0.
TEST(ClientUsage, ParseErrorsExitTwoAndHelpZero) {
  TempDir tmp;
  const std::string in = tmp.path() + "/in.csv";
  WriteFile(in, "phone\n+447700900001\n");
  ::unsetenv("PHONEBULK_SERVER");
  const std::vector<std::vector<std::string>> usage_errors = {
      {"submit", in, "--token", "t"},                     // no --server
      {"submit", in, "--server", "http://x", "--bogus"},  // unknown flag
      {"submit", in, "--server", "http://x", "--concurrency", "0"},  // range
      {"submit", tmp.path() + "/missing.csv", "--server", "http://x"},
      {"batches"},                                    // no action
      {"batches", "status", "--server", "http://x"},  // no id
      {"no-such-command"},
  };
  for (const auto& args : usage_errors) {
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 2) << r.Evidence();
    EXPECT_FALSE(r.err.empty()) << r.Evidence();
  }
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--help"}, {"submit", "--help"}, {"batches", "list", "--help"}}) {
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.Evidence();
    EXPECT_NE(r.out.find("--"), std::string::npos) << r.Evidence();
  }
}

// A closed port: each retry is announced, then exit 4 (not 1 or 2).
TEST(ClientUnreachable, DeadServerExitsFourAfterAnnouncedRetries) {
  TempDir tmp;
  const std::string in = tmp.path() + "/in.csv";
  WriteFile(in, "phone\n+447700900001\n");
  const std::string url = "http://127.0.0.1:" + std::to_string(ClosedPort());
  CommandResult r = RunCli({"submit", in, "--server", url, "--token", "t",
                            "--retries", "2", "--progress-seconds", "0"});
  EXPECT_EQ(r.exit_code, 4) << r.Evidence();
  EXPECT_NE(r.err.find("server unreachable"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("retry 1/2 in"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("retry 2/2 in"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("retry 3/"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("after 3 attempts"), std::string::npos) << r.err;

  CommandResult b =
      RunCli({"batches", "list", "--server", url, "--token", "t"});
  EXPECT_EQ(b.exit_code, 4) << b.Evidence();
}

// --server may come from PHONEBULK_SERVER, like the token from
// PHONEBULK_TOKEN.
TEST_F(ClientForgivingTest, ServerAndTokenFromTheEnvironment) {
  const std::string in = dir() + "/in.csv";
  WriteFile(in, "phone\n+447700900001\n");
  const std::string token = CreateToken("acme");
  ::setenv("PHONEBULK_SERVER", Url().c_str(), 1);
  ::setenv("PHONEBULK_TOKEN", token.c_str(), 1);
  CommandResult r = RunCli(
      {"submit", in, "--out", dir() + "/out.csv", "--progress-seconds", "0"});
  CommandResult list = RunCli({"batches", "list"});
  ::unsetenv("PHONEBULK_SERVER");
  ::unsetenv("PHONEBULK_TOKEN");
  EXPECT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_EQ(list.exit_code, 0) << list.Evidence();
}

// States left by submits of earlier versions, with a saved batch file of
// their width: from before the valid and reason columns (4 result
// columns), and from before disposable_number (6). The rerun fetches that
// batch again (free) instead of stitching rows of another width, and its
// output is the same as a fresh run's.
TEST_F(ClientForgivingTest, StatesOfEarlierColumnsResume) {
  const std::string in = dir() + "/in.csv";
  WriteFile(in, "phone\n+447700900001\n+44 1234\n\n+1 202 629 8914\n");
  const std::string token = CreateToken("acme");
  const std::string state = dir() + "/out.state";
  std::vector<std::string> args =
      SubmitArgs(in, dir() + "/out.csv", token, {"--state", state});
  CommandResult first = RunCli(args, seconds(60));
  ASSERT_EQ(first.exit_code, 0) << first.Evidence();
  const std::string fresh = ReadFile(dir() + "/out.csv");
  EXPECT_NE(fresh.find(",unknown,no,local number only: add the area code\n"),
            std::string::npos)
      << fresh;
  const Json saved = Json::parse(ReadFile(state));
  const std::string options = saved["options"].get<std::string>();
  const std::string marker = ";columns=disposable,validity";
  ASSERT_TRUE(options.ends_with(marker)) << options;
  const std::string base = options.substr(0, options.size() - marker.size());
  const std::pair<std::string, std::string> older[] = {
      {"",
       ",447700900001,447700900001,unknown,unverified\n"
       ",441234,441234,unknown,unverified\n"
       ",12026298914,12026298914,mobile or landline,unknown\n"},
      {";columns=validity",
       ",447700900001,447700900001,unknown,unverified,no,x\n"
       ",441234,441234,unknown,unverified,no,x\n"
       ",12026298914,12026298914,mobile or landline,unknown,yes,\n"}};
  for (const auto& [columns, batch_file] : older) {
    const std::optional<long long> before = Credits("acme");
    Json j = saved;
    j["options"] = base + columns;
    WriteFile(state, j.dump());
    ::mkdir((state + ".d").c_str(), 0755);
    WriteFile(state + ".d/batch_000000.csv", batch_file);
    CommandResult again = RunCli(args, seconds(60));
    ASSERT_EQ(again.exit_code, 0) << columns << again.Evidence();
    EXPECT_EQ(ReadFile(dir() + "/out.csv"), fresh) << columns;
    EXPECT_EQ(Credits("acme"), before) << columns;  // fetched, not paid again
  }
}

class ClientInterruptTest : public ClientForgivingTest {
 protected:
  // Slow enough that a run can be interrupted in the middle.
  std::vector<std::string> ServerArgs() const override {
    return {"--chunk-size", "200", "--chunk-delay-ms", "40"};
  }
};

// SIGINT: exit 130 with "rerun" on stderr; the rerun completes and gives
// the same bytes as an uninterrupted run, duplicates and all.
TEST_F(ClientInterruptTest, SigintExitsWithStateKeptAndRerunMatches) {
  const std::string in = dir() + "/in.csv";
  std::string text = "id,phone\n";
  for (int i = 0; i < 3000; ++i) {
    text += std::to_string(i) + ",+44 7700 9" +
            std::to_string(10000 + i % 2000) + "\n";
  }
  WriteFile(in, text);
  const std::vector<std::string> small = {"--batch-size", "500",
                                          "--concurrency", "1"};
  const std::string token_a = CreateToken("whole");
  CommandResult a =
      RunCli(SubmitArgs(in, dir() + "/a.csv", token_a, small), seconds(120));
  ASSERT_EQ(a.exit_code, 0) << a.Evidence();

  const std::string token_b = CreateToken("interrupted");
  const std::string state = dir() + "/b.state";
  std::vector<std::string> args =
      SubmitArgs(in, dir() + "/b.csv", token_b, small);
  args.insert(args.end(), {"--state", state});
  pid_t pid = SpawnCli(args, dir() + "/b1.log");
  ASSERT_GT(pid, 0);
  // Interrupt once the first batch has been started (its results cannot
  // be in yet: the first status poll comes 0.5 s later).
  const bool started = WaitUntil(
      [&] {
        return ReadFile(state).find("\"started\": true") != std::string::npos;
      },
      seconds(60), std::chrono::milliseconds(10));
  ::kill(pid, SIGINT);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(started) << ReadFile(dir() + "/b1.log");
  ASSERT_TRUE(WIFEXITED(status)) << ReadFile(dir() + "/b1.log");
  EXPECT_EQ(WEXITSTATUS(status), 130) << ReadFile(dir() + "/b1.log");
  EXPECT_NE(ReadFile(dir() + "/b1.log").find("rerun the same command"),
            std::string::npos)
      << ReadFile(dir() + "/b1.log");

  CommandResult b = RunCli(args, seconds(120));
  ASSERT_EQ(b.exit_code, 0) << b.Evidence();
  EXPECT_EQ(ReadFile(dir() + "/b.csv"), ReadFile(dir() + "/a.csv"));
  EXPECT_NE(b.out.find("credits charged: 2000"), std::string::npos) << b.out;
}

}  // namespace
}  // namespace phonebulk::it
