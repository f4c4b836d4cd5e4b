// Unit tests of the bulk client's pieces: CSV streaming, CSV writing, the
// state file, backoff and result rows. The end-to-end runs against a real
// server are in tests/integration/client_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "client/backoff.h"
#include "client/csv_io.h"
#include "client/input_scan.h"
#include "client/result_row.h"
#include "client/state.h"

namespace phonebulk::client {
namespace {

std::string TempPath(const std::string& name) {
  return (std::filesystem::temp_directory_path() /
          ("pbclient_" + std::to_string(::getpid()) + "_" + name))
      .string();
}

std::string WriteTemp(const std::string& name, const std::string& text) {
  std::string path = TempPath(name);
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

std::vector<std::vector<std::string>> ReadAll(const std::string& text,
                                              char delim = ',') {
  std::string path = WriteTemp("in.csv", text);
  std::vector<std::vector<std::string>> rows;
  absl::Status s =
      ReadCsvFile(path, delim, [&](std::span<const std::string> f, int64_t i) {
        EXPECT_EQ(i, static_cast<int64_t>(rows.size()));
        rows.emplace_back(f.begin(), f.end());
        return true;
      });
  EXPECT_TRUE(s.ok()) << s;
  std::remove(path.c_str());
  return rows;
}

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvReadTest, TableOfInputs) {
  struct Case {
    const char* name;
    std::string text;
    char delim;
    Rows want;
  } cases[] = {
      {"plain", "a,b\n1,2\n", ',', {{"a", "b"}, {"1", "2"}}},
      {"no final newline", "a,b\n1,2", ',', {{"a", "b"}, {"1", "2"}}},
      {"crlf", "a,b\r\n1,2\r\n", ',', {{"a", "b"}, {"1", "2"}}},
      {"bom", "\xEF\xBB\xBFphone,x\n1,2\n", ',', {{"phone", "x"}, {"1", "2"}}},
      {"quoted delimiter and quote",
       "a\n\"x, \"\"y\"\"\"\n",
       ',',
       {{"a"}, {"x, \"y\""}}},
      {"embedded newline",
       "a,b\n\"line1\nline2\",z\n",
       ',',
       {{"a", "b"}, {"line1\nline2", "z"}}},
      {"spaces kept", "a,b\n  1 , 2\t\n", ',', {{"a", "b"}, {"  1 ", " 2\t"}}},
      {"empty cells", "a,b,c\n,,\n", ',', {{"a", "b", "c"}, {"", "", ""}}},
      {"semicolon", "a;b\n1,5;2\n", ';', {{"a", "b"}, {"1,5", "2"}}},
      {"utf8",
       "name\n\xC3\xA9t\xC3\xA9\n",
       ',',
       {{"name"}, {"\xC3\xA9t\xC3\xA9"}}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ReadAll(c.text, c.delim), c.want) << c.name;
  }
}

// Records split across the 64 KiB read buffer must come out whole.
TEST(CsvReadTest, LargeFileAcrossBuffers) {
  std::string text = "id,phone\n";
  for (int i = 0; i < 50000; ++i) {
    text += std::to_string(i) + ",\"+44 20 " + std::to_string(i) + "\"\n";
  }
  Rows rows = ReadAll(text);
  ASSERT_EQ(rows.size(), 50001u);
  EXPECT_EQ(rows[12345][0], "12344");
  EXPECT_EQ(rows[12345][1], "+44 20 12344");
}

// Lines are counted by LF, blank lines included; a record with a line
// break inside a quoted field starts on its first line.
TEST(CsvReadTest, RecordsKnowTheLineTheyStartOn) {
  std::string path =
      WriteTemp("lines.csv", "a,b\r\n\n1,\"x\ny\nz\"\r\n2,w\n\n\n3,v");
  std::vector<int64_t> lines;
  absl::Status s = ReadCsvFile(path, CsvReadOptions{}, [&](const CsvRecord& r) {
    lines.push_back(r.line);
    return true;
  });
  std::remove(path.c_str());
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_EQ(lines, (std::vector<int64_t>{1, 3, 6, 9}));
}

// libcsv alone hands an unclosed quoted field over as if closed, swallowing
// every later row into one cell; the reader refuses it, naming the line.
TEST(CsvReadTest, UnterminatedQuoteIsAnErrorWithItsLine) {
  std::string path =
      WriteTemp("quote.csv", "number,name\n1,ok\n2,\"open\n3,lost\n4,lost\n");
  int records = 0;
  absl::Status s = ReadCsvFile(path, CsvReadOptions{}, [&](const CsvRecord&) {
    ++records;
    return true;
  });
  std::remove(path.c_str());
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_EQ(std::string(s.message()).rfind("line 3: ", 0), 0u) << s;
  EXPECT_NE(s.message().find("unterminated quote"), std::string::npos) << s;
  EXPECT_EQ(records, 2);  // the header and row 1; never the swallowed text
}

// A closed quote on the last line without a final LF is fine.
TEST(CsvReadTest, ClosedQuoteAtTheEndIsNotAnError) {
  EXPECT_EQ(ReadAll("a\n\"x\ny\""), (Rows{{"a"}, {"x\ny"}}));
}

TEST(CsvReadTest, OverLongFieldNamesTheLineAfterTheLastRecord) {
  std::string path =
      WriteTemp("long.csv", "a\nok\n\"" + std::string(5000, 'x') + "\n");
  CsvReadOptions options;
  options.max_field_bytes = 1000;
  absl::Status s =
      ReadCsvFile(path, options, [](const CsvRecord&) { return true; });
  std::remove(path.c_str());
  EXPECT_TRUE(absl::IsInvalidArgument(s)) << s;
  EXPECT_EQ(std::string(s.message()).rfind("line 3: ", 0), 0u) << s;
}

// The first pass: bad and ragged rows are counted, the width is the widest
// row's, and a bad cell anywhere but the phone or country column is fine.
TEST(InputScanTest, ClassifiesAndMeasuresRows) {
  std::string path = WriteTemp(
      "scan.csv",
      "id,phone,cc\n1,+441,GBR\n2,\xff,GBR\n3,+443,\xfe\n4\n5,+445,GBR,x,y\n"
      "6,+446,GBR\n7,,\xff\n8,+448,\xc3\xa9\n9,+448,GB\n");
  std::FILE* warnings = std::tmpfile();
  absl::StatusOr<InputScan> scan =
      ScanInput(path, ',', "phone", "cc", /*dedupe=*/true, warnings);
  std::remove(path.c_str());
  ASSERT_TRUE(scan.ok()) << scan.status();
  EXPECT_EQ(scan->columns.phone, 1);
  EXPECT_EQ(scan->columns.country, 2);
  EXPECT_EQ(scan->columns.header_width, 3u);
  EXPECT_EQ(scan->columns.width, 5u);
  EXPECT_EQ(scan->phones, 4);  // rows 1, 5, 6, 9
  EXPECT_EQ(scan->bad_rows, 2);
  // Valid UTF-8 but no country: not sent, marked, not an error.
  EXPECT_EQ(scan->bad_country_rows, 1);
  EXPECT_EQ(scan->short_rows, 1);
  EXPECT_EQ(scan->long_rows, 1);
  std::rewind(warnings);
  char buf[512] = {};
  std::string text(buf, std::fread(buf, 1, sizeof buf - 1, warnings));
  std::fclose(warnings);
  EXPECT_NE(text.find("line 3: a cell is not valid UTF-8"), std::string::npos)
      << text;
  EXPECT_NE(text.find("line 4: a cell is not valid UTF-8"), std::string::npos)
      << text;
}

TEST(InputScanTest, ExtraColumnNamesAvoidTheHeadersNames) {
  const std::vector<std::string> header = {"a", "extra_4"};
  EXPECT_EQ(ExtraColumnNames(header, 2), std::vector<std::string>{});
  EXPECT_EQ(ExtraColumnNames(header, 4),
            (std::vector<std::string>{"extra_3", "extra_4_"}));
}

TEST(CsvReadTest, MissingFileIsAnError) {
  absl::Status s =
      ReadCsvFile("/nonexistent/x.csv", ',',
                  [](std::span<const std::string>, int64_t) { return true; });
  EXPECT_TRUE(absl::IsNotFound(s)) << s;
}

TEST(CsvWriteTest, QuotesOnlyWhenNeededAndRoundTrips) {
  std::vector<std::string> fields = {"plain", "a,b", "say \"hi\"",
                                     "x\ny",  "",    " sp "};
  std::string line;
  AppendCsvFields(fields, ',', &line);
  EXPECT_EQ(line, "plain,\"a,b\",\"say \"\"hi\"\"\",\"x\ny\",, sp ");
  Rows back = ReadAll("h1,h2,h3,h4,h5,h6\n" + line + "\n");
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(back[1], fields);
}

TEST(StateTest, JsonAndFileRoundTrip) {
  RunState s;
  s.input_size = 123456789;
  s.input_head_hash = Fnv1aHex("hello");
  s.options = "column=phone;metadata=0";
  s.reference_prefix = "phonebulk-abc-";
  BatchState b;
  b.index = 0;
  b.first_row = 0;
  b.end_row = 10003;
  b.phones = 10000;
  b.batch_id = "0b8f5f8e-0d2a-4c55-9d39-4a9c2b7c1f00";
  b.started = true;
  b.saved = true;
  b.credits = 10000;
  b.statistics = {{"unknown", 9000}, {"unverified", 1000}};
  s.batches.push_back(b);
  b.index = 1;
  b.batch_id.clear();
  b.saved = b.started = false;
  b.statistics.clear();
  s.batches.push_back(b);

  absl::StatusOr<RunState> parsed = StateFromJson(StateToJson(s));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, s);

  std::string path = TempPath("state.json");
  ASSERT_TRUE(SaveState(path, s).ok());
  absl::StatusOr<RunState> loaded = LoadState(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status();
  EXPECT_EQ(*loaded, s);
  EXPECT_FALSE(std::filesystem::exists(path + ".tmp"));
  std::remove(path.c_str());
  EXPECT_TRUE(absl::IsNotFound(LoadState(path).status()));
}

TEST(StateTest, MalformedStateIsRejected) {
  EXPECT_TRUE(absl::IsInvalidArgument(StateFromJson("{").status()));
  EXPECT_TRUE(
      absl::IsInvalidArgument(StateFromJson("{\"version\":2}").status()));
}

TEST(StateTest, FingerprintSeesSizeAndHead) {
  std::string a = WriteTemp("fa", "phone\n1\n");
  std::string b = WriteTemp("fb", "phone\n2\n");
  int64_t sa, sb;
  std::string ha, hb;
  ASSERT_TRUE(FingerprintFile(a, &sa, &ha).ok());
  ASSERT_TRUE(FingerprintFile(b, &sb, &hb).ok());
  EXPECT_EQ(sa, sb);
  EXPECT_NE(ha, hb);
  EXPECT_EQ(Fnv1aHex(""), "cbf29ce484222325");  // the FNV-1a offset basis
  std::remove(a.c_str());
  std::remove(b.c_str());
}

TEST(BackoffTest, GrowsToCapWithoutJitter) {
  Backoff b(std::chrono::milliseconds(500), std::chrono::milliseconds(5000),
            2.0, 0.0);
  std::vector<int64_t> got;
  for (int i = 0; i < 6; ++i) got.push_back(b.Next().count());
  EXPECT_EQ(got, (std::vector<int64_t>{500, 1000, 2000, 4000, 5000, 5000}));
  b.Reset();
  EXPECT_EQ(b.Next().count(), 500);
}

TEST(BackoffTest, JitterStaysWithinBounds) {
  double u = 0.999;
  Backoff b(std::chrono::milliseconds(1000), std::chrono::milliseconds(1000),
            2.0, 0.5, [&] { return u; });
  EXPECT_NEAR(static_cast<double>(b.Next().count()), 500.0, 1.0);
  u = 0.0;
  EXPECT_EQ(b.Next().count(), 1000);
}

TEST(ResultRowTest, ColumnsSuffixAndEmpty) {
  // The server's CSV result columns (docs/results-extensions.md) of a batch
  // without get_ported_date.
  EXPECT_EQ(ResultColumns(false),
            (std::vector<std::string>{"validated_phone_number",
                                      "formatted_phone_number", "phone_type",
                                      "confidence", "disposable_number"}));
  ASSERT_EQ(ResultColumns(true).size(), 20u);
  EXPECT_EQ(ResultColumns(true)[5], "original_operator_name");
  EXPECT_EQ(ResultColumns(true)[19], "email_to_mms_address");

  nlohmann::json p = {
      {"validated_phone_number", "447700900123"},
      {"formatted_phone_number", "07700 900123"},
      {"phone_type", "mobile"},
      {"confidence", "unknown"},
      {"disposable_number", "unknown"},
      {"metadata", {{"country_iso", "GBR"}, {"operator_name", "A, B\nC"}}}};
  std::string s;
  AppendResultSuffix(p, false, false, ',', &s);
  EXPECT_EQ(s, ",447700900123,07700 900123,mobile,unknown,unknown");
  s.clear();
  AppendResultSuffix(p, true, false, ',', &s);
  EXPECT_EQ(s.find('\n'), std::string::npos);  // one line per phone
  EXPECT_NE(s.find(",\"A, B C\","), std::string::npos);
  EXPECT_EQ(EmptySuffix(false, false, ','), ",,,,empty,");
  EXPECT_EQ(EmptySuffix(true, false, ';'), ";;;;empty;;;;;;;;;;;;;;;;");
}

// submit asks include=validity: valid and reason follow disposable_number.
TEST(ResultRowTest, ValidityColumns) {
  std::vector<std::string> want = {"validated_phone_number",
                                   "formatted_phone_number",
                                   "phone_type",
                                   "confidence",
                                   "disposable_number",
                                   "valid",
                                   "reason"};
  EXPECT_EQ(ResultColumns(false, true), want);
  ASSERT_EQ(ResultColumns(true, true).size(), 22u);
  EXPECT_EQ(ResultColumns(true, true)[7], "original_operator_name");
  nlohmann::json p = {{"validated_phone_number", "4412"},
                      {"formatted_phone_number", "4412"},
                      {"phone_type", "unknown"},
                      {"confidence", "unverified"},
                      {"disposable_number", "unknown"},
                      {"valid", "no"},
                      {"reason", "too short"}};
  std::string s;
  AppendResultSuffix(p, false, true, ',', &s);
  EXPECT_EQ(s, ",4412,4412,unknown,unverified,unknown,no,too short");
  EXPECT_EQ(EmptySuffix(false, true, ','), ",,,,empty,,empty,no number given");
  EXPECT_EQ(EmptySuffix(false, true, ',', kBadCountryConfidence,
                        "country cell 'Narnia, X' is not a country"),
            ",,,,bad_country,,no,"
            "\"country cell 'Narnia, X' is not a country\"");
  EXPECT_EQ(ConfidenceInSuffix(s, false, ','), "unverified");
  EXPECT_EQ(SuffixFields(",a,\"b,\"\"c\",,d", ','),
            (std::vector<std::string>{"a", "b,\"c", "", "d"}));
}

}  // namespace
}  // namespace phonebulk::client
