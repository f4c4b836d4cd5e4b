// `phonebulk submit --report` end to end (issue 15, item 5), and the client
// fetching results page by page with the server's own result columns
// (item 4): a real run against a real server writes FILE.json and
// FILE.html; every JSON figure is recounted here from the output file and,
// for countries, by libphonenumber's Python port; the page is opened in
// Debian's chromium (tests/browser/report_figures.mjs, playwright-core) and
// must show exactly the JSON's figures, fetch nothing and fit a narrow
// window. The page and its screenshots are copied to BUILD/test-artifacts.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using std::chrono::seconds;
using Row = std::vector<std::string>;

// The country libphonenumber's Python port places each E.164 number
// ("447400123456") in, or "" for none.
std::vector<std::string> Regions(const std::string& dir,
                                 const std::vector<std::string>& numbers) {
  std::ofstream(dir + "/regions.py")
      << "import json, sys\nimport phonenumbers as pn\n"
         "print(json.dumps([pn.region_code_for_number(pn.parse('+' + n)) or "
         "'' for n in json.load(open(sys.argv[1]))]))\n";
  std::ofstream(dir + "/numbers.json") << Json(numbers).dump();
  bool ok = false;
  std::string out = RunCommand(
      "/usr/bin/python3 " + dir + "/regions.py " + dir + "/numbers.json", &ok);
  if (!ok) return {};
  return Json::parse(out).get<std::vector<std::string>>();
}

// libphonenumber's example mobile number of 20 countries, international,
// and its example fixed-line number, national with an alpha-2 country: 20
// countries, more than the page's 15 bars.
const char* const kValid[][3] = {
    {"+44 7400 123456", "0121 234 5678", "GB"},
    {"+1 201-555-0123", "(201) 555-0124", "US"},
    {"+1 506-234-5678", "(506) 234-5679", "CA"},
    {"+33 6 12 34 56 78", "01 23 45 67 89", "FR"},
    {"+49 1512 3456789", "030 123456", "DE"},
    {"+39 312 345 6789", "02 1234 5678", "IT"},
    {"+34 612 34 56 78", "810 12 34 56", "ES"},
    {"+31 6 12345678", "010 123 4567", "NL"},
    {"+32 470 12 34 56", "012 34 56 78", "BE"},
    {"+41 78 123 45 67", "021 234 56 78", "CH"},
    {"+43 664 123456", "01 234567890", "AT"},
    {"+46 70 123 45 67", "08-12 34 56", "SE"},
    {"+47 406 12 345", "21 23 45 67", "NO"},
    {"+45 32 12 34 56", "32 12 34 57", "DK"},
    {"+48 512 345 678", "12 345 67 89", "PL"},
    {"+351 912 345 678", "21 234 5678", "PT"},
    {"+353 85 012 3456", "(022) 12345", "IE"},
    {"+61 412 345 678", "(02) 1234 5678", "AU"},
    {"+81 90-1234-5678", "03-1234-5678", "JP"},
    {"+55 11 96123-4567", "(11) 2345-6789", "BR"},
};

// A list as people have them: the valid numbers above, junk, an empty
// cell, a country that is none, and repeats.
std::string Export(int* sent, int* repeats) {
  std::string csv = "id,phone,country\n";
  int id = 0;
  auto row = [&](const std::string& phone, const std::string& country) {
    csv += std::to_string(++id) + "," + phone + "," + country + "\n";
  };
  *sent = 0;
  for (const auto& v : kValid) {
    row(v[0], "");
    row(v[1], v[2]);
    *sent += 2;
  }
  for (const char* junk : {"+44 1234", "+999 12345678", "hello", "+1 202 555",
                           "+44 7400 1234567890", "0000000000"}) {
    row(junk, "");
    ++*sent;
  }
  row("", "GB");           // empty
  row("12345", "Narnia");  // bad_country
  row(kValid[0][0], "");   // repeats
  row(kValid[0][1], "GB");
  row(kValid[3][1], "FR");
  row("hello", "");
  *repeats = 4;
  return csv;
}

class ClientReportTest : public ServerTest {};

TEST_F(ClientReportTest, ReportFiguresMatchTheOutputAndThePage) {
  int sent = 0;
  int repeats = 0;
  const std::string in = dir() + "/export.csv";
  std::ofstream(in, std::ios::binary) << Export(&sent, &repeats);
  const std::string token = CreateToken("acme");
  const std::optional<long long> before = Credits("acme");
  // Batches of 25 read in pages of 7: each batch takes ceil(25 / 7) = 4
  // results requests, the last one ceil(rest / 7).
  CommandResult r = RunCli({"submit",
                            in,
                            "--server",
                            "http://127.0.0.1:" + std::to_string(port()),
                            "--token",
                            token,
                            "--out",
                            dir() + "/out.csv",
                            "--country-column",
                            "country",
                            "--batch-size",
                            "25",
                            "--results-page",
                            "7",
                            "--progress-seconds",
                            "0",
                            "--report",
                            dir() + "/report.json",
                            "--report",
                            dir() + "/report.html"},
                           seconds(90));
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  const std::optional<long long> after = Credits("acme");
  ASSERT_TRUE(before && after);

  // Paged: the server answered as many results requests as pages.
  int pages = 0;
  for (int left = sent; left > 0; left -= 25)
    pages += (std::min(left, 25) + 6) / 7;
  const std::string metrics = Call("GET", "/metrics", "").body;
  std::smatch m;
  ASSERT_TRUE(std::regex_search(
      metrics, m,
      std::regex("phonebulk_http_requests_total\\{route=\"/phone/bulk/v1/"
                 "batches/\\{id\\}/results\",status=\"200\"\\} (\\d+)")))
      << metrics;
  EXPECT_EQ(std::stoi(m[1]), pages);

  // The server's CSV result columns, in its order.
  const std::vector<Row> out = SplitUnquotedCsv(ReadFile(dir() + "/out.csv"));
  ASSERT_EQ(out[0], (Row{"id", "phone", "country", "validated_phone_number",
                         "formatted_phone_number", "phone_type", "confidence",
                         "disposable_number", "valid", "reason"}));

  // ... which are the server's own CSV columns, bar its `number`.
  const Json batches = ListBatches(token).JsonBody()["result"]["batches"];
  ASSERT_FALSE(batches.empty());
  HttpResponse csv = Call("GET",
                          "/phone/bulk/v1/batches/" +
                              batches[0]["batch_id"].get<std::string>() +
                              "/results?include=validity&limit=1",
                          token, "", {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << csv.body;
  Row server = SplitUnquotedCsv(csv.body.substr(0, csv.body.find("\r\n")))[0];
  ASSERT_EQ(server[0], "number");
  EXPECT_EQ(Row(server.begin() + 1, server.end()),
            Row(out[0].begin() + 3, out[0].end()));

  // Every figure, counted again from the output file.
  Json want = {{"rows", static_cast<int>(out.size()) - 1},
               {"sent", sent},
               {"duplicates", repeats},
               {"credits_charged", *before - *after},
               {"credits_saved", repeats},
               {"not_sent", {{"empty", 1}, {"bad_row", 0}, {"bad_country", 1}}},
               {"valid", {{"yes", 0}, {"no", 0}, {"empty", 0}}}};
  std::map<std::string, int> types, reasons, confidence, countries;
  std::vector<std::string> valid_numbers;
  for (size_t i = 1; i < out.size(); ++i) {
    const Row& row = out[i];
    ASSERT_EQ(row.size(), 10u) << i;
    want["valid"][row[8]] = want["valid"][row[8]].get<int>() + 1;
    ++confidence[row[6]];
    if (row[8] == "yes") {
      ++types[row[5]];
      valid_numbers.push_back(row[3]);
    } else if (row[8] == "no") {
      ++reasons[row[9]];
    }
  }
  EXPECT_EQ(want["valid"]["yes"].get<size_t>(),
            2 * std::size(kValid) + 3);  // 3 repeats
  const std::vector<std::string> regions = Regions(dir(), valid_numbers);
  ASSERT_EQ(regions.size(), valid_numbers.size());
  for (const std::string& region : regions) ++countries[region];
  EXPECT_EQ(countries.size(), std::size(kValid));

  const Json report = Json::parse(ReadFile(dir() + "/report.json"));
  for (const auto& [key, value] : want.items()) {
    EXPECT_EQ(report[key], value) << key;
  }
  auto counts = [&](const char* list, const char* key) {
    std::map<std::string, int> got;
    for (const Json& item : report[list]) {
      got[item[key].get<std::string>()] = item["rows"].get<int>();
    }
    return got;
  };
  EXPECT_EQ(counts("line_types", "name"), types);
  EXPECT_EQ(counts("reasons", "name"), reasons);
  EXPECT_EQ(counts("confidence", "name"), confidence);
  EXPECT_EQ(counts("countries", "code"), countries);
  EXPECT_EQ(report["countries"][0]["code"], "GB");  // most rows (4) first
  EXPECT_EQ(report["countries"][0]["name"], "United Kingdom");

  // The page, as chromium shows it.
  const std::string browser = std::string(PHONEBULK_BROWSER_DIR);
  ASSERT_EQ(
      ::access((browser + "/node_modules/playwright-core/package.json").c_str(),
               R_OK),
      0)
      << "playwright-core is missing: run scripts/install-deps.sh";
  bool ok = false;
  const std::string seen =
      RunCommand("node '" + browser + "/report_figures.mjs' '" + dir() +
                     "/report.html' '" + dir() + "/report'",
                 &ok);
  ASSERT_TRUE(ok) << seen;
  const Json page = Json::parse(seen);
  EXPECT_EQ(page["requests"], Json::array()) << "the page fetched something";
  EXPECT_EQ(page["errors"], Json::array());
  EXPECT_FALSE(page["overflow"]["wide"].get<bool>());
  EXPECT_FALSE(page["overflow"]["narrow"].get<bool>())
      << "the page scrolls sideways at 360 px";
  EXPECT_NE(page["title"].get<std::string>().find("export.csv"),
            std::string::npos);
  // The JSON's figures, by the path the page marks them with.
  std::map<std::string, long long> figures;
  for (const char* key :
       {"rows", "sent", "duplicates", "credits_charged", "credits_saved"}) {
    figures[key] = report[key].get<long long>();
  }
  for (const char* group : {"valid", "not_sent"}) {
    for (const auto& [k, v] : report[group].items()) {
      figures[std::string(group) + "." + k] = v.get<long long>();
    }
  }
  for (const auto& [list, key] :
       std::vector<std::pair<const char*, const char*>>{
           {"line_types", "name"},
           {"countries", "code"},
           {"reasons", "name"},
           {"confidence", "name"}}) {
    for (const Json& item : report[list]) {
      figures[std::string(list) + "." + item[key].get<std::string>()] =
          item["rows"].get<long long>();
    }
  }
  for (const auto& [path, value] : figures) {
    ASSERT_TRUE(page["figures"].contains(path)) << path << " is not shown";
    for (const Json& shown : page["figures"][path]) {
      EXPECT_EQ(shown["value"].get<long long>(), value) << path;
      std::string text = shown["text"].get<std::string>();
      std::erase(text, ',');  // 1,234 as people read it
      EXPECT_EQ(text, std::to_string(value)) << path;
      EXPECT_TRUE(shown["visible"].get<bool>()) << path;
    }
  }
  EXPECT_EQ(page["figures"].size(), figures.size())
      << "the page shows figures the JSON does not have";
  EXPECT_EQ(::access((dir() + "/report-wide.png").c_str(), R_OK), 0);
  // The page and its screenshots outlive the test's directory, for a look.
  std::filesystem::create_directories(PHONEBULK_ARTIFACTS_DIR);
  for (const char* file :
       {"report.html", "report.json", "report-wide.png", "report-narrow.png"}) {
    std::filesystem::copy_file(
        dir() + "/" + file, std::string(PHONEBULK_ARTIFACTS_DIR) + "/" + file,
        std::filesystem::copy_options::overwrite_existing);
  }
}

TEST(ClientReportUsage, UnknownReportKindExitsTwoBeforeAnyWork) {
  CommandResult r =
      RunCli({"submit", "/dev/null", "--server", "http://127.0.0.1:9",
              "--token", "t", "--report", "report.txt"},
             seconds(30));
  EXPECT_EQ(r.exit_code, 2) << r.Evidence();
  EXPECT_NE(r.err.find("must end in .html"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace phonebulk::it
