// Issue 10, admin and validate CLI: inputs checked at the door (domain
// allow-lists, account names, credit arithmetic) and every echoed text
// clean (valid UTF-8, no terminal control sequences). One test per
// finding, each named after it; each runs the built binary on a fresh
// SQLite file.

#include <rapidjson/document.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

constexpr char kInt64Max[] = "9223372036854775807";

// What may not reach a terminal: "" when `text` is valid UTF-8 with no C0
// control (other than the line feeds between lines), DEL, C1 control or
// ESC; else a description of the first offence.
std::string TerminalHazard(const std::string& text) {
  rapidjson::Document doc;
  // A JSON string of the text checks the UTF-8 for us.
  std::string quoted = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  quoted += '"';
  for (size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) {
      return "control byte " + std::to_string(c) + " at " + std::to_string(i);
    }
    if (c == 0xc2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      return "C1 control at " + std::to_string(i);
    }
  }
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(quoted.data(), quoted.size());
  if (doc.HasParseError()) return "invalid UTF-8 near byte " + std::to_string(doc.GetErrorOffset());
  return "";
}

class HardeningCliTest : public ::testing::Test {
 protected:
  std::string Db() const { return "sqlite:" + tmp_.path() + "/cli.db"; }
  // Creates the database with one account "base".
  void SetUp() override {
    CommandResult r = RunCli({"token", "create", "--db", Db(), "--create", "--account", "base"});
    ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  }
  CommandResult TokenCreate(const std::vector<std::string>& extra) {
    std::vector<std::string> args = {"token", "create", "--db", Db()};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunCli(args);
  }
  std::string TokenList() { return RunCli({"token", "list", "--db", Db()}).out; }
  TempDir tmp_;
};

TEST_F(HardeningCliTest, AllowDomainAcceptsHostNamesOnly) {
  struct Refused {
    std::string value, reason;
  };
  const std::vector<Refused> refused = {
      {"*", "bare '*'"},
      {"*.", "bare '*'"},
      {"https://acme.example", "host name only"},
      {"acme.example/", "host name only"},
      {"acme.example:443", "host name only"},
      {"user@acme.example", "host name only"},
      {"acme .example", "only letters, digits"},
      {"acme..example", "1 to 63 characters"},
      {"*acme.example", "only letters, digits"},
      {"acme.*.example", "only letters, digits"},
      {"10.0.0.1", "--allow-ip"},
      {"", "bare '*'"},
  };
  const std::string before = TokenList();
  for (const Refused& r : refused) {
    CommandResult c = TokenCreate({"--account", "web", "--allow-domain", r.value});
    EXPECT_NE(c.exit_code, 0) << r.value << c.Evidence();
    EXPECT_NE(c.err.find("--allow-domain: '" + r.value + "' is refused"), std::string::npos)
        << c.Evidence();
    EXPECT_NE(c.err.find(r.reason), std::string::npos) << r.value << c.Evidence();
    EXPECT_EQ(c.out.find("pb_"), std::string::npos) << "a token was issued" << c.Evidence();
  }
  EXPECT_EQ(TokenList(), before) << "a refused command stored a token";

  for (const char* ok : {"acme.example", "*.acme.example", "ACME.Example", "xn--bcher-kva.example",
                         "localhost"}) {
    CommandResult c = TokenCreate({"--account", "web", "--allow-domain", ok});
    EXPECT_EQ(c.exit_code, 0) << ok << c.Evidence();
    EXPECT_EQ(c.LastLine().rfind("pb_", 0), 0u) << c.Evidence();
  }
}

TEST_F(HardeningCliTest, AccountNamesArePrintable) {
  const std::vector<std::string> bad = {
      "red\x1b[31mname", "tab\there", "line\nbreak", "bell\x07", "csi\xc2\x9b" "2J",
      "bad\xff\xfe", "rtl\xe2\x80\xae" "evil", "del\x7f"};
  for (const std::string& name : bad) {
    CommandResult c = TokenCreate({"--account", name});
    EXPECT_EQ(c.exit_code, 1) << c.Evidence();
    EXPECT_NE(c.err.find("--account: "), std::string::npos) << c.Evidence();
    EXPECT_EQ(TerminalHazard(c.err), "") << c.Evidence();
    EXPECT_EQ(c.out.find("pb_"), std::string::npos) << c.Evidence();
  }
  CommandResult list = RunCli({"account", "list", "--db", Db()});
  ASSERT_EQ(list.exit_code, 0) << list.Evidence();
  EXPECT_EQ(list.out.rfind("base ", 0), 0u) << list.Evidence();
  EXPECT_EQ(list.out.find('\n'), list.out.size() - 1) << "a refused name was stored"
                                                      << list.Evidence();

  for (const std::string& name : {std::string("Acme Ltd"), std::string("Zo\xc3\xab & Co"),
                                  std::string("\xe6\x9d\xb1\xe4\xba\xac")}) {
    CommandResult c = TokenCreate({"--account", name});
    EXPECT_EQ(c.exit_code, 0) << c.Evidence();
    CommandResult show = RunCli({"account", "show", "--db", Db(), name, "--json"});
    ASSERT_EQ(show.exit_code, 0) << show.Evidence();
    EXPECT_EQ(Json::parse(show.LastLine(), nullptr, false).value("name", ""), name);
  }
  // Looking up a hostile name echoes it cleaned.
  CommandResult missing = RunCli({"account", "show", "--db", Db(), "x\x1b]0;pwned\x07\xff"});
  EXPECT_EQ(missing.exit_code, 1) << missing.Evidence();
  EXPECT_EQ(TerminalHazard(missing.err), "") << missing.Evidence();
}

TEST_F(HardeningCliTest, CreditAtInt64MaxReportsOverflow) {
  ASSERT_EQ(TokenCreate({"--account", "rich", "--credits", kInt64Max}).exit_code, 0);
  auto balance = [&] {
    CommandResult show = RunCli({"account", "show", "--db", Db(), "rich", "--json"});
    Json j = Json::parse(show.LastLine(), nullptr, false);
    return j.is_object() ? j.value("credits", -1LL) : -1LL;
  };
  ASSERT_EQ(balance(), INT64_MAX);

  CommandResult more = RunCli({"account", "credit", "--db", Db(), "rich", "--add", "1"});
  EXPECT_EQ(more.exit_code, 1) << more.Evidence();
  EXPECT_NE(more.err.find("cannot add 1 credits"), std::string::npos) << more.Evidence();
  EXPECT_NE(more.err.find(std::string("may not exceed ") + kInt64Max), std::string::npos)
      << more.Evidence();
  EXPECT_EQ(more.err.find("cannot take"), std::string::npos) << more.Evidence();
  // token create adds credits the same way.
  CommandResult again = TokenCreate({"--account", "rich", "--credits", "5"});
  EXPECT_EQ(again.exit_code, 1) << again.Evidence();
  EXPECT_NE(again.err.find("may not exceed"), std::string::npos) << again.Evidence();
  EXPECT_EQ(balance(), INT64_MAX) << "the balance changed";

  // The other end: taking INT64_MIN is refused with its true size.
  CommandResult take =
      RunCli({"account", "credit", "--db", Db(), "base", "--add", "-9223372036854775808"});
  EXPECT_EQ(take.exit_code, 1) << take.Evidence();
  EXPECT_NE(take.err.find("cannot take 9223372036854775808 credits"), std::string::npos)
      << take.Evidence();
  // Ordinary arithmetic still works.
  CommandResult less = RunCli({"account", "credit", "--db", Db(), "rich", "--add", "-7"});
  EXPECT_EQ(less.exit_code, 0) << less.Evidence();
  EXPECT_EQ(balance(), INT64_MAX - 7);
}

TEST(HardeningValidateCliTest, ValidateJsonWritesCleanUtf8) {
  const std::string hostile = "12\xff\xc2\x9b" "31m\x1b[2J34\xe2\x80\xae";
  CommandResult json = RunCli({"validate", "--json", hostile, "+441206250380"});
  ASSERT_EQ(json.exit_code, 0) << json.Evidence();
  EXPECT_EQ(TerminalHazard(json.out), "") << json.Evidence();
  std::istringstream lines(json.out);
  std::string line;
  std::vector<std::string> numbers;
  while (std::getline(lines, line)) {
    rapidjson::Document doc;
    doc.Parse<rapidjson::kParseValidateEncodingFlag>(line.data(), line.size());
    ASSERT_FALSE(doc.HasParseError()) << "not valid JSON/UTF-8: " << line;
    ASSERT_TRUE(doc.IsObject() && doc["number"].IsString()) << line;
    numbers.emplace_back(doc["number"].GetString(), doc["number"].GetStringLength());
  }
  ASSERT_EQ(numbers.size(), 2u) << json.Evidence();
  // Bad bytes become U+FFFD, controls readable escapes; a clean number is
  // echoed as given.
  EXPECT_EQ(numbers[0], "12\xef\xbf\xbd\\u009b31m\\x1b[2J34\\u202e");
  EXPECT_EQ(numbers[1], "+441206250380");

  CommandResult table = RunCli({"validate", hostile});
  ASSERT_EQ(table.exit_code, 0) << table.Evidence();
  EXPECT_EQ(TerminalHazard(table.out), "") << table.Evidence();
  EXPECT_NE(table.out.find("12\xef\xbf\xbd\\u009b31m\\x1b[2J34"), std::string::npos)
      << table.Evidence();
}

TEST(HardeningValidateCliTest, CliErrorsEchoCleanText) {
  TempDir tmp;
  const std::string file = tmp.path() + "/numbers.txt";
  {
    std::ofstream out(file, std::ios::binary);
    out << "+441206250380\t\x1b]0;pwned\x07\n+441206250380\tGB\xff\n";
  }
  const std::vector<std::vector<std::string>> runs = {
      {"validate", "--country", "\x1b[2J\xff"},
      {"validate", "--format", "\xc2\x9b" "31m"},
      {"validate", "--include", "loc\x1b[31m"},
      {"validate", "--file", tmp.path() + "/no\x1b[2J\xff.txt"},
      {"validate", "--file", file},
      {"token", "create", "--db", "sqlite:" + tmp.path() + "/x\x1b[2J.db", "--account", "a"},
      {"serve", "--db", "sqlite:" + tmp.path() + "/y\x1b[2J.db", "--listen", "127.0.0.1:0"},
      {"serve", "--listen", "\x1b[2J\xff"},
  };
  for (const auto& args : runs) {
    CommandResult r = RunCli(args);
    EXPECT_NE(r.exit_code, 0) << r.Evidence();
    EXPECT_FALSE(r.err.empty()) << r.Evidence();
    EXPECT_EQ(TerminalHazard(r.err), "") << r.Evidence();
  }
  CommandResult lines = RunCli({"validate", "--file", file});
  EXPECT_NE(lines.err.find(":1: '\\x1b]0;pwned\\x07' is not an ISO 3166"), std::string::npos)
      << lines.Evidence();
}

// `phonebulk --version` alone, although every other use needs a
// subcommand: the version CMake's project() gives (passed to this test as
// PHONEBULK_PROJECT_VERSION) on the first line, only clean text, exit 0.
TEST(VersionFlagTest, PrintsTheProjectVersionAndExitsZero) {
  CommandResult r = RunCli({"--version"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_EQ(r.out.substr(0, r.out.find('\n')),
            std::string("phonebulk ") + PHONEBULK_PROJECT_VERSION)
      << r.Evidence();
  EXPECT_EQ(TerminalHazard(r.out), "") << r.Evidence();
  EXPECT_EQ(r.err, "") << r.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
