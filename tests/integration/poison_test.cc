// Poison chunks: a batch whose stored config stops parsing (here: edited in
// the real SQLite file while the server processes it) is stopped with reason
// processing_failed after a bounded number of attempts, instead of a worker
// claiming and handing back the same chunk for ever. The status, the
// results, the balance, the logs and /metrics all say so.

#include <sqlite3.h>

#include <string>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class PoisonTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    // One phone per chunk, slowly: the batch is still processing when its
    // config is damaged, whatever the machine's speed.
    return {"--workers", "1", "--chunk-size", "1", "--chunk-delay-ms", "200"};
  }

  // Runs `sql` on the server's database file from outside, as a hand-edit
  // or a bad restore would.
  void Damage(const std::string& sql) {
    const std::string path = db().substr(std::string("sqlite:").size());
    sqlite3* handle = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &handle), SQLITE_OK);
    sqlite3_busy_timeout(handle, 10000);  // the server writes meanwhile
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(handle, sql.c_str(), nullptr, nullptr, &error),
              SQLITE_OK)
        << (error != nullptr ? error : "");
    sqlite3_free(error);
    sqlite3_close(handle);
  }
};

TEST_F(PoisonTest, UnreadableStoredConfigFailsTheBatchAndChargesOnlyDoneWork) {
  const long kCredits = 1000;
  std::string token = CreateToken("poisoned", kCredits);
  std::vector<std::string> numbers;
  for (int i = 0; i < 8; ++i)
    numbers.push_back("202629000" + std::to_string(i));
  std::string id =
      CreateBatchId(token, PhonesBody(numbers, {{"country_iso", "USA"}}));
  ASSERT_FALSE(id.empty());
  ASSERT_EQ(StartBatch(token, id).status, 200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        Json s = BatchStatus(token, id).JsonBody();
        return s["result"].value("records_processed", 0) >= 1;
      },
      30s));
  Damage(
      "UPDATE batches SET config_json = '{\"output_format\": 7' WHERE id = '" +
      id + "'");

  Json status = WaitForStatus(token, id, "stopped", 30s);
  ASSERT_EQ(status["result"].value("status", ""), "stopped") << status.dump();
  EXPECT_EQ(status["result"].value("reason", ""), "processing_failed");
  EXPECT_TRUE(IsContractTime(status["result"].value("date_ended", "")));
  const int processed = status["result"].value("records_processed", -1);
  EXPECT_GE(processed, 1);
  EXPECT_LT(processed, 8);

  // The config cannot be shown, but the status with metadata still answers.
  HttpResponse with_metadata =
      BatchStatus(token, id, {{"Add-Metadata", "true"}});
  ASSERT_EQ(with_metadata.status, 200) << with_metadata.Evidence();
  EXPECT_EQ(with_metadata.JsonBody()["metadata"]["batch_config"],
            Json::object());

  // Offline, one credit per processed phone; the rest of the reservation
  // came back.
  HttpResponse results = BatchResults(token, id);
  ASSERT_EQ(results.status, 200) << results.Evidence();
  Json r = results.JsonBody()["result"];
  EXPECT_EQ(r.value("credits_charged", -1), processed);
  EXPECT_EQ(Credits("poisoned"), kCredits - processed);
  ASSERT_EQ(r["phones"].size(), 8u);
  int unprocessed = 0;
  for (const Json& p : r["phones"]) {
    unprocessed += p.value("confidence", "") == "unprocessed" ? 1 : 0;
  }
  EXPECT_EQ(unprocessed, 8 - processed);

  // Error-level log line with the batch id, and a counter with a fixed label.
  const std::string logs = server().StdoutText() + server().StderrText();
  EXPECT_NE(logs.find("event=batch_failed batch_id=" + id), std::string::npos)
      << logs;
  HttpResponse metrics = Call("GET", "/metrics", "");
  EXPECT_NE(
      metrics.body.find(
          "phonebulk_batches_failed_total{cause=\"unreadable_config\"} 1\n"),
      std::string::npos)
      << metrics.body;

  // The worker is free again: a healthy batch after it completes.
  std::string healthy = CreateBatchId(
      token, PhonesBody({"2026290100"}, {{"country_iso", "USA"}}));
  ASSERT_EQ(StartBatch(token, healthy).status, 200);
  EXPECT_EQ(WaitForStatus(token, healthy, "completed", 30s)["result"].value(
                "status", ""),
            "completed");
}

}  // namespace
}  // namespace phonebulk::it
