#ifndef PHONEBULK_STORE_WEBHOOK_STORE_H_
#define PHONEBULK_STORE_WEBHOOK_STORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace phonebulk::store {

// An endpoint an account registered to be told when its batches end.
struct Webhook {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string url;
  std::string secret;  // "whsec_" + base64 of the signing key
  absl::Time created;
};

// One event to deliver to one webhook: a row of the outbox. The outbox row
// is written in the transaction that ends the batch (see EndBatch in each
// backend), so an ended batch always has its deliveries and a rolled-back
// end has none.
struct WebhookDelivery {
  int64_t id = 0;
  // The Standard Webhooks `webhook-id`: the same on every attempt, so a
  // receiver can drop a repeat ("msg_<batch id>_<webhook id>").
  std::string message_id;
  int64_t webhook_id = 0;
  std::string url;         // the webhook's, as it is at claim time
  std::string secret;      // likewise
  std::string event_type;  // "batch.completed", "batch.stopped", ...
  std::string batch_id;
  int64_t account_id = 0;
  int attempt = 0;  // 1 on the first claim; fences the outcome
  absl::Time created;
};

// What became of one attempt.
enum class DeliveryOutcome {
  kDelivered,  // the receiver answered 2xx: never sent again
  kRetry,      // send again at `retry_at`
  kFailed,     // given up: never sent again
};

// Delivered, pending and given-up outbox rows, for /metrics.
struct WebhookCounts {
  int64_t pending = 0;
  int64_t delivered = 0;
  int64_t failed = 0;
};

// The webhook role: endpoints per account and the durable outbox of their
// deliveries. Every method is one transaction, safe to call from many
// threads and from several processes sharing the database. Errors as
// store/errors.h: Unavailable when the database cannot be reached.
class WebhookStore {
 public:
  virtual ~WebhookStore() = default;

  // Registers `url` for `account_id`'s batch events. The caller has checked
  // the URL and made the secret.
  virtual absl::StatusOr<Webhook> AddWebhook(int64_t account_id,
                                             std::string_view url,
                                             std::string_view secret,
                                             absl::Time now) = 0;
  // The account's webhooks by id; every account's when nullopt.
  virtual absl::StatusOr<std::vector<Webhook>> ListWebhooks(
      std::optional<int64_t> account_id) = 0;
  // Removes webhook `id` of `account_id` and its deliveries not yet made.
  // NotFound when the account has no such webhook.
  virtual absl::Status RemoveWebhook(int64_t account_id, int64_t id) = 0;

  // Claims the oldest pending delivery due at `now` (never claimed, retry
  // time reached, or claimed by a worker whose lease ran out): increments
  // its attempt and makes it due again at now+lease, so a worker that dies
  // mid-send leaves it to another. nullopt when nothing is due.
  virtual absl::StatusOr<std::optional<WebhookDelivery>> ClaimDelivery(
      absl::Time now, absl::Duration lease) = 0;
  // Records the outcome of `delivery`'s attempt; `error` says why it was
  // not delivered (kept for `webhook list`). Aborted when the attempt is
  // stale (another worker claimed it since) or the delivery is no longer
  // pending: nothing is written then.
  virtual absl::Status FinishDelivery(const WebhookDelivery& delivery,
                                      DeliveryOutcome outcome,
                                      absl::Time retry_at,
                                      std::string_view error,
                                      absl::Time now) = 0;
  virtual absl::StatusOr<WebhookCounts> CountDeliveries() = 0;
};

}  // namespace phonebulk::store

#endif  // PHONEBULK_STORE_WEBHOOK_STORE_H_
