// Credits: start reserves the worst case (403 when the balance cannot cover
// it, nothing reserved), completion and stop settle exactly once, a stopped
// batch's unprocessed phones cost nothing, and get_ported_date offline.

#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness.h"

namespace phonebulk::it {
namespace {

using namespace std::chrono_literals;

class CreditsTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--chunk-size", "5", "--chunk-delay-ms", "100"};
  }
};

// n distinct valid US numbers.
std::vector<std::string> UsNumbers(int n, int first = 0) {
  std::vector<std::string> out;
  for (int i = first; i < first + n; ++i) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "202629%04d", i);
    out.push_back(buf);
  }
  return out;
}

Json Usa() { return {{"country_iso", "USA"}}; }

TEST_F(CreditsTest, NotEnoughCreditsIs403OnStartAndReservesNothing) {
  std::string token = CreateToken("poor", 2);
  std::string id = CreateBatchId(token, PhonesBody(UsNumbers(3), Usa()));
  ASSERT_FALSE(id.empty()) << "create must not need credits";
  HttpResponse start = StartBatch(token, id);
  EXPECT_TRUE(IsErrorResponse(start, 403, BatchPath(id) + "/start"));
  std::string detail = start.JsonBody()["error"].value("detail", "");
  EXPECT_NE(detail.find("credit"), std::string::npos) << "detail should mention credits: "
                                                      << detail;
  EXPECT_EQ(Credits("poor"), 2) << "a refused start changed the balance";
  HttpResponse s = BatchStatus(token, id);
  EXPECT_EQ(s.JsonBody()["result"].value("status", ""), "submitted") << s.Evidence();

  // Top up by one (admin CLI while the server runs) and the start goes through.
  CommandResult add = RunCli({"account", "credit", "--db", db(), "poor", "--add", "1"});
  ASSERT_EQ(add.exit_code, 0) << add.Evidence();
  EXPECT_EQ(Credits("poor"), 3);
  HttpResponse again = StartBatch(token, id);
  ASSERT_EQ(again.status, 200) << again.Evidence();
  WaitForStatus(token, id, "completed", 20s);
  EXPECT_EQ(Credits("poor"), 0);
  HttpResponse res = BatchResults(token, id);
  EXPECT_EQ(res.JsonBody()["result"].value("credits_charged", -1), 3) << res.Evidence();
}

TEST_F(CreditsTest, CompletionSettlesExactlyOncePerRecord) {
  std::string token = CreateToken("payer", 100);
  std::vector<std::string> numbers = UsNumbers(7);
  numbers.push_back("2020000000");  // invalid: still charged
  numbers.push_back("");            // empty: still charged
  numbers.push_back("garbage");     // unparseable: still charged
  std::string id = CreateBatchId(token, PhonesBody(numbers, Usa()));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  WaitForStatus(token, id, "completed", 20s);
  EXPECT_EQ(Credits("payer"), 90);
  HttpResponse res = BatchResults(token, id);
  EXPECT_EQ(res.JsonBody()["result"].value("credits_charged", -1), 10) << res.Evidence();
  // Reading results again, or a later restart, does not charge again.
  BatchResults(token, id);
  Restart(/*hard=*/false);
  RunControlBatch(token);  // the restarted workers have run
  EXPECT_EQ(Credits("payer"), 89) << "charged again after restart (the control took 1)";
}

TEST_F(CreditsTest, ReservationCoversConcurrentBatches) {
  std::string token = CreateToken("tight", 10);
  std::string a = CreateBatchId(token, PhonesBody(UsNumbers(8), Usa()));
  std::string b = CreateBatchId(token, PhonesBody(UsNumbers(8, 100), Usa()));
  ASSERT_EQ(StartBatch(token, a).status, 200);
  HttpResponse second = StartBatch(token, b);
  EXPECT_TRUE(IsErrorResponse(second, 403, BatchPath(b) + "/start"))
      << "8 of 10 credits are reserved by the first batch";
  WaitForStatus(token, a, "completed", 20s);
  EXPECT_EQ(Credits("tight"), 2);
  EXPECT_EQ(BatchStatus(token, b).JsonBody()["result"].value("status", ""), "submitted");
}

TEST_F(CreditsTest, StopChargesOnlyWhatWasProcessed) {
  std::string token = CreateToken("stopper", 100);
  std::vector<std::string> numbers = UsNumbers(100);
  std::string id = CreateBatchId(token, PhonesBody(numbers, Usa()));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  ASSERT_TRUE(WaitUntil(
      [&] {
        return BatchStatus(token, id).JsonBody()["result"].value("records_processed", 0) >= 5;
      },
      10s))
      << "nothing processed within 10 s";
  HttpResponse stop = StopBatch(token, id);
  ASSERT_EQ(stop.status, 200) << stop.Evidence();
  EXPECT_EQ(stop.JsonBody()["result"].value("status", ""), "stopped") << stop.Evidence();

  // What a status read after the stop says is final: the stop settles in
  // the transaction that ends the batch, and an in-flight chunk's commit is
  // refused after it. The control lets that chunk try (it costs a credit).
  const int processed =
      BatchStatus(token, id).JsonBody()["result"].value("records_processed", -1);
  RunControlBatch(token);
  HttpResponse status = BatchStatus(token, id);
  EXPECT_EQ(status.JsonBody()["result"].value("records_processed", -1), processed)
      << status.Evidence();
  Json st = status.JsonBody()["result"];
  EXPECT_EQ(st.value("status", ""), "stopped") << status.Evidence();
  EXPECT_EQ(st.value("reason", ""), "stopped_by_request") << status.Evidence();
  ASSERT_GE(processed, 5);
  ASSERT_LT(processed, 100) << "stop came too late to test anything";

  EXPECT_EQ(Credits("stopper"), 100 - processed - 1)
      << "balance after stop should be before - records_processed (" << processed
      << ") - the control's 1";
  HttpResponse res = BatchResults(token, id);
  ASSERT_EQ(res.status, 200) << res.Evidence();
  Json r = res.JsonBody()["result"];
  EXPECT_EQ(r.value("status", ""), "stopped");
  EXPECT_EQ(r.value("credits_charged", -1), processed) << res.Evidence();
  ASSERT_EQ(r["phones"].size(), 100u) << res.Evidence();
  int done = 0, unprocessed = 0;
  std::vector<std::string> confidences;
  for (size_t i = 0; i < 100; ++i) {
    const Json& p = r["phones"][i];
    confidences.push_back(p.value("confidence", "?"));
    EXPECT_EQ(p.value("number", "?"), numbers[i]) << "position " << i;
    if (p.value("confidence", "") == "unprocessed") {
      ++unprocessed;
      EXPECT_EQ(p.value("validated_phone_number", "?"), "") << p.dump();
      EXPECT_EQ(p.value("formatted_phone_number", "?"), "") << p.dump();
      EXPECT_EQ(p.value("phone_type", "?"), "") << p.dump();
      EXPECT_FALSE(p.contains("ported_date")) << p.dump();
    } else {
      ++done;
      EXPECT_EQ(p.value("confidence", ""), "unknown") << p.dump();
      EXPECT_EQ(p.value("validated_phone_number", ""), "1" + numbers[i]) << p.dump();
    }
  }
  EXPECT_EQ(done, processed);
  EXPECT_EQ(unprocessed, 100 - processed);
  EXPECT_TRUE(HasStatistics(r, confidences, 100)) << res.Evidence();

  // The unused reservation was released: the rest of the balance (less the
  // control's credit) is usable.
  std::string next = CreateBatchId(token, PhonesBody(UsNumbers(100 - processed - 1), Usa()));
  HttpResponse start_next = StartBatch(token, next);
  EXPECT_EQ(start_next.status, 200) << "the stopped batch's reservation was not released"
                                    << start_next.Evidence();
  if (start_next.status == 200) {
    WaitForStatus(token, next, "completed", 30s);
    EXPECT_EQ(Credits("stopper"), 0);
  }
}

TEST_F(CreditsTest, PortedDateReservesTheWorstCaseButChargesWhatIsReturned) {
  // Worst case is 2 credits per phone (one for a ported date); offline the
  // answer is "unknown", which is not a ported date, so only 1 is charged.
  std::string token = CreateToken("ported", 4);
  Json defaults = {{"country_iso", "USA"}, {"get_ported_date", true}};
  std::string too_big = CreateBatchId(token, PhonesBody(UsNumbers(3), defaults));
  HttpResponse refused = StartBatch(token, too_big);
  EXPECT_TRUE(IsErrorResponse(refused, 403, BatchPath(too_big) + "/start"))
      << "3 phones with get_ported_date need a worst case of 6 > 4 credits";
  std::string fits = CreateBatchId(token, PhonesBody(UsNumbers(2), defaults));
  ASSERT_EQ(StartBatch(token, fits).status, 200);
  WaitForStatus(token, fits, "completed", 20s);
  HttpResponse res = BatchResults(token, fits);
  Json ported_phones = res.JsonBody()["result"]["phones"];
  for (const Json& p : ported_phones) {
    EXPECT_EQ(p.value("ported_date", "<absent>"), "unknown") << p.dump();
  }
  EXPECT_EQ(res.JsonBody()["result"].value("credits_charged", -1), 2) << res.Evidence();
  EXPECT_EQ(Credits("ported"), 2);
}

TEST_F(CreditsTest, ConcurrentStartsOfOneBatchReserveOnce) {
  std::string token = CreateToken("racer", 100);
  std::string id = CreateBatchId(token, PhonesBody(UsNumbers(10), Usa()));
  ASSERT_FALSE(id.empty());
  constexpr int kThreads = 8;
  std::vector<HttpResponse> responses(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      responses[i] = HttpSend(port(), {"POST", BatchPath(id) + "/start", {{"Auth-Token", token}}, ""});
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (const HttpResponse& r : responses) {
    if (r.status == 200) {
      ++ok;
    } else {
      EXPECT_TRUE(IsErrorResponse(r, 400, BatchPath(id) + "/start"));
    }
  }
  EXPECT_EQ(ok, 1) << "concurrent starts of one batch";
  WaitForStatus(token, id, "completed", 20s);
  EXPECT_EQ(Credits("racer"), 90);
  // And a second batch can use the rest: no reservation leaked.
  std::string next = CreateBatchId(token, PhonesBody(UsNumbers(90, 100), Usa()));
  HttpResponse start = StartBatch(token, next);
  EXPECT_EQ(start.status, 200) << "reservation leaked by the racing starts" << start.Evidence();
}

// Settlement must not overwrite a balance that changed meanwhile (a lost
// update would wipe the top-up).
TEST_F(CreditsTest, AdminTopUpDuringProcessingIsKept) {
  // 80 chunks of 5 at 100 ms each: the batch runs for 8 s or more, far
  // longer than the CLI takes to add credits even under a sanitizer.
  std::string token = CreateToken("topup", 500);
  std::string id = CreateBatchId(token, PhonesBody(UsNumbers(400), Usa()));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  CommandResult add = RunCli({"account", "credit", "--db", db(), "topup", "--add", "1000"});
  ASSERT_EQ(add.exit_code, 0) << add.Evidence();
  HttpResponse mid = BatchStatus(token, id);
  EXPECT_EQ(mid.JsonBody()["result"].value("status", ""), "processing")
      << "the top-up should land while the batch runs" << mid.Evidence();
  WaitForStatus(token, id, "completed", 60s);
  EXPECT_EQ(Credits("topup"), 500 + 1000 - 400);
}

// Stop racing completion: whichever wins, the batch is settled once and the
// balance matches what its results say was charged.
TEST_F(CreditsTest, StopRacingCompletionSettlesOnce) {
  std::string token = CreateToken("race", 10000);
  long long charged = 0;
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    // 5..16 phones: one to four chunks of 5 at 100 ms each.
    std::string id = CreateBatchId(token, PhonesBody(UsNumbers(5 + i), Usa()));
    ASSERT_EQ(StartBatch(token, id).status, 200);
    std::this_thread::sleep_for(std::chrono::milliseconds(30 * i));
    HttpResponse stop = StopBatch(token, id);
    EXPECT_TRUE(stop.status == 200 || stop.status == 400) << stop.Evidence();
    ids.push_back(id);
  }
  for (const std::string& id : ids) {
    ASSERT_TRUE(WaitUntil(
        [&] {
          std::string s = BatchStatus(token, id).JsonBody()["result"].value("status", "");
          return s == "stopped" || s == "completed";
        },
        20s));
  }
  // The control: the one worker has tried to commit any chunk it held.
  RunControlBatch(token);
  for (const std::string& id : ids) {
    HttpResponse res = BatchResults(token, id);
    Json r = res.JsonBody()["result"];
    int processed = BatchStatus(token, id).JsonBody()["result"].value("records_processed", -1);
    EXPECT_EQ(r.value("credits_charged", -1), processed) << res.Evidence();
    charged += r.value("credits_charged", 0);
  }
  EXPECT_EQ(Credits("race"), 10000 - charged - 1) << "the control took 1";
}

// A batch that passes retention while it is still processing must still
// settle: the reservation for phones never processed is released.
class ExpiresWhileProcessingTest : public ServerTest {
 protected:
  std::vector<std::string> ServerArgs() const override {
    return {"--workers", "1", "--chunk-size", "1", "--chunk-delay-ms", "500",
            "--retention-seconds", "3", "--purge-interval-seconds", "1"};
  }
};

TEST_F(ExpiresWhileProcessingTest, ReservationIsReleased) {
  std::string token = CreateToken("expiring", 100);
  std::string id = CreateBatchId(token, PhonesBody(UsNumbers(20), Usa()));
  ASSERT_EQ(StartBatch(token, id).status, 200);
  int last_seen = 0;
  ASSERT_TRUE(WaitUntil(
      [&] {
        HttpResponse r = BatchStatus(token, id);
        if (r.status != 200) return true;  // expired
        last_seen = r.JsonBody()["result"].value("records_processed", last_seen);
        return false;
      },
      10s, 200ms))
      << "the batch did not expire in 10 s";
  ASSERT_LT(last_seen, 20) << "finished before expiring; nothing to test";
  // At most a couple more phones can have been processed after the last
  // look; everything else must come back.
  long long floor = 100 - (last_seen + 2);
  std::optional<long long> credits;
  bool released = WaitUntil(
      [&] {
        credits = Credits("expiring");
        return credits && *credits >= floor;
      },
      15s, 500ms);
  EXPECT_TRUE(released) << "balance stuck at " << credits.value_or(-1) << " (reserved 20, "
                        << "processed about " << last_seen << " before the batch expired)";
}

}  // namespace
}  // namespace phonebulk::it
