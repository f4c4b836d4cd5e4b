// A batch's life: create → submitted (nothing processed) → start →
// processing → completed, the status and results views at each step, the
// list endpoint's order, and Add-Metadata's batch_config.

#include <cstdlib>
#include <ctime>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

// Checks the keys every status object has, and that optional ones are absent
// rather than null.
void ExpectStatusShape(const Json& result, const std::string& id, const std::string& status,
                       int records) {
  SCOPED_TRACE(result.dump());
  EXPECT_EQ(result.value("batch_id", ""), id);
  EXPECT_EQ(result.value("status", ""), status);
  EXPECT_EQ(result.value("records", -1), records);
  ASSERT_TRUE(result.is_object());
  ASSERT_TRUE(result.contains("records_processed"));
  ASSERT_TRUE(result.contains("date_submitted") && result["date_submitted"].is_string());
  EXPECT_TRUE(IsContractTime(result["date_submitted"].get<std::string>()))
      << result["date_submitted"];
  for (const char* key : {"date_started", "date_ended"}) {
    if (result.contains(key)) {
      ASSERT_TRUE(result[key].is_string()) << key;
      EXPECT_TRUE(IsContractTime(result[key].get<std::string>())) << key << " " << result[key];
    }
  }
  EXPECT_EQ(FindNulls(result), "") << "nulls in the status object";
}

// A fixture whose workers are slow enough to watch a batch in `processing`.
class LifecycleTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--chunk-size", "1", "--chunk-delay-ms", "150"};
  }
};

TEST_F(LifecycleTest, CreateStartComplete) {
  std::string token = CreateToken("life", 1000);
  Json body = PhonesBody({"441206250380", "2026298914", "2020000000", "", "+447400123456"},
                         {{"batch_reference_id", "crm-export-2025-09"}});
  body["phones"][1]["country_iso"] = "USA";
  body["phones"][2]["country_iso"] = "USA";

  // Create: submitted, id is a UUIDv4, reference echoed.
  HttpResponse created = CreateBatch(token, body);
  ASSERT_EQ(created.status, 200) << created.Evidence();
  Json c = created.JsonBody()["result"];
  ASSERT_TRUE(c.is_object()) << created.Evidence();
  std::string id = c.value("batch_id", "");
  EXPECT_TRUE(IsUuidV4(id)) << id;
  EXPECT_EQ(c.value("status", ""), "submitted") << created.Evidence();
  EXPECT_EQ(c.value("batch_reference_id", ""), "crm-export-2025-09") << created.Evidence();
  EXPECT_EQ(FindNulls(created.JsonBody()), "");

  // Nothing happens until start: a batch created after it and started
  // completes first (the worker was free to take work), while it stays
  // submitted with nothing processed.
  const std::string control =
      CreateBatchId(token, PhonesBody({"2026298914"}, {{"country_iso", "USA"}}));
  ASSERT_EQ(StartBatch(token, control).status, 200);
  ASSERT_TRUE(WaitForStatus(token, control, "completed", 20s).is_object())
      << "the control batch did not complete";
  HttpResponse submitted = BatchStatus(token, id);
  ASSERT_EQ(submitted.status, 200) << submitted.Evidence();
  Json s = submitted.JsonBody()["result"];
  ExpectStatusShape(s, id, "submitted", 5);
  EXPECT_EQ(s.value("records_processed", -1), 0) << submitted.Evidence();
  EXPECT_EQ(s.value("batch_reference_id", ""), "crm-export-2025-09");
  for (const char* absent : {"date_started", "date_ended", "reason"}) {
    EXPECT_FALSE(s.contains(absent)) << absent << " set on a submitted batch"
                                     << submitted.Evidence();
  }
  EXPECT_FALSE(submitted.JsonBody().contains("metadata")) << "metadata without Add-Metadata";

  HttpResponse early = BatchResults(token, id);
  ASSERT_EQ(early.status, 200) << early.Evidence();
  Json er = early.JsonBody()["result"];
  EXPECT_EQ(er.value("batch_id", ""), id);
  EXPECT_EQ(er.value("status", ""), "submitted");
  EXPECT_EQ(er["statistics"], Json::array()) << early.Evidence();
  EXPECT_EQ(er["phones"], Json::array()) << early.Evidence();

  // Start: processing, visible while the slow worker runs.
  HttpResponse started = StartBatch(token, id);
  ASSERT_EQ(started.status, 200) << started.Evidence();
  Json st = started.JsonBody()["result"];
  EXPECT_EQ(st.value("batch_id", ""), id);
  EXPECT_EQ(st.value("status", ""), "processing") << started.Evidence();
  EXPECT_EQ(st.value("batch_reference_id", ""), "crm-export-2025-09");

  HttpResponse processing = BatchStatus(token, id);
  Json p = processing.JsonBody()["result"];
  if (p.value("status", "") == "processing") {
    ExpectStatusShape(p, id, "processing", 5);
    EXPECT_TRUE(p.contains("date_started")) << processing.Evidence();
    EXPECT_FALSE(p.contains("date_ended")) << processing.Evidence();
    HttpResponse mid = BatchResults(token, id);
    Json mr = mid.JsonBody()["result"];
    if (mr.value("status", "") == "processing") {
      EXPECT_EQ(mr["statistics"], Json::array()) << mid.Evidence();
      EXPECT_EQ(mr["phones"], Json::array()) << mid.Evidence();
    }
  } else {
    ADD_FAILURE() << "5 phones at 150 ms each finished before the first status call?"
                  << processing.Evidence();
  }
  HttpResponse twice = StartBatch(token, id);
  EXPECT_TRUE(IsErrorResponse(twice, 400, BatchPath(id) + "/start")) << "start twice";

  // Completed.
  Json done = WaitForStatus(token, id, "completed", 20s);
  ASSERT_TRUE(done.is_object());
  Json d = done["result"];
  ExpectStatusShape(d, id, "completed", 5);
  EXPECT_EQ(d.value("records_processed", -1), 5);
  EXPECT_FALSE(d.contains("reason")) << done.dump();
  ASSERT_TRUE(d["date_started"].is_string() && d["date_ended"].is_string()) << done.dump();
  // Same format, so string order is time order.
  EXPECT_LE(d["date_submitted"].get<std::string>(), d["date_started"].get<std::string>());
  EXPECT_LE(d["date_started"].get<std::string>(), d["date_ended"].get<std::string>());

  HttpResponse stop_done = StopBatch(token, id);
  EXPECT_TRUE(IsErrorResponse(stop_done, 400, BatchPath(id) + "/stop")) << "stop completed";

  // Results: submission order, statistics in the contract's order.
  HttpResponse res = BatchResults(token, id);
  ASSERT_EQ(res.status, 200) << res.Evidence();
  Json r = res.JsonBody()["result"];
  EXPECT_EQ(r.value("batch_id", ""), id);
  EXPECT_EQ(r.value("status", ""), "completed");
  EXPECT_EQ(r.value("credits_charged", -1), 5) << res.Evidence();
  ASSERT_EQ(r["phones"].size(), 5u) << res.Evidence();
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r["phones"][i].value("number", "?"), body["phones"][i]["number"]) << "phone " << i;
  }
  EXPECT_EQ(FindNulls(res.JsonBody()), "");
  // 441206250380, 2026298914, +447400123456 are valid (unknown offline);
  // 2020000000 is invalid and "" unverified.
  const std::vector<std::string> want = {"unknown", "unknown", "unverified",
                                         "unverified", "unknown"};
  for (size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(r["phones"][i].value("confidence", "?"), want[i])
        << "phone " << i;
  }
  EXPECT_TRUE(HasStatistics(r, want, d.value("records", -1))) << res.Evidence();
}

TEST_F(LifecycleTest, OptionalKeysAreAbsentNotNull) {
  std::string token = CreateToken("life", 1000);
  HttpResponse created = CreateBatch(token, PhonesBody({"441206250380"}));
  ASSERT_EQ(created.status, 200) << created.Evidence();
  Json c = created.JsonBody()["result"];
  EXPECT_FALSE(c.contains("batch_reference_id")) << created.Evidence();
  std::string id = c.value("batch_id", "");
  HttpResponse s = BatchStatus(token, id);
  EXPECT_FALSE(s.JsonBody()["result"].contains("batch_reference_id")) << s.Evidence();
  EXPECT_EQ(FindNulls(s.JsonBody()), "") << s.Evidence();
  HttpResponse l = ListBatches(token);
  EXPECT_EQ(FindNulls(l.JsonBody()), "") << l.Evidence();
}

TEST_F(LifecycleTest, AddMetadataShowsBatchConfig) {
  std::string token = CreateToken("life", 1000);
  Json defaults = {{"output_format", "NATIONAL"},
                   {"country_iso", "USA"},
                   {"get_ported_date", true},
                   {"supplementary_live_status", {{"landline", {"GBR"}}}},
                   {"max_processing_time", "PT25M"}};
  std::string id = CreateBatchId(token, PhonesBody({"2026298914"}, defaults));
  ASSERT_FALSE(id.empty());
  HttpResponse r = BatchStatus(token, id, {{"Add-Metadata", "true"}});
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json config = r.JsonBody()["metadata"]["batch_config"];
  ASSERT_TRUE(config.is_object()) << r.Evidence();
  for (auto it = defaults.begin(); it != defaults.end(); ++it) {
    EXPECT_EQ(config[it.key()], it.value()) << "batch_config." << it.key() << r.Evidence();
  }
  EXPECT_EQ(FindNulls(r.JsonBody()), "") << r.Evidence();
  // The list carries status objects; metadata only when asked.
  HttpResponse list = ListBatches(token, {{"Add-Metadata", "true"}});
  ASSERT_EQ(list.status, 200) << list.Evidence();
  HttpResponse plain = BatchStatus(token, id);
  EXPECT_FALSE(plain.JsonBody().contains("metadata")) << plain.Evidence();
}

TEST_F(LifecycleTest, ListIsNewestFirstAndHoldsStatusObjects) {
  std::string token = CreateToken("life", 1000);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(CreateBatchId(token, PhonesBody(std::vector<std::string>(i + 1, "2026298914"),
                                                  {{"country_iso", "USA"}})));
    std::this_thread::sleep_for(20ms);
  }
  HttpResponse r = ListBatches(token);
  ASSERT_EQ(r.status, 200) << r.Evidence();
  Json batches = r.JsonBody()["result"]["batches"];
  ASSERT_EQ(batches.size(), 4u) << r.Evidence();
  for (size_t i = 0; i < 4; ++i) {
    size_t created_index = 3 - i;
    EXPECT_EQ(batches[i].value("batch_id", ""), ids[created_index]) << "position " << i;
    ExpectStatusShape(batches[i], ids[created_index], "submitted",
                      static_cast<int>(created_index) + 1);
  }
}

TEST_F(LifecycleTest, StopMidwayKeepsWhatIsDone) {
  std::string token = CreateToken("life", 1000);
  std::vector<std::string> numbers;
  for (int i = 0; i < 40; ++i) numbers.push_back("20262900" + std::to_string(10 + i));
  std::string id = CreateBatchId(token, PhonesBody(numbers, {{"country_iso", "USA"}}));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  ASSERT_TRUE(WaitUntil(
      [&] { return BatchStatus(token, id).JsonBody()["result"].value("records_processed", 0) >= 2; },
      10s));
  HttpResponse stop = StopBatch(token, id);
  ASSERT_EQ(stop.status, 200) << stop.Evidence();
  EXPECT_EQ(stop.JsonBody()["result"].value("status", ""), "stopped") << stop.Evidence();
  // Read once after the stop: final from here on (the stop's transaction
  // ends the batch; a later commit is refused).
  const int processed =
      BatchStatus(token, id).JsonBody()["result"].value("records_processed", -1);
  EXPECT_GE(processed, 2);
  EXPECT_LT(processed, 40);
  // The control: the one worker (--workers 1) finishes the chunk it was on
  // before it claims another, so once a batch started after the stop has
  // completed, the stopped batch's in-flight chunk has tried to commit. Only
  // then can "nothing moved" be told from "nothing arrived yet".
  std::string control = CreateBatchId(token, PhonesBody({"2026290001", "2026290002"},
                                                        {{"country_iso", "USA"}}));
  ASSERT_EQ(StartBatch(token, control).status, 200);
  WaitForStatus(token, control, "completed", 10s);
  HttpResponse s = BatchStatus(token, id);
  Json result = s.JsonBody()["result"];
  ExpectStatusShape(result, id, "stopped", 40);
  EXPECT_EQ(result.value("reason", ""), "stopped_by_request") << s.Evidence();
  EXPECT_TRUE(result.contains("date_ended")) << s.Evidence();
  EXPECT_EQ(result.value("records_processed", -1), processed)
      << "records_processed moved after the stop" << s.Evidence();
  HttpResponse start = StartBatch(token, id);
  EXPECT_TRUE(IsErrorResponse(start, 400, BatchPath(id) + "/start")) << "start stopped";
}

TEST_F(LifecycleTest, ConcurrentCreatesAllSucceed) {
  std::string token = CreateToken("life", 1000);
  constexpr int kThreads = 16;
  std::vector<HttpResponse> responses(kThreads);
  std::vector<std::thread> threads;
  const std::string body = PhonesBody({"441206250380", "2026298914"}).dump();
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      responses[i] = HttpSend(port(), {"POST", kBatches,
                                       {{"Auth-Token", token}, {"Content-Type", "application/json"}},
                                       body});
    });
  }
  for (auto& t : threads) t.join();
  std::set<std::string> ids;
  for (const HttpResponse& r : responses) {
    EXPECT_EQ(r.status, 200) << r.Evidence();
    ids.insert(r.JsonBody()["result"].value("batch_id", ""));
  }
  EXPECT_EQ(ids.size(), static_cast<size_t>(kThreads)) << "duplicate or missing batch ids";
  HttpResponse list = ListBatches(token);
  EXPECT_EQ(list.JsonBody()["result"]["batches"].size(), static_cast<size_t>(kThreads))
      << list.Evidence();
}

// Times must be UTC whatever the server's local time zone is.
class TimeZoneTest : public ServerTest {
 protected:
  void SetUp() override {
    const char* tz = std::getenv("TZ");
    saved_tz_ = tz ? std::optional<std::string>(tz) : std::nullopt;
    ::setenv("TZ", "America/New_York", 1);  // inherited by the server
    ServerTest::SetUp();
  }
  void TearDown() override {
    ServerTest::TearDown();
    if (saved_tz_) {
      ::setenv("TZ", saved_tz_->c_str(), 1);
    } else {
      ::unsetenv("TZ");
    }
  }
  std::optional<std::string> saved_tz_;
};

// Seconds since the epoch of a contract time string, read as UTC.
long long ParseUtc(const std::string& s) {
  std::tm tm{};
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6) {
    return -1;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return static_cast<long long>(timegm(&tm));
}

TEST_F(TimeZoneTest, DatesAreUtcEvenWithALocalTimeZone) {
  std::string token = CreateToken("tz", 100);
  std::string id = CreateBatchId(token, PhonesBody({"441206250380"}));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  Json done = WaitForStatus(token, id, "completed", 20s);
  long long now = static_cast<long long>(std::time(nullptr));
  for (const char* key : {"date_submitted", "date_started", "date_ended"}) {
    std::string value = done["result"].value(key, "");
    EXPECT_TRUE(IsContractTime(value)) << key << "=" << value;
    EXPECT_NEAR(static_cast<double>(ParseUtc(value)), static_cast<double>(now), 120.0)
        << key << "=" << value << " is not UTC (server ran with TZ=America/New_York)";
  }
}

}  // namespace
}  // namespace phonebulk::it
