// The webhook role on both backends: endpoints per account, the outbox
// rows a batch's end writes in its own transaction, claims with a lease,
// outcomes fenced by the attempt, retries due at their time. Times are
// constructed, never waited for.

#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "store/store.h"
#include "store/test_backend.h"

namespace phonebulk::store {
namespace {

const absl::Time kT0 = absl::FromUnixSeconds(1'750'000'000);
const absl::Duration kLease = absl::Minutes(1);

class WebhooksTest : public testing::AcmeStoreTest {
 protected:
  WebhooksTest() : AcmeStoreTest(100) {}

  void SetUp() override {
    AcmeStoreTest::SetUp();
    if (SetUpStopped()) return;
    ASSERT_NO_FATAL_FAILURE(AddAccount("other", 100, &other_));
  }

  // A submitted batch of `account` with one phone.
  std::string Create(int64_t account) {
    Batch b =
        testing::NewBatch(absl::StrCat("batch-", ++created_), account, 1, kT0);
    std::vector<PhoneInput> phones = {{"p0", ""}};
    EXPECT_TRUE(store_->batches().CreateBatch(b, phones, 1).ok());
    return b.id;
  }

  Webhook Add(int64_t account, const std::string& url) {
    auto added = store_->webhooks().AddWebhook(account, url, "whsec_AAAA", kT0);
    EXPECT_TRUE(added.ok()) << added.status();
    return added.ok() ? *added : Webhook{};
  }

  // A batch of acme stopped at kT0: its end raises batch.stopped.
  std::string StoppedBatch() {
    const std::string id = Create(acme_);
    EXPECT_TRUE(store_->batches()
                    .StopBatch(acme_, id, kT0, StopReason::kStoppedByRequest)
                    .ok());
    return id;
  }

  std::optional<WebhookDelivery> Claim(absl::Time now) {
    auto claimed = store_->webhooks().ClaimDelivery(now, kLease);
    EXPECT_TRUE(claimed.ok()) << claimed.status();
    return claimed.ok() ? *claimed : std::nullopt;
  }

  int64_t other_ = 0;
  int created_ = 0;
};

TEST_P(WebhooksTest, EndpointsBelongToTheirAccount) {
  const Webhook a = Add(acme_, "https://a.example/in");
  const Webhook b = Add(other_, "https://b.example/in");
  EXPECT_EQ(a.account_id, acme_);
  EXPECT_EQ(a.url, "https://a.example/in");
  EXPECT_EQ(a.created, kT0);
  auto mine = store_->webhooks().ListWebhooks(acme_);
  ASSERT_TRUE(mine.ok());
  ASSERT_EQ(mine->size(), 1u);
  EXPECT_EQ((*mine)[0].id, a.id);
  EXPECT_EQ(store_->webhooks().ListWebhooks(std::nullopt)->size(), 2u);
  // Another account's webhook cannot be removed by id.
  EXPECT_EQ(store_->webhooks().RemoveWebhook(acme_, b.id).code(),
            absl::StatusCode::kNotFound);
  EXPECT_TRUE(store_->webhooks().RemoveWebhook(other_, b.id).ok());
  EXPECT_EQ(store_->webhooks().ListWebhooks(std::nullopt)->size(), 1u);
}

TEST_P(WebhooksTest, AnEndedBatchHasOneDeliveryPerEndpointOfItsAccount) {
  const Webhook one = Add(acme_, "https://a.example/1");
  const Webhook two = Add(acme_, "https://a.example/2");
  Add(other_, "https://b.example/in");
  const std::string id = Create(acme_);
  EXPECT_FALSE(Claim(kT0).has_value()) << "a batch not ended raises nothing";
  ASSERT_TRUE(store_->batches()
                  .StopBatch(acme_, id, kT0, StopReason::kStoppedByRequest)
                  .ok());
  std::vector<WebhookDelivery> claimed;
  while (auto d = Claim(kT0)) claimed.push_back(*d);
  ASSERT_EQ(claimed.size(), 2u) << "one per endpoint of acme, none for other";
  for (const WebhookDelivery& d : claimed) {
    EXPECT_EQ(d.batch_id, id);
    EXPECT_EQ(d.account_id, acme_);
    EXPECT_EQ(d.event_type, "batch.stopped");
    EXPECT_EQ(d.attempt, 1);
    EXPECT_EQ(d.created, kT0);
    EXPECT_EQ(d.secret, "whsec_AAAA");
    EXPECT_EQ(d.message_id, absl::StrCat("msg_", id, "_", d.webhook_id));
  }
  EXPECT_NE(claimed[0].webhook_id, claimed[1].webhook_id);
  EXPECT_TRUE(claimed[0].webhook_id == one.id ||
              claimed[0].webhook_id == two.id);
}

// A claim is leased: nobody else gets it until the lease runs out, and then
// the late worker's outcome is refused (Aborted) while the new one's counts.
TEST_P(WebhooksTest, OutcomesAreFencedByTheAttempt) {
  Add(acme_, "https://a.example/in");
  StoppedBatch();
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(Claim(kT0 + kLease - absl::Seconds(1)).has_value())
      << "claimed twice within the lease";
  auto second = Claim(kT0 + kLease);
  ASSERT_TRUE(second.has_value()) << "a lapsed lease frees the delivery";
  EXPECT_EQ(second->attempt, 2);
  EXPECT_EQ(store_->webhooks()
                .FinishDelivery(*first, DeliveryOutcome::kDelivered, kT0, "",
                                kT0 + kLease)
                .code(),
            absl::StatusCode::kAborted);
  ASSERT_TRUE(store_->webhooks()
                  .FinishDelivery(*second, DeliveryOutcome::kDelivered, kT0, "",
                                  kT0 + kLease)
                  .ok());
  EXPECT_FALSE(Claim(kT0 + absl::Hours(48)).has_value())
      << "a delivered event is never claimed again";
  auto counts = store_->webhooks().CountDeliveries();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->delivered, 1);
  EXPECT_EQ(counts->pending, 0);
  // Once recorded, an outcome cannot be recorded again.
  EXPECT_EQ(store_->webhooks()
                .FinishDelivery(*second, DeliveryOutcome::kFailed, kT0, "x",
                                kT0 + kLease)
                .code(),
            absl::StatusCode::kAborted);
}

TEST_P(WebhooksTest, ARetryIsDueAtItsTimeAndAFailureIsFinal) {
  Add(acme_, "https://a.example/in");
  StoppedBatch();
  auto first = Claim(kT0);
  ASSERT_TRUE(first.has_value());
  const absl::Time retry_at = kT0 + absl::Seconds(10);
  ASSERT_TRUE(store_->webhooks()
                  .FinishDelivery(*first, DeliveryOutcome::kRetry, retry_at,
                                  "the receiver answered 500", kT0)
                  .ok());
  EXPECT_EQ(store_->webhooks().CountDeliveries()->pending, 1);
  EXPECT_FALSE(Claim(retry_at - absl::Seconds(1)).has_value());
  auto again = Claim(retry_at);
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->attempt, 2);
  EXPECT_EQ(again->message_id, first->message_id);
  ASSERT_TRUE(store_->webhooks()
                  .FinishDelivery(*again, DeliveryOutcome::kFailed, retry_at,
                                  "given up", retry_at)
                  .ok());
  EXPECT_FALSE(Claim(retry_at + absl::Hours(48)).has_value());
  EXPECT_EQ(store_->webhooks().CountDeliveries()->failed, 1);
}

// Removing an endpoint drops its deliveries not yet made.
TEST_P(WebhooksTest, RemovingAnEndpointDropsItsPendingDeliveries) {
  const Webhook hook = Add(acme_, "https://a.example/in");
  StoppedBatch();
  EXPECT_EQ(store_->webhooks().CountDeliveries()->pending, 1);
  ASSERT_TRUE(store_->webhooks().RemoveWebhook(acme_, hook.id).ok());
  EXPECT_EQ(store_->webhooks().CountDeliveries()->pending, 0);
  EXPECT_FALSE(Claim(kT0).has_value());
}

INSTANTIATE_TEST_SUITE_P(Backends, WebhooksTest, testing::AllBackends(),
                         testing::BackendName);

}  // namespace
}  // namespace phonebulk::store
