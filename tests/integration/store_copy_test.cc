// `phonebulk store copy` (issue 12, item 3): a server on a SQLite file
// gathers accounts, tokens, batches in every state and porting facts; the
// file is copied into a fresh PostgreSQL database; a server on that database
// must answer every request exactly as the SQLite server did. Needs the
// PostgreSQL test cluster (the pg_cluster fixture); skipped without it.

#include <sys/stat.h>

#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// What a client sees of one batch: its status (plain and with metadata) and
// its results (JSON with metadata, and CSV).
struct BatchView {
  std::string status;
  std::string status_meta;
  std::string results_meta;
  std::string results_csv;

  friend bool operator==(const BatchView&, const BatchView&) = default;
};

// For failure messages: which batch differs, and how.
void PrintTo(const BatchView& v, std::ostream* os) {
  *os << "\n  status: " << v.status << "\n  status+metadata: " << v.status_meta
      << "\n  results+metadata: " << v.results_meta.substr(0, 2000)
      << "\n  results csv: " << v.results_csv.substr(0, 2000);
}

class StoreCopyTest : public ServerTest {
 protected:
  // The source server always runs on SQLite, whatever the environment says;
  // the target is a PostgreSQL database of the test cluster.
  void SetUp() override {
    pg_server_ = PgServerUrlFromEnv();
    if (pg_server_.empty()) {
      GTEST_SKIP() << "no PostgreSQL test cluster (PHONEBULK_IT_PG_URL_FILE)";
    }
    sqlite_path_ = dir() + "/db.sqlite";
    db_url_ = "sqlite:" + sqlite_path_;
    server_ = std::make_unique<ServerProcess>(
        db_url_, dir(),
        std::vector<std::string>{"--chunk-size", "1", "--chunk-delay-ms",
                                 "150"});
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }

  // Starts a server on `url` in place of the stopped SQLite one.
  void SwitchServerTo(const std::string& url) {
    const std::string logs = dir() + "/pg-logs";
    ::mkdir(logs.c_str(), 0700);
    db_url_ = url;
    server_ = std::make_unique<ServerProcess>(url, logs,
                                              std::vector<std::string>{});
    std::string error;
    ASSERT_TRUE(server_->Start(&error)) << error;
  }

  BatchView View(const std::string& token, const std::string& id) {
    BatchView v;
    v.status = BatchStatus(token, id).body;
    v.status_meta = BatchStatus(token, id, {{"Add-Metadata", "true"}}).body;
    v.results_meta = BatchResults(token, id, {{"Add-Metadata", "true"}}).body;
    v.results_csv = BatchResults(token, id, {{"Accept", "text/csv"}}).body;
    return v;
  }

  CommandResult Cli(std::vector<std::string> args) {
    CommandResult r = RunCli(args);
    EXPECT_EQ(r.exit_code, 0) << r.Evidence();
    return r;
  }

  CommandResult Copy(const std::string& to) {
    return RunCli({"store", "copy", "--from", "sqlite:" + sqlite_path_, "--to",
                   to},
                  std::chrono::seconds(60));
  }

  // What the admin commands show of the database at `url`.
  struct AdminView {
    std::string accounts;
    std::string tokens;
    std::string porting;
    Json acme;
  };
  AdminView Admin(const std::string& url) {
    AdminView v;
    v.accounts = Cli({"account", "list", "--db", url}).out;
    v.tokens = Cli({"token", "list", "--db", url}).out;
    v.porting = RunCli({"porting", "lookup", "--db", url, "+447400123456",
                        "447400999999", "447400000000"})
                    .out;
    v.acme = Json::parse(
        Cli({"account", "show", "--db", url, "acme", "--json"}).LastLine(),
        nullptr, false);
    return v;
  }

  // Porting facts, tokens (one restricted, one disabled) and batches:
  // completed (with porting facts), submitted, stopped mid-way, stopped
  // before starting, and one still processing when the server stops.
  void PopulateSource() {
    const std::string csv = dir() + "/porting.csv";
    WriteFile(csv,
              "number,operator_name,mccmnc,ported_date\n"
              "447400123456,Vodafone,23415,2019-08-21\n"
              "447400999999,EE,23430,\n");
    Cli({"porting", "import", "--db", db(), csv});
    token_ = CreateToken("acme", 500000);
    ASSERT_FALSE(token_.empty());
    ASSERT_FALSE(CreateToken("acme", 0, {"--allow-domain", "acme.example",
                                         "--allow-ip", "10.0.0.0/8",
                                         "--products", "phone-validate"})
                     .empty());
    disabled_ = CreateToken("other", 1234);
    Cli({"token", "disable", "--db", db(), disabled_});

    ids_["completed"] = CreateBatchId(
        token_, PhonesBody({"+447400123456", "+447400123457", "01206 250380",
                            "not a number"},
                           {{"country_iso", "GBR"}, {"get_ported_date", true}}));
    ids_["submitted"] = CreateBatchId(token_, PhonesBody({"+12026298914"}));
    ids_["stopped"] = CreateBatchId(
        token_, PhonesBody(std::vector<std::string>(30, "+441206250380")));
    ids_["stopped_unstarted"] =
        CreateBatchId(token_, PhonesBody({"+33142685300"}));
    ids_["processing"] = CreateBatchId(
        token_, PhonesBody(std::vector<std::string>(60, "+12026298914")));
    for (const auto& [name, id] : ids_) ASSERT_FALSE(id.empty()) << name;

    ASSERT_EQ(StartBatch(token_, ids_["completed"]).status, 200);
    WaitForStatus(token_, ids_["completed"], "completed");
    ASSERT_EQ(StartBatch(token_, ids_["stopped"]).status, 200);
    ASSERT_TRUE(WaitUntil(
        [&] {
          Json r = BatchStatus(token_, ids_["stopped"]).JsonBody()["result"];
          return r.is_object() && r.value("records_processed", 0) > 0;
        },
        std::chrono::seconds(20)));
    ASSERT_EQ(StopBatch(token_, ids_["stopped"]).status, 200);
    ASSERT_EQ(StopBatch(token_, ids_["stopped_unstarted"]).status, 200);
    ASSERT_EQ(StartBatch(token_, ids_["processing"]).status, 200);

    // An idempotent create: its key must still map to its batch afterwards.
    const Json idem =
        CreateBatch(token_, idem_body_, idem_key_).JsonBody()["result"];
    ids_["idempotent"] = idem.is_object() ? idem.value("batch_id", "") : "";
    ASSERT_FALSE(ids_["idempotent"].empty());
  }

  // Every batch's views but the processing one's (which moves on).
  std::map<std::string, BatchView> Views() {
    std::map<std::string, BatchView> views;
    for (const auto& [name, id] : ids_) {
      if (name != "processing") views[name] = View(token_, id);
    }
    return views;
  }

  std::string pg_server_;
  std::string sqlite_path_;
  std::string token_;
  std::string disabled_;
  std::map<std::string, std::string> ids_;
  const Json idem_body_ = PhonesBody({"+441206250380"});
  const Headers idem_key_ = {{"Idempotency-Key", "copy-test-1"}};
};

TEST_F(StoreCopyTest, PostgresAnswersExactlyAsSqliteDid) {
  PopulateSource();
  if (HasFatalFailure()) return;
  const std::map<std::string, BatchView> before = Views();
  // The views compared below are real answers, not errors.
  const BatchView& completed = before.at("completed");
  EXPECT_NE(completed.results_meta.find("Vodafone"), std::string::npos)
      << completed.results_meta;
  EXPECT_NE(completed.results_csv.find("447400123457"), std::string::npos)
      << completed.results_csv;
  EXPECT_NE(before.at("stopped").status_meta.find("stopped_by_request"),
            std::string::npos);
  EXPECT_NE(before.at("submitted").status.find("submitted"),
            std::string::npos);
  EXPECT_EQ(BatchStatus(disabled_, ids_["completed"]).status, 403);

  // Stop the source (its processing batch keeps its state), then copy.
  auto stopped = server_->Stop();
  ASSERT_TRUE(stopped && WIFEXITED(*stopped));
  const AdminView admin_before = Admin(db());
  EXPECT_NE(admin_before.porting.find("Vodafone"), std::string::npos);
  const std::string file_before = ReadFileBytes(sqlite_path_);

  pg_ = std::make_unique<PgDatabase>(pg_server_);
  CommandResult copy = Copy(pg_->url());
  ASSERT_EQ(copy.exit_code, 0) << copy.Evidence();
  EXPECT_NE(copy.out.find("phones: "), std::string::npos) << copy.Evidence();
  EXPECT_NE(copy.out.find("1 processing"), std::string::npos)
      << copy.Evidence();
  EXPECT_EQ(ReadFileBytes(sqlite_path_), file_before)
      << "the source must not be written";

  // Credits, accounts, tokens and porting facts as they were.
  const AdminView admin_after = Admin(pg_->url());
  EXPECT_EQ(admin_after.acme, admin_before.acme);
  EXPECT_EQ(admin_after.accounts, admin_before.accounts);
  EXPECT_EQ(admin_after.tokens, admin_before.tokens);
  EXPECT_EQ(admin_after.porting, admin_before.porting);

  // A server on PostgreSQL answers byte for byte as the SQLite one did.
  SwitchServerTo(pg_->url());
  EXPECT_EQ(Views(), before);
  EXPECT_EQ(BatchStatus(disabled_, ids_["completed"]).status, 403);
  EXPECT_EQ(CreateBatch(token_, idem_body_, idem_key_)
                .JsonBody()["result"]["batch_id"],
            ids_["idempotent"]);
  // The processing batch carries on where the source left it.
  Json done = WaitForStatus(token_, ids_["processing"], "completed",
                            std::chrono::seconds(60));
  EXPECT_EQ(done["result"]["records_processed"], 60) << done.dump();

  // New ids continue past the copied ones; the porting facts still answer.
  EXPECT_FALSE(CreateToken("newco", 10).empty());
  const std::string fresh = CreateBatchId(
      token_, PhonesBody({"+447400123456"}, {{"get_ported_date", true}}));
  ASSERT_EQ(StartBatch(token_, fresh).status, 200);
  WaitForStatus(token_, fresh, "completed");
  Json phones = BatchResults(token_, fresh, {{"Add-Metadata", "true"}})
                    .JsonBody()["result"]["phones"];
  ASSERT_EQ(phones.size(), 1u);
  EXPECT_EQ(phones[0]["metadata"]["operator_name"], "Vodafone");
  EXPECT_EQ(phones[0]["ported_date"], "2019-08-21T00:00:00.000000Z");
}

// A target that holds anything is refused with exit 2 and left untouched.
TEST_F(StoreCopyTest, RefusesATargetThatHoldsData) {
  const std::string token = CreateToken("acme", 1000);
  ASSERT_FALSE(CreateBatchId(token, PhonesBody({"+441206250380"})).empty());
  auto stopped = server_->Stop();
  ASSERT_TRUE(stopped && WIFEXITED(*stopped));

  pg_ = std::make_unique<PgDatabase>(pg_server_);
  Cli({"token", "create", "--db", pg_->url(), "--account", "existing",
       "--credits", "77"});
  const std::string accounts = Cli({"account", "list", "--db", pg_->url()}).out;
  const std::string tokens = Cli({"token", "list", "--db", pg_->url()}).out;

  CommandResult refused = Copy(pg_->url());
  EXPECT_EQ(refused.exit_code, 2) << refused.Evidence();
  EXPECT_NE(refused.err.find("already holds data"), std::string::npos)
      << refused.Evidence();
  EXPECT_EQ(Cli({"account", "list", "--db", pg_->url()}).out, accounts);
  EXPECT_EQ(Cli({"token", "list", "--db", pg_->url()}).out, tokens);
  EXPECT_EQ(RunCli({"account", "show", "--db", pg_->url(), "acme"}).exit_code,
            1);

  // The same database on both sides is refused before anything runs.
  const std::string sqlite_url = "sqlite:" + sqlite_path_;
  CommandResult same =
      RunCli({"store", "copy", "--from", sqlite_url, "--to", sqlite_url});
  EXPECT_EQ(same.exit_code, 2) << same.Evidence();
}

}  // namespace
}  // namespace phonebulk::it
