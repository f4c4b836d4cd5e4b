// The webhook role (store/webhook_store.h) on SQLite: endpoints and the
// outbox (sql/sqlite/007_webhooks.sql). The outbox rows themselves are
// written by EndBatch (sqlite_batches.cc), inside the batch's transaction.

#include <optional>
#include <string>
#include <vector>

#include "store/backend_shared.h"
#include "store/errors.h"
#include "store/sqlite/sqlite_store.h"
#include "store/status_macros.h"

namespace phonebulk::store::sqlite {
namespace {

Webhook ReadWebhook(const Statement& row) {
  return Webhook{row.Int64(0), row.Int64(1), row.Text(2), row.Text(3),
                 row.Time(4)};
}


}  // namespace

absl::Status InsertWebhookDeliveries(Connection& conn, const Batch& ended) {
  const std::string_view type =
      model::BatchEndEventType(ended.status, ended.reason);
  if (type.empty() || !ended.date_ended) return absl::OkStatus();
  return conn.Run(
      "INSERT INTO webhook_deliveries (message_id, webhook_id, event_type, "
      "batch_id, state, attempts, created_us, next_attempt_us, last_error) "
      "SELECT 'msg_' || ?1 || '_' || id, id, ?2, ?1, 'pending', 0, ?3, ?3, '' "
      "FROM webhooks WHERE account_id = ?4",
      ended.id, type, *ended.date_ended, ended.account_id);
}

absl::StatusOr<Webhook> SqliteWebhooks::AddWebhook(int64_t account_id,
                                                   std::string_view url,
                                                   std::string_view secret,
                                                   absl::Time now) {
  return pool_->RunReturning(
      TxnMode::kWrite, [&](Connection& conn) -> absl::StatusOr<Webhook> {
        PB_ASSIGN_OR_RETURN(
            Statement insert,
            conn.Prepare(absl::StrCat(
                "INSERT INTO webhooks (account_id, url, secret, created_us) "
                "VALUES (?1, ?2, ?3, ?4) RETURNING ",
                kWebhookColumns)));
        insert.BindAll(account_id, url, secret, now);
        PB_RETURN_IF_ERROR(
            insert.StepToRow(absl::StatusCode::kInternal, "no row returned"));
        Webhook webhook = ReadWebhook(insert);
        PB_RETURN_IF_ERROR(insert.Run());
        return webhook;
      });
}

absl::StatusOr<std::vector<Webhook>> SqliteWebhooks::ListWebhooks(
    std::optional<int64_t> account_id) {
  return pool_->RunReturning(
      TxnMode::kRead,
      [&](Connection& conn) -> absl::StatusOr<std::vector<Webhook>> {
        PB_ASSIGN_OR_RETURN(
            Statement select,
            conn.Prepare(absl::StrCat("SELECT ", kWebhookColumns,
                                      " FROM webhooks WHERE ?1 IS NULL OR "
                                      "account_id = ?1 ORDER BY id")));
        if (account_id) {
          select.Bind(1, *account_id);
        } else {
          select.BindNull(1);
        }
        std::vector<Webhook> out;
        PB_RETURN_IF_ERROR(select.ForEachRow(
            [&](const Statement& row) { out.push_back(ReadWebhook(row)); }));
        return out;
      });
}

absl::Status SqliteWebhooks::RemoveWebhook(int64_t account_id, int64_t id) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    PB_RETURN_IF_ERROR(conn.Run(
        "DELETE FROM webhook_deliveries WHERE webhook_id = (SELECT id FROM "
        "webhooks WHERE id = ?1 AND account_id = ?2)",
        id, account_id));
    PB_RETURN_IF_ERROR(
        conn.Run("DELETE FROM webhooks WHERE id = ?1 AND account_id = ?2", id,
                 account_id));
    if (conn.changes() == 0) {
      return absl::NotFoundError("the account has no webhook with this id");
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<std::optional<WebhookDelivery>> SqliteWebhooks::ClaimDelivery(
    absl::Time now, absl::Duration lease) {
  return pool_->RunReturning(
      TxnMode::kWrite,
      [&](Connection& conn) -> absl::StatusOr<std::optional<WebhookDelivery>> {
        // BEGIN IMMEDIATE holds the write lock: no other claim interleaves.
        PB_ASSIGN_OR_RETURN(
            Statement claim,
            conn.Prepare(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, "
                "next_attempt_us = ?2 WHERE id = (SELECT id FROM "
                "webhook_deliveries WHERE state = 'pending' AND "
                "next_attempt_us <= ?1 ORDER BY next_attempt_us, id LIMIT 1) "
                "RETURNING id, message_id, webhook_id, event_type, batch_id, "
                "attempts, created_us"));
        claim.BindTime(1, now).BindTime(2, now + lease);
        PB_ASSIGN_OR_RETURN(bool row, claim.Step());
        if (!row) return std::nullopt;
        WebhookDelivery d;
        d.id = claim.Int64(0);
        d.message_id = claim.Text(1);
        d.webhook_id = claim.Int64(2);
        d.event_type = claim.Text(3);
        d.batch_id = claim.Text(4);
        d.attempt = static_cast<int>(claim.Int64(5));
        d.created = claim.Time(6);
        PB_RETURN_IF_ERROR(claim.Run());
        PB_ASSIGN_OR_RETURN(Statement hook,
                            conn.Prepare("SELECT account_id, url, secret FROM "
                                         "webhooks WHERE id = ?1"));
        hook.Bind(1, d.webhook_id);
        PB_RETURN_IF_ERROR(hook.StepToRow(absl::StatusCode::kInternal,
                                          "delivery without its webhook"));
        d.account_id = hook.Int64(0);
        d.url = hook.Text(1);
        d.secret = hook.Text(2);
        return d;
      });
}

absl::Status SqliteWebhooks::FinishDelivery(const WebhookDelivery& delivery,
                                            DeliveryOutcome outcome,
                                            absl::Time retry_at,
                                            std::string_view error,
                                            absl::Time now) {
  return pool_->Run(TxnMode::kWrite, [&](Connection& conn) -> absl::Status {
    const bool ended = outcome != DeliveryOutcome::kRetry;
    PB_RETURN_IF_ERROR(conn.Run(
        "UPDATE webhook_deliveries SET state = ?3, next_attempt_us = ?4, "
        "ended_us = ?5, last_error = ?6 WHERE id = ?1 AND attempts = ?2 AND "
        "state = 'pending'",
        delivery.id, delivery.attempt, DeliveryStateName(outcome),
        ended ? now : retry_at,
        ended ? std::optional<absl::Time>(now) : std::nullopt, error));
    if (conn.changes() == 0) return StaleClaimError();
    return absl::OkStatus();
  });
}

absl::StatusOr<WebhookCounts> SqliteWebhooks::CountDeliveries() {
  return pool_->RunReturning(
      TxnMode::kRead, [&](Connection& conn) -> absl::StatusOr<WebhookCounts> {
        PB_ASSIGN_OR_RETURN(
            Statement count,
            conn.Prepare("SELECT state, COUNT(*) FROM webhook_deliveries "
                         "GROUP BY state"));
        WebhookCounts counts;
        PB_RETURN_IF_ERROR(count.ForEachRow([&](const Statement& row) {
          const std::string state = row.Text(0);
          int64_t* slot = state == "pending"     ? &counts.pending
                          : state == "delivered" ? &counts.delivered
                                                 : &counts.failed;
          *slot = row.Int64(1);
        }));
        return counts;
      });
}

}  // namespace phonebulk::store::sqlite
