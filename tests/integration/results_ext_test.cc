// The results extensions of docs/results-extensions.md, over HTTP against
// the real binary: `Accept: text/csv` gives the JSON answer's rows as CSV,
// `?offset=&limit=` pages them (facts in headers, body the contract's), and
// neither changes the default JSON answer; include=validity adds valid and
// reason, checked against libphonenumber's Python port.

#include <iterator>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "harness.h"
#include "validity_oracle.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;
using Rows = std::vector<std::vector<std::string>>;

// A strict RFC 4180 reader (CRLF line ends, quoted fields may hold commas,
// quotes and line breaks), independent of the server's writer.
Rows ParseCsv(const std::string& text, std::string* error) {
  Rows rows;
  std::vector<std::string> row;
  std::string field;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '"') {
      ++i;
      while (true) {
        if (i >= text.size()) {
          *error = "unterminated quote";
          return rows;
        }
        if (text[i] == '"') {
          if (i + 1 < text.size() && text[i + 1] == '"') {
            field.push_back('"');
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        field.push_back(text[i++]);
      }
    }
    if (i < text.size() && text[i] == ',') {
      row.push_back(std::move(field));
      field.clear();
      ++i;
    } else if (text.compare(i, 2, "\r\n") == 0) {
      row.push_back(std::move(field));
      field.clear();
      rows.push_back(std::move(row));
      row.clear();
      i += 2;
    } else if (i < text.size()) {
      if (text[i] == '"' || text[i] == '\r' || text[i] == '\n') {
        *error = "stray quote or bare line break at byte " + std::to_string(i);
        return rows;
      }
      field.push_back(text[i++]);
    }
  }
  if (!row.empty() || !field.empty()) *error = "last row has no CRLF";
  return rows;
}

const std::vector<std::string> kBase = {"number", "validated_phone_number",
                                        "formatted_phone_number", "phone_type",
                                        "confidence"};
const std::vector<std::string> kMetadata = {"original_operator_name",
                                            "original_network_status",
                                            "original_home_network_identity",
                                            "original_country_prefix",
                                            "original_country_name",
                                            "original_country_iso",
                                            "operator_name",
                                            "network_status",
                                            "home_network_identity",
                                            "country_prefix",
                                            "country_name",
                                            "country_iso",
                                            "is_ported",
                                            "email_to_sms_address",
                                            "email_to_mms_address"};

std::vector<std::string> Header(bool metadata, bool ported_date) {
  std::vector<std::string> h = kBase;
  if (ported_date) h.push_back("ported_date");
  h.push_back("disposable_number");
  if (metadata) h.insert(h.end(), kMetadata.begin(), kMetadata.end());
  return h;
}

class ResultsExtTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    if (HasFatalFailure()) return;
    token_ = CreateToken("results-ext-acct");
  }

  std::string RunBatch(const Json& body) {
    std::string id = CreateBatchId(token_, body);
    if (id.empty()) return id;
    HttpResponse start = StartBatch(token_, id);
    EXPECT_EQ(start.status, 200) << start.Evidence();
    WaitForStatus(token_, id, "completed", 30s);
    return id;
  }

  HttpResponse Results(const std::string& id, const std::string& query,
                       const Headers& extra = {}) {
    return Call("GET", "/phone/bulk/v1/batches/" + id + "/results" + query,
                token_, "", extra);
  }

  // Checks the CSV answer row by row against the JSON answer's phones.
  void ExpectCsvMatchesJson(const HttpResponse& csv, const HttpResponse& json,
                            bool metadata, bool ported_date) {
    ASSERT_EQ(csv.status, 200) << csv.Evidence();
    ASSERT_EQ(json.status, 200) << json.Evidence();
    EXPECT_EQ(csv.Header("Content-Type").value_or(""),
              "text/csv; charset=utf-8");
    EXPECT_FALSE(csv.body.starts_with("\xEF\xBB\xBF")) << "no BOM";
    std::string error;
    Rows rows = ParseCsv(csv.body, &error);
    ASSERT_EQ(error, "") << csv.body;
    std::vector<std::string> header = Header(metadata, ported_date);
    ASSERT_FALSE(rows.empty());
    EXPECT_EQ(rows[0], header);
    Json phones = json.JsonBody()["result"]["phones"];
    ASSERT_EQ(rows.size(), phones.size() + 1) << csv.body;
    for (size_t i = 0; i < phones.size(); ++i) {
      const Json& p = phones[i];
      ASSERT_EQ(rows[i + 1].size(), header.size()) << "row " << i + 1;
      for (size_t c = 0; c < header.size(); ++c) {
        bool is_meta = c >= header.size() - (metadata ? kMetadata.size() : 0);
        const Json& source = is_meta ? p["metadata"] : p;
        std::string want = source.value(header[c], "");
        EXPECT_EQ(rows[i + 1][c], want)
            << "row " << i + 1 << " column " << header[c];
      }
    }
  }

  std::string token_;
};

const Json kBody = {
    {"defaults", {{"country_iso", "USA"}, {"output_format", "NATIONAL"}}},
    {"phones",
     {{{"number", "2026298914"}},
      {{"number", "441206250380"}, {"country_iso", "GBR"}},
      {{"number", "202,629 \"8914\""}},
      {{"number", "not a number"}},
      {{"number", ""}},
      {{"number", "+44 7400 123456"}}}}};
// kBody's confidences offline: its valid numbers are "unknown" (no live
// source); the one with a comma and quotes, the unparseable and the empty
// one are "unverified".
const std::vector<std::string> kBodyConfidences = {
    "unknown", "unknown", "unverified", "unverified", "unverified", "unknown"};

TEST_F(ResultsExtTest, CsvEqualsJsonRowByRow) {
  std::string id = RunBatch(kBody);
  ASSERT_FALSE(id.empty());
  HttpResponse json = Results(id, "");
  HttpResponse csv = Results(id, "", {{"Accept", "text/csv"}});
  ExpectCsvMatchesJson(csv, json, false, false);
  // The number with a comma and quotes is quoted and doubled on the wire.
  EXPECT_NE(csv.body.find("\r\n\"202,629 \"\"8914\"\"\","), std::string::npos)
      << csv.body;
  // Listed before JSON, text/csv wins; after it, JSON does.
  HttpResponse first =
      Results(id, "", {{"Accept", "text/csv, application/json"}});
  EXPECT_EQ(first.body, csv.body);
  HttpResponse second =
      Results(id, "", {{"Accept", "application/json, text/csv"}});
  EXPECT_EQ(second.body, json.body);
}

TEST_F(ResultsExtTest, CsvWithMetadataAndPortedDate) {
  Json body = kBody;
  body["defaults"]["get_ported_date"] = true;
  std::string id = RunBatch(body);
  ASSERT_FALSE(id.empty());
  Headers meta = {{"Add-Metadata", "true"}};
  HttpResponse json = Results(id, "", meta);
  meta.push_back({"Accept", "text/csv"});
  ExpectCsvMatchesJson(Results(id, "", meta), json, true, true);
}

TEST_F(ResultsExtTest, CsvBeforeCompletionIsTheHeaderRow) {
  std::string id = CreateBatchId(token_, kBody);
  ASSERT_FALSE(id.empty());
  HttpResponse csv = Results(id, "", {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << csv.Evidence();
  EXPECT_EQ(csv.body,
            "number,validated_phone_number,formatted_phone_number,phone_type,"
            "confidence,disposable_number\r\n");
}

TEST_F(ResultsExtTest, OffsetAndLimitSliceWithHeaders) {
  std::string id = RunBatch(kBody);
  ASSERT_FALSE(id.empty());
  HttpResponse whole = Results(id, "");
  Json all = whole.JsonBody()["result"];
  ASSERT_EQ(all["phones"].size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(all["phones"][i].value("confidence", "?"), kBodyConfidences[i])
        << "phone " << i;
  }
  EXPECT_TRUE(HasStatistics(all, kBodyConfidences, 6));

  HttpResponse page = Results(id, "?offset=2&limit=3");
  ASSERT_EQ(page.status, 200) << page.Evidence();
  Json result = page.JsonBody()["result"];
  // Same keys as the contract; statistics cover the whole batch.
  EXPECT_EQ(result.size(), all.size());
  EXPECT_TRUE(HasStatistics(result, kBodyConfidences, 6));
  EXPECT_EQ(result["credits_charged"], all["credits_charged"]);
  ASSERT_EQ(result["phones"].size(), 3u);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(result["phones"][i], all["phones"][i + 2]);
  }
  EXPECT_EQ(page.Header("X-Total-Count").value_or(""), "6");
  EXPECT_EQ(page.Header("Link").value_or(""),
            "</phone/bulk/v1/batches/" + id +
                "/results?offset=5&limit=3>; rel=\"next\"");

  // The last page has no next link; past the end is an empty page.
  HttpResponse last = Results(id, "?offset=5&limit=3");
  EXPECT_EQ(last.JsonBody()["result"]["phones"].size(), 1u);
  EXPECT_FALSE(last.HasHeader("Link"));
  HttpResponse past = Results(id, "?offset=50");
  EXPECT_EQ(past.status, 200);
  EXPECT_EQ(past.JsonBody()["result"]["phones"].size(), 0u);
  EXPECT_EQ(past.Header("X-Total-Count").value_or(""), "6");

  // CSV honours the same slice.
  HttpResponse csv = Results(id, "?offset=2&limit=3", {{"Accept", "text/csv"}});
  ExpectCsvMatchesJson(csv, page, false, false);
  EXPECT_EQ(csv.Header("X-Total-Count").value_or(""), "6");
}

// A client follows rel=next until there is none. When the record count is a
// multiple of the page size, the page that ends exactly at the total is the
// last: a next link there would send the client to an empty page past the
// end. Every earlier page links to the one after it.
TEST_F(ResultsExtTest, PageEndingExactlyAtTheTotalHasNoNextLink) {
  std::string id = RunBatch(kBody);
  ASSERT_FALSE(id.empty());
  const Json all = Results(id, "").JsonBody()["result"]["phones"];
  ASSERT_EQ(all.size(), 6u);
  const std::string path = "/phone/bulk/v1/batches/" + id + "/results";
  for (int limit : {1, 2, 3, 6}) {
    SCOPED_TRACE("limit=" + std::to_string(limit));
    std::string query = "?offset=0&limit=" + std::to_string(limit);
    Json walked = Json::array();
    int pages = 0;
    // Bounded: a link that never ends would otherwise loop for ever.
    while (!query.empty() && pages <= 6) {
      HttpResponse page = Results(id, query);
      ASSERT_EQ(page.status, 200) << page.Evidence();
      ++pages;
      const Json phones = page.JsonBody()["result"]["phones"];
      EXPECT_EQ(phones.size(), static_cast<size_t>(limit)) << page.Evidence();
      for (const Json& p : phones) walked.push_back(p);
      EXPECT_EQ(page.Header("X-Total-Count").value_or(""), "6");
      const int offset = pages * limit;  // where the next page starts
      std::optional<std::string> link = page.Header("Link");
      query.clear();
      if (offset < 6) {
        EXPECT_EQ(link.value_or(""),
                  "<" + path + "?offset=" + std::to_string(offset) +
                      "&limit=" + std::to_string(limit) + ">; rel=\"next\"")
            << page.Evidence();
      } else {
        EXPECT_FALSE(link.has_value())
            << "page ending at the total links on: " << link.value_or("");
      }
      if (link && link->starts_with("<" + path + "?") &&
          link->find('>') != std::string::npos) {
        query =
            link->substr(path.size() + 1, link->find('>') - path.size() - 1);
      }
    }
    EXPECT_EQ(pages, 6 / limit);
    EXPECT_EQ(walked, all);
  }
}

TEST_F(ResultsExtTest, BadPagingIs400NamingTheParameter) {
  std::string id = CreateBatchId(token_, kBody);
  ASSERT_FALSE(id.empty());
  const std::string path = "/phone/bulk/v1/batches/" + id + "/results";
  struct Case {
    std::string query, names;
  } cases[] = {{"?offset=-1", "offset"}, {"?offset=abc", "offset"},
               {"?limit=0", "limit"},    {"?limit=10001", "limit"},
               {"?limit=", "limit"},     {"?offset=1&limit=x", "limit"}};
  for (const Case& c : cases) {
    HttpResponse r = Results(id, c.query);
    EXPECT_TRUE(IsErrorResponse(r, 400, path)) << c.query;
    std::string detail = r.JsonBody()["error"].value("detail", "");
    EXPECT_NE(detail.find("query " + c.names), std::string::npos)
        << c.query << ": " << detail;
  }
}

TEST_F(ResultsExtTest, NeitherJsonNorCsvIs406) {
  std::string id = CreateBatchId(token_, kBody);
  ASSERT_FALSE(id.empty());
  HttpResponse r = Results(id, "", {{"Accept", "text/html"}});
  EXPECT_TRUE(
      IsErrorResponse(r, 406, "/phone/bulk/v1/batches/" + id + "/results"));
  std::string detail = r.JsonBody()["error"].value("detail", "");
  EXPECT_NE(detail.find("application/json"), std::string::npos) << detail;
  EXPECT_NE(detail.find("text/csv"), std::string::npos) << detail;
  // Other routes still speak JSON only.
  HttpResponse status = BatchStatus(token_, id, {{"Accept", "text/csv"}});
  EXPECT_EQ(status.status, 406) << status.Evidence();
}

TEST_F(ResultsExtTest, DefaultJsonUnchanged) {
  std::string id = RunBatch(kBody);
  ASSERT_FALSE(id.empty());
  HttpResponse plain = Results(id, "");
  HttpResponse star = Results(id, "", {{"Accept", "*/*"}});
  HttpResponse json = Results(id, "", {{"Accept", "application/json"}});
  HttpResponse whole = Results(id, "?offset=0&limit=10000");
  ASSERT_EQ(plain.status, 200) << plain.Evidence();
  EXPECT_EQ(plain.Header("Content-Type").value_or(""), "application/json");
  EXPECT_EQ(star.body, plain.body);
  EXPECT_EQ(json.body, plain.body);
  EXPECT_EQ(whole.body, plain.body);
  // Without paging parameters there are no paging headers.
  EXPECT_FALSE(plain.HasHeader("X-Total-Count"));
  EXPECT_FALSE(plain.HasHeader("Link"));
}

// include=validity: every phone's valid and reason, in JSON and CSV, are
// what libphonenumber (its Python port, validity_oracle.h) says of the
// number; every reason occurs; without the opt-in the answers are the
// contract's, with no valid or reason.
TEST_F(ResultsExtTest, ValidityAgreesWithLibphonenumber) {
  const std::vector<ValidityInput> inputs = ValidityInputs();
  Json phones = Json::array();
  std::vector<std::pair<std::string, std::string>> questions;
  for (const ValidityInput& in : inputs) {
    Json phone = {{"number", in.number}};
    if (!in.alpha3.empty()) phone["country_iso"] = in.alpha3;
    phones.push_back(phone);
    questions.emplace_back(in.number, in.alpha2);
  }
  std::string error;
  const auto expected = ExpectedValidity(dir(), questions, &error);
  ASSERT_EQ(error, "");
  std::set<std::string> reasons;
  for (const auto& [valid, reason] : expected) reasons.insert(reason);
  EXPECT_EQ(
      reasons,
      (std::set<std::string>{
          "", "no number given", "invalid country code", "not a number",
          "too short", "too long", "invalid length for the country",
          "local number only: add the area code", "no such number range"}));

  std::string id = RunBatch({{"phones", phones}});
  ASSERT_FALSE(id.empty());
  HttpResponse json = Results(id, "?include=validity");
  ASSERT_EQ(json.status, 200) << json.Evidence();
  Json got = json.JsonBody()["result"]["phones"];
  ASSERT_EQ(got.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    SCOPED_TRACE("phone " + std::to_string(i) + " '" +
                 inputs[i].number.substr(0, 30) + "' " + inputs[i].alpha3);
    EXPECT_EQ(got[i].value("valid", "?"), expected[i].first);
    EXPECT_EQ(got[i].value("reason", "?"), expected[i].second);
  }
  // valid and reason follow the contract's fields, ending each phone (the
  // parsed Json sorts keys, so this reads the body's own order).
  const std::regex tail(
      R"re("disposable_number":"[a-z]+","valid":"[a-z]+","reason":"[^"]*"\})re");
  EXPECT_EQ(std::distance(
                std::sregex_iterator(json.body.begin(), json.body.end(), tail),
                std::sregex_iterator()),
            static_cast<std::ptrdiff_t>(inputs.size()))
      << json.body;

  // CSV: the same two columns after disposable_number, the same values.
  HttpResponse csv = Results(id, "?include=validity", {{"Accept", "text/csv"}});
  ASSERT_EQ(csv.status, 200) << csv.Evidence();
  Rows rows = ParseCsv(csv.body, &error);
  ASSERT_EQ(error, "") << csv.body;
  std::vector<std::string> header = Header(false, false);
  header.push_back("valid");
  header.push_back("reason");
  ASSERT_EQ(rows.size(), inputs.size() + 1);
  EXPECT_EQ(rows[0], header);
  for (size_t i = 0; i < inputs.size(); ++i) {
    ASSERT_EQ(rows[i + 1].size(), header.size()) << "row " << i + 1;
    EXPECT_EQ(rows[i + 1][header.size() - 2], expected[i].first) << i;
    EXPECT_EQ(rows[i + 1][header.size() - 1], expected[i].second) << i;
  }
  // With metadata, the metadata columns still come last.
  HttpResponse meta_csv =
      Results(id, "?include=validity",
              {{"Accept", "text/csv"}, {"Add-Metadata", "true"}});
  Rows meta_rows = ParseCsv(meta_csv.body, &error);
  ASSERT_FALSE(meta_rows.empty());
  std::vector<std::string> meta_header = header;
  meta_header.insert(meta_header.end(), kMetadata.begin(), kMetadata.end());
  EXPECT_EQ(meta_rows[0], meta_header);

  // Without the opt-in: no valid, no reason; otherwise the same phones.
  HttpResponse plain = Results(id, "");
  Json plain_phones = plain.JsonBody()["result"]["phones"];
  ASSERT_EQ(plain_phones.size(), inputs.size());
  for (size_t i = 0; i < inputs.size(); ++i) {
    EXPECT_FALSE(plain_phones[i].contains("valid")) << i;
    EXPECT_FALSE(plain_phones[i].contains("reason")) << i;
    Json trimmed = got[i];
    trimmed.erase("valid");
    trimmed.erase("reason");
    EXPECT_EQ(trimmed, plain_phones[i]) << i;
  }
  ExpectCsvMatchesJson(Results(id, "", {{"Accept", "text/csv"}}), plain, false,
                       false);
  // Other extensions alone do not bring it either.
  HttpResponse located = Results(id, "?include=location");
  EXPECT_FALSE(located.JsonBody()["result"]["phones"][0].contains("valid"));
  // An unknown extension names the three.
  HttpResponse bad = Results(id, "?include=validness");
  EXPECT_EQ(bad.status, 400) << bad.Evidence();
  EXPECT_NE(bad.body.find("validity"), std::string::npos) << bad.body;
}

}  // namespace
}  // namespace phonebulk::it
