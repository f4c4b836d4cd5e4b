// The webhook role (store/webhook_store.h) on PostgreSQL: endpoints and the
// outbox (sql/postgres/008_webhooks.sql). The outbox rows themselves are
// written by EndBatch (pg_batches.cc), inside the batch's transaction.

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "store/backend_shared.h"
#include "store/errors.h"
#include "store/postgres/postgres_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::postgres {
namespace {

Webhook ReadWebhook(const Result& res, int row) {
  return Webhook{res.Int64(row, 0), res.Int64(row, 1), res.Text(row, 2),
                 res.Text(row, 3), res.Time(row, 4)};
}


}  // namespace

absl::Status InsertWebhookDeliveries(Connection& conn, const Batch& ended) {
  const std::string_view type =
      model::BatchEndEventType(ended.status, ended.reason);
  if (type.empty() || !ended.date_ended) return absl::OkStatus();
  return conn
      .Query(
          "INSERT INTO webhook_deliveries (message_id, webhook_id, "
          "event_type, batch_id, state, attempts, created_us, "
          "next_attempt_us, last_error) SELECT 'msg_' || $1 || '_' || id, id, "
          "$2, $1, 'pending', 0, $3, $3, '' FROM webhooks WHERE account_id = "
          "$4",
          Params()
              .Text(ended.id)
              .Text(type)
              .Time(*ended.date_ended)
              .Int(ended.account_id))
      .status();
}

absl::StatusOr<Webhook> PostgresWebhooks::AddWebhook(int64_t account_id,
                                                     std::string_view url,
                                                     std::string_view secret,
                                                     absl::Time now) {
  return pool_->RunReturning([&](Connection& conn) -> absl::StatusOr<Webhook> {
    PB_ASSIGN_OR_RETURN(
        Result res,
        conn.Query(absl::StrCat("INSERT INTO webhooks (account_id, url, "
                                "secret, created_us) VALUES ($1, $2, $3, $4) "
                                "RETURNING ",
                                kWebhookColumns),
                   Params().Int(account_id).Text(url).Text(secret).Time(now)));
    return ReadWebhook(res, 0);
  });
}

absl::StatusOr<std::vector<Webhook>> PostgresWebhooks::ListWebhooks(
    std::optional<int64_t> account_id) {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::vector<Webhook>> {
        Params params;
        if (account_id) {
          params.Int(*account_id);
        } else {
          params.Null();
        }
        PB_ASSIGN_OR_RETURN(
            Result res,
            conn.Query(absl::StrCat("SELECT ", kWebhookColumns,
                                    " FROM webhooks WHERE $1::bigint IS NULL "
                                    "OR account_id = $1 ORDER BY id"),
                       params));
        std::vector<Webhook> out;
        for (int row = 0; row < res.rows(); ++row) {
          out.push_back(ReadWebhook(res, row));
        }
        return out;
      });
}

absl::Status PostgresWebhooks::RemoveWebhook(int64_t account_id, int64_t id) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(
        conn.Query("DELETE FROM webhook_deliveries WHERE webhook_id = (SELECT "
                   "id FROM webhooks WHERE id = $1 AND account_id = $2)",
                   Params().Int(id).Int(account_id))
            .status());
    PB_ASSIGN_OR_RETURN(
        Result removed,
        conn.Query("DELETE FROM webhooks WHERE id = $1 AND account_id = $2",
                   Params().Int(id).Int(account_id)));
    if (removed.affected() == 0) {
      return absl::NotFoundError("the account has no webhook with this id");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<WebhookDelivery>> PostgresWebhooks::ClaimDelivery(
    absl::Time now, absl::Duration lease) {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<std::optional<WebhookDelivery>> {
        // SKIP LOCKED: nodes claiming at once take different rows.
        PB_ASSIGN_OR_RETURN(
            Result res,
            conn.Query(
                "UPDATE webhook_deliveries d SET attempts = d.attempts + 1, "
                "next_attempt_us = $2 FROM webhooks w WHERE w.id = "
                "d.webhook_id AND d.id = (SELECT id FROM webhook_deliveries "
                "WHERE state = 'pending' AND next_attempt_us <= $1 ORDER BY "
                "next_attempt_us, id LIMIT 1 FOR UPDATE SKIP LOCKED) "
                "RETURNING d.id, d.message_id, d.webhook_id, d.event_type, "
                "d.batch_id, d.attempts, d.created_us, w.account_id, w.url, "
                "w.secret",
                Params().Time(now).Time(now + lease)));
        if (res.rows() == 0) return std::nullopt;
        WebhookDelivery d;
        d.id = res.Int64(0, 0);
        d.message_id = res.Text(0, 1);
        d.webhook_id = res.Int64(0, 2);
        d.event_type = res.Text(0, 3);
        d.batch_id = res.Text(0, 4);
        d.attempt = static_cast<int>(res.Int64(0, 5));
        d.created = res.Time(0, 6);
        d.account_id = res.Int64(0, 7);
        d.url = res.Text(0, 8);
        d.secret = res.Text(0, 9);
        return d;
      });
}

absl::Status PostgresWebhooks::FinishDelivery(const WebhookDelivery& delivery,
                                              DeliveryOutcome outcome,
                                              absl::Time retry_at,
                                              std::string_view error,
                                              absl::Time now) {
  return pool_->Run([&](Connection& conn) -> absl::Status {
    const bool ended = outcome != DeliveryOutcome::kRetry;
    PB_ASSIGN_OR_RETURN(
        Result res,
        conn.Query("UPDATE webhook_deliveries SET state = $3, "
                   "next_attempt_us = $4, ended_us = $5, last_error = $6 "
                   "WHERE id = $1 AND attempts = $2 AND state = 'pending'",
                   Params()
                       .Int(delivery.id)
                       .Int(delivery.attempt)
                       .Text(DeliveryStateName(outcome))
                       .Time(ended ? now : retry_at)
                       .OptionalTime(ended ? std::optional<absl::Time>(now)
                                           : std::nullopt)
                       .Text(error)));
    if (res.affected() == 0) return StaleClaimError();
    return absl::OkStatus();
  });
}

absl::StatusOr<WebhookCounts> PostgresWebhooks::CountDeliveries() {
  return pool_->RunReturning(
      [&](Connection& conn) -> absl::StatusOr<WebhookCounts> {
        PB_ASSIGN_OR_RETURN(Result res,
                            conn.Query("SELECT state, COUNT(*) FROM "
                                       "webhook_deliveries GROUP BY state",
                                       Params()));
        WebhookCounts counts;
        for (int row = 0; row < res.rows(); ++row) {
          const std::string state = res.Text(row, 0);
          int64_t* slot = state == "pending"     ? &counts.pending
                          : state == "delivered" ? &counts.delivered
                                                 : &counts.failed;
          *slot = res.Int64(row, 1);
        }
        return counts;
      });
}

}  // namespace phonebulk::store::postgres
