// The bulk client (`phonebulk submit`) end to end against a real server:
// a 100,000-row CSV with every row checked, a SIGKILL mid-run and a resume
// that must give byte-identical output without creating a batch twice, and
// an account with a tiny rate limit that must not make the client fail.
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

extern char** environ;

namespace phonebulk::it {
namespace {

using Row = std::vector<std::string>;

// A small RFC 4180 reader, independent of the client's libcsv code, so the
// test does not trust what it checks.
std::vector<Row> ParseCsv(const std::string& text) {
  std::vector<Row> rows;
  Row row;
  std::string field;
  bool quoted = false;
  bool any = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
      any = true;
    } else if (c == ',') {
      row.push_back(std::move(field));
      field.clear();
      any = true;
    } else if (c == '\n') {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      any = false;
    } else if (c != '\r') {
      field += c;
      any = true;
    }
  }
  if (any) {
    row.push_back(std::move(field));
    rows.push_back(std::move(row));
  }
  return rows;
}

// What WriteInput wrote: rows with a phone, and distinct phones among them
// (the junk "12345" repeats every 50 rows and the mobiles after 90,000
// rows; submit sends and charges each distinct one once).
struct InputCounts {
  int64_t non_empty = 0;
  int64_t distinct = 0;
};

// id, name (with commas), phone (empty every 13th row), note (quotes and,
// every 1000th row, a line break), country.
InputCounts WriteInput(const std::string& path, int rows, bool bom) {
  std::ofstream out(path, std::ios::binary);
  if (bom) out << "\xEF\xBB\xBF";
  out << "id,name,phone,note,country\r\n";
  int64_t non_empty = 0;
  std::set<std::string> distinct;
  for (int i = 0; i < rows; ++i) {
    std::string phone;
    if (i % 13 != 5) {
      ++non_empty;
      // Mostly valid UK mobiles, some junk that is answered "unverified".
      phone = i % 50 == 7 ? "12345"
                          : "+44 7700 9" + std::to_string(10000 + i % 90000);
    }
    out << i << ",\"Smith, J " << i << "\"," << phone << ",\"says \"\"hi\"\""
        << (i % 1000 == 3 ? "\nsecond line" : "") << "\",GBR\r\n";
    if (!phone.empty()) distinct.insert(phone);
  }
  return {non_empty, static_cast<int64_t>(distinct.size())};
}

class ClientTest : public ServerTest {
 protected:
  std::vector<std::string> SubmitArgs(const std::string& in,
                                      const std::string& out,
                                      const std::string& token,
                                      std::vector<std::string> extra = {}) {
    std::vector<std::string> a = {"submit",
                                  in,
                                  "--server",
                                  "http://127.0.0.1:" + std::to_string(port()),
                                  "--token",
                                  token,
                                  "--column",
                                  "phone",
                                  "--out",
                                  out,
                                  "--progress-seconds",
                                  "1"};
    a.insert(a.end(), extra.begin(), extra.end());
    return a;
  }
  size_t CountBatches(const std::string& token) {
    HttpResponse r = ListBatches(token);
    EXPECT_EQ(r.status, 200) << r.Evidence();
    return r.JsonBody()["result"]["batches"].size();
  }
};

// Done-when (1): every output row checked against its input row.
TEST_F(ClientTest, HundredThousandRowsKeepColumnsOrderAndEmptyCells) {
  const std::string in = dir() + "/contacts.csv";
  const std::string out = dir() + "/contacts.out.csv";
  constexpr int kRows = 100000;
  const InputCounts counts = WriteInput(in, kRows, /*bom=*/true);
  const int64_t non_empty = counts.non_empty;
  const std::string token = CreateToken("acme");
  CommandResult r =
      RunCli(SubmitArgs(in, out, token), std::chrono::seconds(240));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_NE(r.out.find("rows: 100000"), std::string::npos) << r.out;
  // Repeated numbers are sent once; every row still gets its answer below.
  EXPECT_NE(r.out.find("credits charged: " + std::to_string(counts.distinct)),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("duplicates: " +
                       std::to_string(non_empty - counts.distinct) + " rows"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.err.find("progress:"), std::string::npos) << r.err;

  std::string in_text = ReadFile(in).substr(3);  // the output has no BOM
  std::vector<Row> input = ParseCsv(in_text);
  std::vector<Row> output = ParseCsv(ReadFile(out));
  ASSERT_EQ(input.size(), kRows + 1u);
  ASSERT_EQ(output.size(), input.size());
  EXPECT_EQ(output[0], (Row{"id", "name", "phone", "note", "country",
                            "validated_phone_number", "formatted_phone_number",
                            "phone_type", "confidence", "disposable_number",
                            "valid", "reason"}));
  int64_t empty = 0;
  for (size_t i = 1; i < output.size(); ++i) {
    const Row& o = output[i];
    ASSERT_EQ(o.size(), 12u) << "row " << i;
    ASSERT_EQ(Row(o.begin(), o.begin() + 5), input[i]) << "row " << i;
    if (input[i][2].empty()) {
      ++empty;
      EXPECT_EQ(o[8], "empty") << "row " << i;
      EXPECT_EQ(o[5], "") << "row " << i;
      EXPECT_EQ(o[10], "empty") << "row " << i;
      EXPECT_EQ(o[11], "no number given") << "row " << i;
    } else if (input[i][2] == "12345") {
      EXPECT_EQ(o[8], "unverified") << "row " << i;
    } else {
      // +44 7700 9NNNNN -> 4477009NNNNN: the row's own answer, in place.
      std::string digits;
      for (char c : input[i][2]) {
        if (std::isdigit(static_cast<unsigned char>(c))) digits += c;
      }
      ASSERT_EQ(o[5], digits) << "row " << i;
      EXPECT_FALSE(o[8].empty()) << "row " << i;
    }
  }
  EXPECT_EQ(empty, kRows - non_empty);
  EXPECT_EQ(CountBatches(token),
            static_cast<size_t>((counts.distinct + 9999) / 10000));
}

class ClientResumeTest : public ClientTest {
 protected:
  // Slow enough that a run takes several seconds and can be killed in the
  // middle.
  std::vector<std::string> ServerArgs() const override {
    return {"--chunk-size", "200", "--chunk-delay-ms", "40"};
  }
};

// Done-when (2): SIGKILL mid-run, resume, byte-identical, no batch twice.
TEST_F(ClientResumeTest, KilledRunResumesToIdenticalOutput) {
  const std::string in = dir() + "/in.csv";
  const int64_t distinct = WriteInput(in, 30000, /*bom=*/false).distinct;
  const std::vector<std::string> small = {"--batch-size", "2000",
                                          "--concurrency", "2"};
  const int64_t want_batches = (distinct + 1999) / 2000;

  const std::string token_a = CreateToken("uninterrupted");
  CommandResult a = RunCli(SubmitArgs(in, dir() + "/a.csv", token_a, small),
                           std::chrono::seconds(180));
  ASSERT_EQ(a.exit_code, 0) << a.Evidence();

  const std::string token_b = CreateToken("interrupted");
  const std::string out_b = dir() + "/b.csv";
  const std::string state_b = dir() + "/b.state";
  std::vector<std::string> args_b = SubmitArgs(in, out_b, token_b, small);
  args_b.insert(args_b.end(), {"--state", state_b});
  pid_t pid = SpawnCli(args_b, dir() + "/b1.log");
  ASSERT_GT(pid, 0);
  // Kill once some but not all batches have their results saved.
  bool midway = WaitUntil(
      [&] {
        std::string s = ReadFile(state_b);
        size_t saved = 0;
        for (size_t p = s.find("\"saved\": true"); p != std::string::npos;
             p = s.find("\"saved\": true", p + 1)) {
          ++saved;
        }
        return saved >= 2;
      },
      std::chrono::seconds(120), std::chrono::milliseconds(20));
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ASSERT_TRUE(midway) << ReadFile(dir() + "/b1.log");
  ASSERT_TRUE(WIFSIGNALED(status));
  EXPECT_FALSE(std::ifstream(out_b).good()) << "no half output after a kill";

  CommandResult b = RunCli(args_b, std::chrono::seconds(180));
  ASSERT_EQ(b.exit_code, 0) << b.Evidence();
  EXPECT_NE(b.out.find("from a previous run"), std::string::npos) << b.out;
  EXPECT_EQ(ReadFile(out_b), ReadFile(dir() + "/a.csv"));
  EXPECT_EQ(CountBatches(token_b), static_cast<size_t>(want_batches));
  EXPECT_EQ(CountBatches(token_a), static_cast<size_t>(want_batches));

  // A state file of another input is refused with a clear message.
  const std::string other = dir() + "/other.csv";
  WriteInput(other, 10, false);
  std::vector<std::string> args_c =
      SubmitArgs(other, dir() + "/c.csv", token_b, small);
  args_c.insert(args_c.end(), {"--state", state_b});
  CommandResult c = RunCli(args_c);
  EXPECT_EQ(c.exit_code, 2) << c.Evidence();
  EXPECT_NE(c.err.find("different input"), std::string::npos) << c.err;
}

// A crash between a batch's start and the state file recording it leaves a
// batch the server has started but the state calls unstarted. The resumed
// run's start then answers 400 (the batch is no longer submitted): the run
// must poll it and carry on, not fail. Played deterministically: a finished
// run's state is rewritten so that every batch looks created, unstarted and
// unsaved.
TEST_F(ClientTest, ABatchStartedBeforeACrashIsPolledNotFailed) {
  const std::string in = dir() + "/in.csv";
  const int64_t distinct = WriteInput(in, 600, /*bom=*/false).distinct;
  const std::string token = CreateToken("restarted");
  const std::string out = dir() + "/out.csv";
  const std::string state = dir() + "/out.state";
  std::vector<std::string> args =
      SubmitArgs(in, out, token, {"--batch-size", "200", "--state", state});
  CommandResult first = RunCli(args, std::chrono::seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.Evidence();
  const std::string want = ReadFile(out);
  const size_t batches = CountBatches(token);
  ASSERT_EQ(batches, static_cast<size_t>((distinct + 199) / 200));
  const std::optional<long long> credits = Credits("restarted");

  Json st = Json::parse(ReadFile(state));
  ASSERT_TRUE(st["batches"].is_array()) << st.dump();
  for (Json& b : st["batches"]) {
    ASSERT_FALSE(b.value("batch_id", "").empty()) << st.dump();
    b["started"] = false;
    b["saved"] = false;
  }
  std::ofstream(state, std::ios::trunc) << st.dump(2);
  std::filesystem::remove(out);

  CommandResult again = RunCli(args, std::chrono::seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.Evidence();
  EXPECT_EQ(ReadFile(out), want);
  EXPECT_EQ(CountBatches(token), batches) << "a batch was created again";
  EXPECT_EQ(Credits("restarted"), credits) << "a batch was paid for again";
}

// Done-when (3): a 429-happy account still completes.
TEST_F(ClientTest, SmallRateLimitIsWaitedOutNotFailed) {
  const std::string in = dir() + "/in.csv";
  const int64_t distinct = WriteInput(in, 400, /*bom=*/false).distinct;
  const std::string token =
      CreateTokenWithDefaultLimit("slow", 1000000, {"--rate-limit", "8"});
  CommandResult r =
      RunCli(SubmitArgs(in, dir() + "/out.csv", token, {"--batch-size", "100"}),
             std::chrono::seconds(280));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_NE(r.out.find("rows: 400"), std::string::npos) << r.out;
  // It did run into the limit (and waited instead of failing).
  EXPECT_NE(r.out.find("rate limit: waited"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("credits charged: " + std::to_string(distinct)),
            std::string::npos)
      << r.out;
  std::vector<Row> out = ParseCsv(ReadFile(dir() + "/out.csv"));
  EXPECT_EQ(out.size(), 401u);
}

}  // namespace
}  // namespace phonebulk::it
