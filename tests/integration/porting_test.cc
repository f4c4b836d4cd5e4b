// `phonebulk porting import|lookup` (issue 6, item 3): runs the built binary
// on CSV files with good and bad rows and checks the counts, the grouped
// reasons, the exit codes, merge and replace, and what `porting lookup`
// prints afterwards.

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::trunc | std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << path;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PortingCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // A database of its own on PostgreSQL when the suite runs there.
    if (std::string pg = PgServerUrlFromEnv(); !pg.empty()) {
      pg_ = std::make_unique<PgDatabase>(pg);
    }
  }
  std::string db() const {
    return pg_ ? pg_->url() : "sqlite:" + dir_.path() + "/db.sqlite";
  }

  // Writes `csv` to a file and imports it with `flags`.
  CommandResult Import(const std::string& csv,
                       std::vector<std::string> flags = {}) {
    const std::string file =
        dir_.path() + "/in" + std::to_string(files_++) + ".csv";
    WriteFile(file, csv);
    // --create: these tests import into a fresh database, with no server.
    std::vector<std::string> args = {"porting", "import", "--create", "--db",
                                     db(), file};
    args.insert(args.end(), flags.begin(), flags.end());
    return RunCli(args);
  }

  CommandResult Lookup(std::vector<std::string> numbers) {
    std::vector<std::string> args = {"porting", "lookup", "--db", db()};
    args.insert(args.end(), numbers.begin(), numbers.end());
    return RunCli(args);
  }

  TempDir dir_;
  std::unique_ptr<PgDatabase> pg_;
  int files_ = 0;
};

TEST_F(PortingCliTest, ImportsGoodRowsAndReportsBadOnesByReason) {
  // A BOM, columns in another order, CRLF, quoted fields, a blank line.
  const std::string csv =
      "\xEF\xBB\xBF"
      "mccmnc,number,ported_date,operator_name\r\n"
      "23415,+447400123456,2019-08-21,Vodafone\r\n"             // row 2
      ",447400000001,2019-08-21T10:00:00+02:00,\"O2, UK\"\r\n"  // row 3
      "23410,447400000002,,\r\n"                                // row 4
      "23410,44740O000003,2019-08-21,O2\r\n"                    // row 5
      "23410,,2019-08-21,O2\r\n"                                // row 6
      "23410,447400000004,21/08/2019,O2\r\n"                    // row 7
      "2341,447400000005,2019-08-21,O2\r\n"                     // row 8
      "23410,447400000006\r\n"                                  // row 9
      "\r\n"
      "23410,4474000000071234,2019-08-21,O2\r\n"  // row 10
      "234150,447400000008,2019-08-21T00:00:00Z," +
      std::string(201, 'a') + "\r\n";  // row 11
  CommandResult r = Import(csv);
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  // The cases: each rejected row, its reason line and its message.
  EXPECT_TRUE(Contains(r.out, "mode: merge\n")) << r.Evidence();
  EXPECT_TRUE(Contains(r.out, "rows read: 10\n")) << r.Evidence();
  EXPECT_TRUE(Contains(r.out, "accepted: 3\n")) << r.Evidence();
  EXPECT_TRUE(Contains(r.out, "rejected: 7\n")) << r.Evidence();
  const char* expected[] = {
      "  number is not E.164 digits: 3 (rows 5, 6, 10)\n"
      "    row 5: number '44740O000003' is not E.164 digits\n",
      "  ported_date is not an ISO-8601 date or date-time: 1 (row 7)\n"
      "    row 7: ported_date '21/08/2019' is not an ISO-8601 date",
      "  mccmnc is not 5 or 6 digits: 1 (row 8)\n"
      "    row 8: mccmnc '2341' is not 5 or 6 digits\n",
      "  wrong number of fields: 1 (row 9)\n"
      "    row 9: has 2 fields, the header has 4\n",
      "  operator_name is too long: 1 (row 11)\n"
      "    row 11: operator_name has 201 characters (at most 200)\n",
  };
  for (const char* e : expected) {
    EXPECT_TRUE(Contains(r.out, e)) << e << r.Evidence();
  }

  CommandResult l = Lookup({"+447400123456", "447400000001", "447400000002",
                            "447400000004", "447400999999"});
  ASSERT_EQ(l.exit_code, 0) << l.Evidence();
  EXPECT_EQ(l.out,
            "447400123456\tVodafone\t23415\t2019-08-21T00:00:00Z\n"
            "447400000001\tO2, UK\t-\t2019-08-21T08:00:00Z\n"
            "447400000002\t-\t23410\t-\n"
            "447400000004\tnot found\n"
            "447400999999\tnot found\n")
      << l.Evidence();
}

TEST_F(PortingCliTest, MergeUpdatesAndReplaceStartsOver) {
  const std::string header = "number,operator_name,mccmnc,ported_date\n";
  ASSERT_EQ(Import(header + "1001,A,23410,\n1002,B,23415,\n").exit_code, 0);
  CommandResult merge =
      Import(header + "1002,B2,23420,2020-01-02\n1003,C,,\n", {"--merge"});
  ASSERT_EQ(merge.exit_code, 0) << merge.Evidence();
  CommandResult l = Lookup({"1001", "1002", "1003"});
  EXPECT_EQ(l.out,
            "1001\tA\t23410\t-\n"
            "1002\tB2\t23420\t2020-01-02T00:00:00Z\n"
            "1003\tC\t-\t-\n")
      << l.Evidence();

  // Semicolons, as some spreadsheets export.
  CommandResult replace =
      Import("number;operator_name;mccmnc;ported_date\n1003;C2;;\n",
             {"--replace", "--delimiter", ";"});
  ASSERT_EQ(replace.exit_code, 0) << replace.Evidence();
  EXPECT_TRUE(Contains(replace.out, "mode: replace\n")) << replace.Evidence();
  l = Lookup({"1001", "1002", "1003"});
  EXPECT_EQ(l.out, "1001\tnot found\n1002\tnot found\n1003\tC2\t-\t-\n")
      << l.Evidence();
}

TEST_F(PortingCliTest, FatalErrorsExitOneAndChangeNothing) {
  const std::string header = "number,operator_name,mccmnc,ported_date\n";
  ASSERT_EQ(Import(header + "1001,A,,\n").exit_code, 0);
  struct Case {
    const char* name;
    std::string csv;
    std::vector<std::string> flags;
    const char* message;
  };
  const Case cases[] = {
      {"missing column",
       "number,operator_name,mccmnc\n1002,B,\n",
       {},
       "the header has no 'ported_date' column"},
      {"duplicate column",
       "number,operator_name,mccmnc,ported_date,number\n",
       {},
       "the header names column 'number' twice"},
      {"empty file", "", {}, "is empty: it needs a header row"},
      // A replace with nothing valid would empty the table.
      {"replace without a good row",
       header + "abc,B,,\n",
       {"--replace"},
       "no row was accepted"},
      {"bad delimiter", header, {"--delimiter", "ab"}, "--delimiter"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    CommandResult r = Import(c.csv, c.flags);
    EXPECT_EQ(r.exit_code, 1) << r.Evidence();
    EXPECT_TRUE(Contains(r.err, c.message)) << r.Evidence();
  }
  CommandResult missing =
      RunCli({"porting", "import", "--db", db(), dir_.path() + "/nope.csv"});
  EXPECT_EQ(missing.exit_code, 1) << missing.Evidence();
  EXPECT_TRUE(Contains(missing.err, "cannot read")) << missing.Evidence();

  CommandResult l = Lookup({"1001", "1002"});
  EXPECT_EQ(l.out, "1001\tA\t-\t-\n1002\tnot found\n") << l.Evidence();
}

TEST_F(PortingCliTest, ReasonsListTheFirstRowsAndProgressGoesToStderr) {
  std::string csv = "number,operator_name,mccmnc,ported_date\n";
  for (int i = 0; i < 100'010; ++i) {
    csv += i < 8 ? "bad" : std::to_string(447400000000LL + i);
    csv += ",Op,23415,2019-08-21\n";
  }
  CommandResult r = Import(csv);
  ASSERT_EQ(r.exit_code, 0) << r.Evidence();
  EXPECT_TRUE(Contains(r.out, "accepted: 100002\nrejected: 8\n"))
      << r.Evidence();
  EXPECT_TRUE(Contains(r.out,
                       "  number is not E.164 digits: 8 (rows 2, 3, 4, 5, 6, "
                       "...)\n"))
      << r.Evidence();
  EXPECT_TRUE(Contains(r.err,
                       "porting import: 100000 rows read, 99992 "
                       "accepted, 8 rejected"))
      << r.Evidence();
}


// The imported file is consulted for every valid number a batch processes:
// the current operator and network, is_ported and (on request, for one
// credit) the ported date. Numbers the file does not list keep "unknown".
class PortingBatchTest : public ServerTest {};

TEST_F(PortingBatchTest, ImportedFactsReachBatchResults) {
  std::string csv_path = dir() + "/porting.csv";
  WriteFile(csv_path,
            "number,operator_name,mccmnc,ported_date\n"
            "447400123456,Vodafone,23415,2019-08-21\n");
  CommandResult import = RunCli({"porting", "import", "--db", db(), csv_path});
  ASSERT_EQ(import.exit_code, 0) << import.Evidence();

  std::string token = CreateToken("porting", 100);
  std::string id = CreateBatchId(
      token, PhonesBody({"+447400123456", "+447400123457"},
                        {{"get_ported_date", true}}));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  WaitForStatus(token, id, "completed");
  HttpResponse r = BatchResults(token, id, {{"Add-Metadata", "true"}});
  Json body = r.JsonBody();
  const Json& phones = body["result"]["phones"];
  ASSERT_EQ(phones.size(), 2u) << r.Evidence();
  EXPECT_EQ(phones[0]["ported_date"], "2019-08-21T00:00:00.000000Z");
  EXPECT_EQ(phones[0]["metadata"]["is_ported"], "yes");
  EXPECT_EQ(phones[0]["metadata"]["operator_name"], "Vodafone");
  EXPECT_EQ(phones[0]["metadata"]["home_network_identity"], "23415");
  EXPECT_EQ(phones[1]["ported_date"], "unknown");
  EXPECT_EQ(phones[1]["metadata"]["is_ported"], "unknown");
  // One credit a phone, one more for the date returned.
  EXPECT_EQ(body["result"]["credits_charged"], 3);
  EXPECT_EQ(Credits("porting"), 97);
}

}  // namespace
}  // namespace phonebulk::it
