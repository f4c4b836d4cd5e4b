// File jobs (docs/console.md) end to end against the real server: a CSV
// with junk rows uploaded, previewed, started and polled to completion;
// its result compared byte for byte with what `phonebulk submit` writes
// for the same file and options; credits charged once per number sent;
// the refusals (413 over --file-max-bytes, no or unknown token, another
// account's job, a result or a start out of turn); and a kill -9 of the
// server mid-job, after which the restarted server finishes the job with
// the same output and no credit charged twice.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

namespace fs = std::filesystem;

constexpr char kFiles[] = "/v1/files";

// Writes `rows` data rows: id, name (quoted, with a comma), phone, country.
// Every 17th phone is empty, every 23rd is junk ("call me"), every 29th
// repeats an earlier number (answered once, charged once), every 31st row
// has a country no one knows ("Atlantis"); countries are written as GB,
// GBR or "United Kingdom". Returns how many distinct (number, country)
// pairs a run sends, which is what it charges.
int64_t WriteContacts(const std::string& path, int rows) {
  std::ofstream out(path, std::ios::binary);
  out << "id,name,phone,country\n";
  std::set<std::string> sent;
  const char* countries[] = {"GB", "GBR", "United Kingdom"};
  for (int i = 0; i < rows; ++i) {
    std::string phone;
    if (i % 17 == 3) {
      phone = "";
    } else if (i % 23 == 5) {
      phone = "call me";
    } else if (i % 29 == 7) {
      phone = "07700 900" + std::to_string(100 + (i / 29) % 100);
    } else {
      phone = "07700 9" + std::to_string(10000 + i);
    }
    const bool bad_country = i % 31 == 11;
    const std::string country = bad_country ? "Atlantis" : countries[i % 3];
    out << i << ",\"Doe, J " << i << "\"," << phone << "," << country << "\n";
    // The client normalises the country to alpha-3 and the number without
    // spaces before deduplicating (input_rules.h).
    if (!phone.empty() && !bad_country) sent.insert(phone);
  }
  return static_cast<int64_t>(sent.size());
}

class FileJobsTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = ServerTest::ServerArgs();
    args.insert(args.end(), {"--files-dir", FilesDir(), "--file-max-bytes",
                             std::to_string(kMaxBytes)});
    return args;
  }

  std::string FilesDir() const { return tmp_.path() + "/files"; }

  HttpResponse Upload(const std::string& token, const std::string& body,
                      const std::string& name = "contacts.csv") {
    HttpRequest r;
    r.method = "POST";
    r.target = std::string(kFiles) + "?name=" + name;
    if (!token.empty()) r.headers.push_back({"Auth-Token", token});
    r.headers.push_back({"Content-Type", "text/csv"});
    r.body = body;
    return HttpSend(port(), r, std::chrono::seconds(60));
  }

  HttpResponse StartJob(const std::string& token, const std::string& id,
                        const Json& options) {
    return Call("POST", std::string(kFiles) + "/" + id + "/start", token,
                options.dump());
  }

  HttpResponse JobStatus(const std::string& token, const std::string& id) {
    return Call("GET", std::string(kFiles) + "/" + id, token);
  }

  HttpResponse Result(const std::string& token, const std::string& id) {
    HttpRequest r;
    r.target = std::string(kFiles) + "/" + id + "/result";
    r.headers.push_back({"Auth-Token", token});
    return HttpSend(port(), r, std::chrono::seconds(60));
  }

  // Polls the job until it is completed or failed (≤ 3 minutes); the last
  // status body.
  Json WaitForEnd(const std::string& token, const std::string& id) {
    Json last;
    WaitUntil(
        [&] {
          HttpResponse r = JobStatus(token, id);
          if (r.status != 200) return false;
          last = r.JsonBody();
          return last["status"] == "completed" || last["status"] == "failed";
        },
        std::chrono::minutes(3), std::chrono::milliseconds(100));
    return last;
  }

  // `phonebulk submit` on `input` with the job's options: its output.
  std::string SubmitOutput(const std::string& token, const std::string& input) {
    const std::string out = input + ".submit.csv";
    CommandResult r =
        RunCli({"submit", input, "--server",
                "http://127.0.0.1:" + std::to_string(port()), "--token", token,
                "--column", "phone", "--country-column", "country", "--out",
                out, "--progress-seconds", "0"},
               std::chrono::minutes(3));
    EXPECT_EQ(r.exit_code, 0) << r.Evidence();
    return ReadFile(out);
  }

  // Files left in incoming/ (uploads not taken by a job).
  int Incoming() const {
    int n = 0;
    for (const auto& e : fs::directory_iterator(FilesDir() + "/incoming")) {
      (void)e;
      ++n;
    }
    return n;
  }

  static constexpr int64_t kMaxBytes = 400 * 1024;
};

TEST_F(FileJobsTest, UploadStartPollDownloadMatchesSubmitAndChargesOnce) {
  const std::string input = dir() + "/contacts.csv";
  const int64_t distinct = WriteContacts(input, 3000);
  const std::string token = CreateToken("acme", 100000);
  const long long before = Credits("acme").value_or(-1);

  HttpResponse up = Upload(token, ReadFile(input));
  ASSERT_EQ(up.status, 201) << up.Evidence();
  Json job = up.JsonBody();
  const std::string id = job["id"];
  EXPECT_TRUE(IsUuidV4(id));
  EXPECT_EQ(job["status"], "uploaded");
  EXPECT_EQ(job["name"], "contacts.csv");
  EXPECT_EQ(job["size_bytes"], static_cast<int64_t>(ReadFile(input).size()));
  EXPECT_EQ(job["delimiter"], ",");
  EXPECT_EQ(job["columns"], Json({"id", "name", "phone", "country"}));
  ASSERT_EQ(job["preview"].size(), 10u);
  EXPECT_EQ(job["preview"][0], Json({"0", "Doe, J 0", "07700 910000", "GB"}));
  EXPECT_EQ(job["preview"][3][2], "");  // row 3's phone is empty
  EXPECT_EQ(job["suggested"]["phone_column"], "phone");
  EXPECT_EQ(job["suggested"]["country_column"], "country");
  EXPECT_TRUE(IsContractTime(job["created_at"]));
  EXPECT_EQ(Incoming(), 0);
  struct stat st {};
  ASSERT_EQ(::stat(FilesDir().c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);

  // The result is refused until the job completes.
  EXPECT_TRUE(IsErrorResponse(Result(token, id), 409,
                              std::string(kFiles) + "/" + id + "/result"));

  HttpResponse started = StartJob(
      token, id, {{"phone_column", "phone"}, {"country_column", "country"}});
  ASSERT_EQ(started.status, 202) << started.Evidence();
  EXPECT_EQ(started.JsonBody()["status"], "running");
  EXPECT_TRUE(IsErrorResponse(StartJob(token, id, {{"phone_column", "phone"}}),
                              409, std::string(kFiles) + "/" + id + "/start"));

  Json done = WaitForEnd(token, id);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["progress"]["rows_done"], done["progress"]["rows_total"]);
  EXPECT_EQ(done["progress"]["percent"], 100.0);
  EXPECT_EQ(done["summary"]["rows"], 3000);
  EXPECT_EQ(done["summary"]["credits"], distinct);
  EXPECT_EQ(done["report"]["rows"], 3000);
  EXPECT_FALSE(done["report"].contains("input"));  // a server path
  EXPECT_EQ(done["result_url"], std::string(kFiles) + "/" + id + "/result");
  EXPECT_TRUE(done["error"].is_null());
  EXPECT_EQ(Credits("acme").value_or(-1), before - distinct);

  HttpResponse result = Result(token, id);
  ASSERT_EQ(result.status, 200) << result.Evidence();
  EXPECT_EQ(result.Header("Content-Type").value_or(""), "text/csv");
  EXPECT_EQ(result.Header("Content-Disposition").value_or(""),
            "attachment; filename=\"contacts.validated.csv\"");

  // The same file through `phonebulk submit`: the same bytes, the same
  // charge again (its own run).
  const std::string submitted = SubmitOutput(token, input);
  ASSERT_FALSE(submitted.empty());
  EXPECT_TRUE(result.body == submitted) << "job and submit outputs differ";
  const std::vector<std::vector<std::string>> job_rows =
      SplitUnquotedCsv(result.body);
  const std::vector<std::vector<std::string>> submit_rows =
      SplitUnquotedCsv(submitted);
  ASSERT_EQ(job_rows.size(), submit_rows.size());
  for (size_t i = 0; i < job_rows.size(); ++i) {
    ASSERT_EQ(job_rows[i], submit_rows[i]) << "row " << i;
  }
  EXPECT_EQ(Credits("acme").value_or(-1), before - 2 * distinct);

  // The list has it; the job's own token is disabled now it ended.
  HttpResponse list = Call("GET", kFiles, token);
  ASSERT_EQ(list.status, 200) << list.Evidence();
  ASSERT_EQ(list.JsonBody()["files"].size(), 1u);
  EXPECT_EQ(list.JsonBody()["files"][0]["id"], id);
  CommandResult tokens = RunCli({"token", "list", "--db", db()});
  EXPECT_NE(tokens.out.find("pb_job_"), std::string::npos) << tokens.Evidence();
}

TEST_F(FileJobsTest, RefusalsAreTheBatchRoutesAndLeaveNoFile) {
  const std::string token = CreateToken("acme", 1000);
  const std::string other = CreateToken("rival", 1000);
  const std::string csv = "id,phone\n1,+44 7700 900123\n";

  // No token: refused exactly as a batch route refuses it.
  HttpResponse no_token = Upload("", csv);
  HttpResponse batch_no_token = Call("GET", kBatches, "");
  EXPECT_EQ(no_token.status, batch_no_token.status) << no_token.Evidence();
  EXPECT_TRUE(IsErrorResponse(no_token, batch_no_token.status, kFiles));
  // An unknown token: 401, and its upload is not kept.
  EXPECT_TRUE(
      IsErrorResponse(Upload("pb_unknown0000000000", csv), 401, kFiles));
  EXPECT_EQ(Incoming(), 0);

  // A token for the real-time product only: 403, as on the batch routes.
  const std::string validate_only =
      CreateToken("acme", 0, {"--products", "phone-validate"});
  EXPECT_TRUE(IsErrorResponse(Upload(validate_only, csv), 403, kFiles));
  EXPECT_EQ(Incoming(), 0);

  // Over --file-max-bytes: 413 naming the limit, nothing kept.
  HttpResponse big =
      Upload(token, "phone\n" + std::string(kMaxBytes + 10, '1'));
  ASSERT_TRUE(IsErrorResponse(big, 413, kFiles));
  EXPECT_NE(big.JsonBody()["error"]["detail"].get<std::string>().find(
                "--file-max-bytes"),
            std::string::npos);
  EXPECT_EQ(Incoming(), 0);

  // An empty file: 400 saying so.
  HttpResponse empty = Upload(token, "");
  ASSERT_TRUE(IsErrorResponse(empty, 400, kFiles));
  EXPECT_NE(empty.body.find("empty"), std::string::npos);

  HttpResponse up = Upload(token, csv);
  ASSERT_EQ(up.status, 201) << up.Evidence();
  const std::string id = up.JsonBody()["id"];
  const std::string path = std::string(kFiles) + "/" + id;

  // Another account's job does not exist for it.
  EXPECT_TRUE(IsErrorResponse(JobStatus(other, id), 404, path));
  EXPECT_TRUE(IsErrorResponse(StartJob(other, id, {{"phone_column", "phone"}}),
                              404, path + "/start"));
  EXPECT_TRUE(IsErrorResponse(Result(other, id), 404, path + "/result"));
  EXPECT_EQ(Call("GET", kFiles, other).JsonBody()["files"].size(), 0u);

  // Bad options name the field; the job stays uploaded.
  HttpResponse bad_column = StartJob(token, id, {{"phone_column", "tel"}});
  ASSERT_TRUE(IsErrorResponse(bad_column, 400, path + "/start"));
  EXPECT_NE(bad_column.body.find("phone_column 'tel'"), std::string::npos);
  HttpResponse bad_country = StartJob(
      token, id, {{"phone_column", "phone"}, {"default_country", "Narnia"}});
  ASSERT_TRUE(IsErrorResponse(bad_country, 400, path + "/start"));
  EXPECT_NE(bad_country.body.find("default_country"), std::string::npos);
  EXPECT_EQ(JobStatus(token, id).JsonBody()["status"], "uploaded");
  EXPECT_TRUE(IsErrorResponse(Result(token, id), 409, path + "/result"));
}

// The server is killed (SIGKILL) while the job's batch is being processed
// (--chunk-delay-ms keeps it there); the restarted server resumes the job.
class FileJobsCrashTest : public FileJobsTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    std::vector<std::string> args = FileJobsTest::ServerArgs();
    // A short lease: the chunks the killed server held go back to work
    // soon after the restart.
    args.insert(args.end(), {"--chunk-size", "100", "--chunk-delay-ms", "60",
                             "--lease-seconds", "2"});
    return args;
  }
  void StartMidway(const std::string& token, const std::string& input,
                   std::string* id);
};

// Uploads `input`, starts it (phone and country columns) and returns once
// the job's one batch is being processed: the middle of the job.
void FileJobsCrashTest::StartMidway(const std::string& token,
                                    const std::string& input, std::string* id) {
  HttpResponse up = Upload(token, ReadFile(input));
  ASSERT_EQ(up.status, 201) << up.Evidence();
  *id = up.JsonBody()["id"];
  ASSERT_EQ(StartJob(token, *id,
                     {{"phone_column", "phone"}, {"country_column", "country"}})
                .status,
            202);
  ASSERT_TRUE(WaitUntil(
      [&] {
        Json batches = ListBatches(token).JsonBody()["result"]["batches"];
        return batches.size() == 1 && batches[0]["status"] == "processing";
      },
      std::chrono::seconds(60)));
}

TEST_F(FileJobsCrashTest, KilledServerResumesTheJobWithoutChargingTwice) {
  const std::string input = dir() + "/contacts.csv";
  const int64_t distinct = WriteContacts(input, 3000);
  const std::string token = CreateToken("acme", 100000);
  const long long before = Credits("acme").value_or(-1);
  std::string id;
  ASSERT_NO_FATAL_FAILURE(StartMidway(token, input, &id));
  Restart(/*hard=*/true);

  Json done = WaitForEnd(token, id);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(done["summary"]["credits"], distinct);
  EXPECT_EQ(ListBatches(token).JsonBody()["result"]["batches"].size(), 1u)
      << "a batch was created twice";
  EXPECT_EQ(Credits("acme").value_or(-1), before - distinct);

  HttpResponse result = Result(token, id);
  ASSERT_EQ(result.status, 200) << result.Evidence();
  const std::string submitted = SubmitOutput(token, input);
  EXPECT_TRUE(result.body == submitted) << "job and submit outputs differ";
  EXPECT_EQ(Credits("acme").value_or(-1), before - 2 * distinct);
}

// SIGTERM mid-job: serve stops the job at once (it exits 0 within the
// harness's deadline although the batch is still processing) and resumes
// it at the next start.
TEST_F(FileJobsCrashTest, StoppedServerPausesTheJobAndResumesIt) {
  const std::string input = dir() + "/contacts.csv";
  const int64_t distinct = WriteContacts(input, 3000);
  const std::string token = CreateToken("acme", 100000);
  const long long before = Credits("acme").value_or(-1);
  std::string id;
  ASSERT_NO_FATAL_FAILURE(StartMidway(token, input, &id));
  Restart(/*hard=*/false);  // expects exit status 0
  EXPECT_NE(server().StderrText().find("event=file_job_queued job_id=" + id),
            std::string::npos);

  Json done = WaitForEnd(token, id);
  ASSERT_EQ(done["status"], "completed") << done.dump();
  EXPECT_EQ(ListBatches(token).JsonBody()["result"]["batches"].size(), 1u);
  EXPECT_EQ(Credits("acme").value_or(-1), before - distinct);
}

}  // namespace
}  // namespace phonebulk::it
