// The pure parts of webhooks: the Standard Webhooks signature (against the
// specification's own example), secrets, the event body, the SSRF address
// rules, URL checks and the retry schedule. Delivery through a real server
// and receiver is tests/integration/webhook_test.cc.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <string>

#include "common/crypto.h"
#include "webhook/dispatcher.h"
#include "webhook/event.h"
#include "webhook/target.h"

namespace phonebulk::webhook {
namespace {

TEST(WebhookSignTest, MatchesTheSpecificationsExample) {
  auto signature = Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                        "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                        R"({"test": 2432232314})");
  ASSERT_TRUE(signature.ok()) << signature.status();
  EXPECT_EQ(*signature, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
  // Every signed part counts.
  EXPECT_NE(*Sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                  "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265331,
                  R"({"test": 2432232314})"),
            *signature);
  EXPECT_FALSE(Sign("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "m", 1, "").ok());
  EXPECT_FALSE(Sign("whsec_not base64!", "m", 1, "").ok());
}

TEST(WebhookSignTest, NewSecretsAreRandomAndUsable) {
  const std::string a = NewSecret(), b = NewSecret();
  EXPECT_NE(a, b);
  ASSERT_EQ(a.rfind("whsec_", 0), 0u) << a;
  std::string key;
  ASSERT_TRUE(Base64Decode(a.substr(6), &key));
  EXPECT_EQ(key.size(), 24u);
  EXPECT_TRUE(Sign(a, "msg_1", 1, "{}").ok());
}

TEST(WebhookEventTest, BodyDescribesTheEndedBatch) {
  model::Batch b;
  b.id = "3f2b8c1e-9a4d-4e6f-8b2a-1c5d7e9f0a3b";
  b.reference_id = "crm-7";
  b.status = model::BatchStatus::kStopped;
  b.reason = model::StopReason::kStoppedByRequest;
  b.records = 10;
  b.records_processed = 4;
  b.credits_charged = 4;
  b.date_submitted = absl::FromUnixSeconds(1700000000);
  b.date_started = absl::FromUnixSeconds(1700000010);
  b.date_ended = absl::FromUnixSeconds(1700000020);
  const std::string body = EventBody("batch.stopped", b);
  rapidjson::Document doc;
  ASSERT_FALSE(doc.Parse(body.c_str()).HasParseError()) << body;
  EXPECT_STREQ(doc["type"].GetString(), "batch.stopped");
  EXPECT_STREQ(doc["timestamp"].GetString(), "2023-11-14T22:13:40.000000Z");
  const auto& data = doc["data"];
  EXPECT_STREQ(data["batch_id"].GetString(), b.id.c_str());
  EXPECT_STREQ(data["batch_reference_id"].GetString(), "crm-7");
  EXPECT_STREQ(data["status"].GetString(), "stopped");
  EXPECT_STREQ(data["reason"].GetString(), "stopped_by_request");
  EXPECT_EQ(data["records"].GetInt(), 10);
  EXPECT_EQ(data["records_processed"].GetInt(), 4);
  EXPECT_EQ(data["credits_charged"].GetInt64(), 4);
  EXPECT_STREQ(data["date_started"].GetString(), "2023-11-14T22:13:30.000000Z");
  b.status = model::BatchStatus::kCompleted;
  b.reason = model::StopReason::kNone;
  b.reference_id.clear();
  doc.Parse(EventBody("batch.completed", b).c_str());
  EXPECT_TRUE(doc["data"]["reason"].IsNull());
  EXPECT_TRUE(doc["data"]["batch_reference_id"].IsNull());
}

TEST(WebhookEventTest, EventTypeOfEachEnd) {
  using model::BatchStatus;
  using model::StopReason;
  EXPECT_EQ(
      model::BatchEndEventType(BatchStatus::kCompleted, StopReason::kNone),
      "batch.completed");
  EXPECT_EQ(model::BatchEndEventType(BatchStatus::kStopped,
                                     StopReason::kStoppedByRequest),
            "batch.stopped");
  EXPECT_EQ(model::BatchEndEventType(BatchStatus::kStopped,
                                     StopReason::kMaxProcessingTime),
            "batch.stopped");
  EXPECT_EQ(model::BatchEndEventType(BatchStatus::kStopped,
                                     StopReason::kProcessingFailed),
            "batch.failed");
  EXPECT_EQ(
      model::BatchEndEventType(BatchStatus::kProcessing, StopReason::kNone),
      "");
}

TEST(WebhookTargetTest, OnlyPublicAddressesArePublic) {
  for (const char* pub : {"8.8.8.8", "93.184.216.34", "2606:4700::1111",
                          "::ffff:8.8.8.8", "64:ff9b::808:808"}) {
    EXPECT_TRUE(IsPublicAddress(pub)) << pub;
  }
  for (const char* priv : {"127.0.0.1",
                           "127.8.9.10",
                           "10.1.2.3",
                           "172.16.0.1",
                           "172.31.255.255",
                           "192.168.1.1",
                           "169.254.169.254",
                           "100.64.0.1",
                           "0.0.0.0",
                           "224.0.0.1",
                           "255.255.255.255",
                           "192.0.2.1",
                           "::1",
                           "::",
                           "fe80::1",
                           "fd00::1",
                           "fc00::1",
                           "ff02::1",
                           "2001:db8::1",
                           "::ffff:127.0.0.1",
                           "::ffff:10.0.0.1",
                           "64:ff9b::a00:1",
                           "not an address",
                           ""}) {
    EXPECT_FALSE(IsPublicAddress(priv)) << priv;
  }
  // Just outside the ranges.
  EXPECT_TRUE(IsPublicAddress("172.32.0.1"));
  EXPECT_TRUE(IsPublicAddress("100.128.0.1"));
  EXPECT_TRUE(IsPublicAddress("11.0.0.1"));
}

TEST(WebhookTargetTest, UrlsAreCheckedWithReasons) {
  auto ok = ParseTargetUrl("https://Hooks.Example.com/in?x=1");
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->scheme, "https");
  EXPECT_EQ(ok->host, "hooks.example.com");
  EXPECT_EQ(ok->port, 443);
  auto v6 = ParseTargetUrl("http://[::1]:8081/x");
  ASSERT_TRUE(v6.ok()) << v6.status();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 8081);
  struct Bad {
    const char* url;
    const char* why;
  };
  for (const Bad& bad : {Bad{"ftp://example.com/", "only http and https"},
                         Bad{"example.com/in", "not an absolute URL"},
                         Bad{"https://user:pw@example.com/", "user name"},
                         Bad{"https://example.com/#frag", "fragment"}}) {
    auto r = ParseTargetUrl(bad.url);
    ASSERT_FALSE(r.ok()) << bad.url;
    EXPECT_NE(r.status().message().find(bad.why), std::string::npos)
        << r.status();
  }
  EXPECT_FALSE(
      ParseTargetUrl("https://example.com/" + std::string(3000, 'a')).ok());
}

TEST(WebhookTargetTest, PrivateTargetsNeedTheFlag) {
  auto target = ParseTargetUrl("http://127.0.0.1:9/");
  ASSERT_TRUE(target.ok());
  auto refused = ResolveTarget(*target, /*allow_private=*/false);
  EXPECT_TRUE(absl::IsPermissionDenied(refused.status())) << refused.status();
  EXPECT_NE(refused.status().message().find("--webhook-allow-private"),
            std::string::npos);
  auto allowed = ResolveTarget(*target, /*allow_private=*/true);
  ASSERT_TRUE(allowed.ok()) << allowed.status();
  EXPECT_EQ(*allowed, "127.0.0.1");
}

TEST(WebhookRetryTest, BackoffDoublesUpToTheCap) {
  DispatcherOptions o;
  o.retry_base = absl::Seconds(5);
  o.retry_cap = absl::Minutes(1);
  EXPECT_EQ(RetryDelay(o, 1), absl::Seconds(5));
  EXPECT_EQ(RetryDelay(o, 2), absl::Seconds(10));
  EXPECT_EQ(RetryDelay(o, 4), absl::Seconds(40));
  EXPECT_EQ(RetryDelay(o, 5), absl::Minutes(1));
  EXPECT_EQ(RetryDelay(o, 500), absl::Minutes(1));
}

}  // namespace
}  // namespace phonebulk::webhook
