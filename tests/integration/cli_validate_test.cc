// `phonebulk validate`, the offline CLI (issue 3, item 8): runs the built
// binary on numbers given as arguments, in a file and on stdin, and checks
// the table, the JSON Lines output, the flags' errors and exit codes, and
// that --json writes exactly what the Bulk API writes for the same numbers.
//
// Expected values come from libphonenumber 8.12.57 (Debian's
// python3-phonenumbers 8.12.57-4 for carrier and geocoding data) and
// mobile-broadband-provider-info 20230416-1 (gb Vodafone 234/15); see
// intelligence_test.cc for how each was looked up.

#include <cstdio>
#include <fstream>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

// The JSON objects of a --json run, one a line; adds a failure for any line
// that is not a JSON object.
std::vector<Json> JsonLines(const CommandResult& r) {
  std::vector<Json> out;
  size_t start = 0;
  while (start < r.out.size()) {
    size_t end = r.out.find('\n', start);
    if (end == std::string::npos) end = r.out.size();
    std::string line = r.out.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    Json j = Json::parse(line, nullptr, false);
    EXPECT_TRUE(j.is_object()) << "not a JSON object: " << line << r.Evidence();
    out.push_back(j);
  }
  return out;
}

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

TEST(CliValidateTest, JsonLinesCarryTheBulkFieldsAndMetadata) {
  CommandResult r =
      RunCli({"validate", "+441206250380", "447500123456", "12345", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  std::vector<Json> phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 3u) << r.Evidence();

  // A Colchester landline: no carrier (libphonenumber names none for
  // landlines).
  EXPECT_EQ(phones[0].value("number", "?"), "+441206250380");
  EXPECT_EQ(phones[0].value("validated_phone_number", "?"), "441206250380");
  EXPECT_EQ(phones[0].value("formatted_phone_number", "?"), "441206250380");
  EXPECT_EQ(phones[0].value("phone_type", "?"), "landline");
  EXPECT_EQ(phones[0].value("confidence", "?"), "unknown");
  EXPECT_EQ(phones[0].value("disposable_number", "?"), "unknown");
  EXPECT_FALSE(phones[0].contains("ported_date"));
  EXPECT_FALSE(phones[0].contains("location"));
  EXPECT_FALSE(phones[0].contains("time_zones"));
  const Json& m0 = phones[0]["metadata"];
  EXPECT_EQ(m0.value("country_iso", "?"), "GBR");
  EXPECT_EQ(m0.value("country_name", "?"), "United Kingdom");
  EXPECT_EQ(m0.value("country_prefix", "?"), "44");
  EXPECT_EQ(m0.value("is_ported", "?"), "unknown");
  EXPECT_FALSE(m0.contains("operator_name"));

  // pn 447500 -> Vodafone; mbpi gb Vodafone 234/15.
  EXPECT_EQ(phones[1].value("phone_type", "?"), "mobile");
  const Json& m1 = phones[1]["metadata"];
  EXPECT_EQ(m1.value("original_operator_name", "?"), "Vodafone");
  EXPECT_EQ(m1.value("operator_name", "?"), "Vodafone");
  EXPECT_EQ(m1.value("original_home_network_identity", "?"), "23415");
  EXPECT_EQ(m1.value("home_network_identity", "?"), "23415");

  // An invalid number is a result, not an error (exit 0 above).
  EXPECT_EQ(phones[2].value("number", "?"), "12345");
  EXPECT_EQ(phones[2].value("confidence", "?"), "unverified");
  for (const Json& p : phones) EXPECT_EQ(FindNulls(p), "") << p;
}

TEST(CliValidateTest, CountryFormatAndExtensions) {
  CommandResult r = RunCli({"validate", "01206250380", "07500123456",
                            "--country", "gbr", "--format", "NATIONAL",
                            "--json", "--include", "location,time_zones"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  std::vector<Json> phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 2u) << r.Evidence();
  EXPECT_EQ(phones[0].value("validated_phone_number", "?"), "441206250380");
  EXPECT_EQ(phones[0].value("formatted_phone_number", "?"), "01206 250380");
  // pn geocoder 441206 -> Colchester; time zones 441206 -> Europe/London.
  EXPECT_EQ(phones[0].value("location", "?"), "Colchester");
  EXPECT_EQ(phones[0]["time_zones"], Json({"Europe/London"}));
  EXPECT_EQ(phones[1].value("formatted_phone_number", "?"), "07500 123456");

  // As dialled from the USA.
  r = RunCli({"validate", "+441206250380", "--format", "USA", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 1u);
  EXPECT_EQ(phones[0].value("formatted_phone_number", "?"),
            "011 44 1206 250380");
}

TEST(CliValidateTest, TableIsAligned) {
  CommandResult r =
      RunCli({"validate", "+441206250380", "+447500123456", "not a number"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  std::vector<std::string> lines = Lines(r.out);
  ASSERT_EQ(lines.size(), 4u) << r.Evidence();
  EXPECT_EQ(lines[0].rfind("NUMBER", 0), 0u) << lines[0];
  // Every column starts at the same offset on every line.
  for (const char* column : {"VALIDATED", "FORMATTED", "TYPE", "CONFIDENCE",
                             "COUNTRY", "OPERATOR"}) {
    size_t at = lines[0].find(column);
    ASSERT_NE(at, std::string::npos) << column << "\n" << r.out;
    for (size_t i = 1; i < lines.size(); ++i) {
      ASSERT_GT(lines[i].size(), at) << lines[i];
      EXPECT_NE(lines[i][at], ' ') << column << " on line " << i << "\n"
                                   << r.out;
      EXPECT_EQ(lines[i][at - 1], ' ') << column << " on line " << i << "\n"
                                       << r.out;
    }
  }
  EXPECT_NE(lines[1].find("landline"), std::string::npos) << lines[1];
  EXPECT_NE(lines[1].find("GBR"), std::string::npos) << lines[1];
  EXPECT_NE(lines[2].find("Vodafone"), std::string::npos) << lines[2];
  EXPECT_NE(lines[3].find("unverified"), std::string::npos) << lines[3];
}

TEST(CliValidateTest, BadFlagsExitTwo) {
  struct Case {
    std::vector<std::string> args;
    std::string mentions;
  };
  const std::vector<Case> cases = {
      {{"validate", "01206250380", "--country", "XYZ"}, "XYZ"},
      {{"validate", "01206250380", "--country", "GB"}, "GB"},
      {{"validate", "441206250380", "--format", "FANCY"}, "FANCY"},
      {{"validate", "441206250380", "--include", "weather"}, "weather"},
      {{"validate"}, "--file"},
  };
  for (const Case& c : cases) {
    CommandResult r = RunCli(c.args);
    EXPECT_EQ(r.exit_code, 2) << r.Evidence();
    EXPECT_NE(r.err.find(c.mentions), std::string::npos) << r.Evidence();
    EXPECT_EQ(r.out, "") << r.Evidence();
  }
}

TEST(CliValidateTest, FileWithPerLineCountries) {
  TempDir tmp;
  std::string path = tmp.path() + "/numbers.txt";
  // CRLF and blank lines are tolerated; a TAB gives the line's country.
  WriteFile(path,
            "+441206250380\n"
            "07500123456\tGBR\r\n"
            "\n"
            "2026298914\tusa\n"
            "2026298914\n");
  CommandResult r =
      RunCli({"validate", "--file", path, "--json", "--country", "GBR"});
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  std::vector<Json> phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 4u) << r.Evidence();
  EXPECT_EQ(phones[0].value("validated_phone_number", "?"), "441206250380");
  EXPECT_EQ(phones[1].value("number", "?"), "07500123456");
  EXPECT_EQ(phones[1].value("validated_phone_number", "?"), "447500123456");
  EXPECT_EQ(phones[2].value("validated_phone_number", "?"), "12026298914");
  EXPECT_EQ(phones[2].value("phone_type", "?"), "mobile or landline");
  // Without a line country, --country GBR applies: not a valid UK number.
  EXPECT_EQ(phones[3].value("confidence", "?"), "unverified");
}

TEST(CliValidateTest, BadLineIsSkippedAndReported) {
  TempDir tmp;
  std::string path = tmp.path() + "/numbers.txt";
  WriteFile(path, "+441206250380\n07500123456\tUK\n+447500123456\n");
  CommandResult r = RunCli({"validate", "--file", path, "--json"});
  EXPECT_EQ(r.exit_code, 1) << r.Evidence();
  EXPECT_NE(r.err.find(":2:"), std::string::npos) << r.Evidence();
  EXPECT_NE(r.err.find("'UK'"), std::string::npos) << r.Evidence();
  std::vector<Json> phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 2u) << r.Evidence();
  EXPECT_EQ(phones[1].value("number", "?"), "+447500123456");

  r = RunCli({"validate", "--file", tmp.path() + "/missing.txt"});
  EXPECT_EQ(r.exit_code, 1) << r.Evidence();
  EXPECT_NE(r.err.find("missing.txt"), std::string::npos) << r.Evidence();
}

TEST(CliValidateTest, StdinAndDisposableFile) {
  TempDir tmp;
  std::string numbers = tmp.path() + "/numbers.txt";
  std::string list = tmp.path() + "/disposable.txt";
  WriteFile(numbers, "447400123456\n441206250380\n");
  WriteFile(list, "range 447400  # test entry\n");
  // RunCli gives the child /dev/null as stdin, so the shell feeds it here.
  std::string command = "'" + BinaryPath() +
                        "' validate --file - --json --disposable-file '" +
                        list + "' < '" + numbers + "'";
  FILE* pipe = ::popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  CommandResult r;
  r.command_line = command;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) r.out.append(buf, n);
  int status = ::pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << r.Evidence();
  EXPECT_EQ(WEXITSTATUS(status), 0) << r.Evidence();
  std::vector<Json> phones = JsonLines(r);
  ASSERT_EQ(phones.size(), 2u) << r.Evidence();
  EXPECT_EQ(phones[0].value("disposable_number", "?"), "yes");
  EXPECT_EQ(phones[1].value("disposable_number", "?"), "unknown");
}

// The CLI and the Bulk API share one per-number path: for the same numbers
// and options, --json prints exactly the phone objects of a completed
// batch's results with Add-Metadata (and the same include).
class CliMatchesBulkTest : public ServerTest {};

TEST_F(CliMatchesBulkTest, SameFieldsAndValues) {
  const std::vector<std::string> numbers = {"01206250380",
                                            "07500123456",
                                            "+254712123456",
                                            "+61400123456",
                                            "2026298914",
                                            "12345",
                                            "",
                                            "+12269724276"};
  std::string token = CreateToken("cli-acct");
  Json body = PhonesBody(
      numbers, {{"country_iso", "GBR"}, {"output_format", "INTERNATIONAL"}});
  std::string id = CreateBatchId(token, body);
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(StartBatch(token, id).status, 200);
  WaitForStatus(token, id, "completed", 20s);
  HttpResponse results =
      Call("GET", BatchPath(id) + "/results?include=location,time_zones", token,
           "", {{"Add-Metadata", "true"}});
  ASSERT_EQ(results.status, 200) << results.Evidence();
  Json bulk = results.JsonBody()["result"]["phones"];
  ASSERT_EQ(bulk.size(), numbers.size()) << results.Evidence();

  std::vector<std::string> args = {
      "validate", "--json",        "--country", "GBR",
      "--format", "INTERNATIONAL", "--include", "location,time_zones"};
  args.insert(args.end(), numbers.begin(), numbers.end());
  CommandResult r = RunCli(args);
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  std::vector<Json> cli = JsonLines(r);
  ASSERT_EQ(cli.size(), numbers.size()) << r.Evidence();
  for (size_t i = 0; i < numbers.size(); ++i) {
    EXPECT_EQ(cli[i], bulk[i]) << "number '" << numbers[i] << "'";
  }
}

}  // namespace
}  // namespace phonebulk::it
