// The Bulk Phone v1 batch routes: create, list, status, start and stop.
// Results are results_handler.cc. Routing, header rules and the caller's
// token happen in api.cc before any of these run.

#include <spdlog/spdlog.h>

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "api/handlers.h"
#include "api/json_views.h"
#include "batch/create_request.h"
#include "common/crypto.h"
#include "common/strings.h"

namespace phonebulk::api {
namespace {

// 1 to 255 printable ASCII characters (the header is echoed in no answer,
// but it is stored and compared byte for byte).
bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e; });
}

absl::Status NoSuchBatch(const RequestScope& scope) {
  return absl::NotFoundError("no batch " + scope.batch_id + " in this account");
}

// The answer of start, stop and status, which share their not-found rule.
HttpResponse BatchAnswer(const RequestScope& scope,
                         const absl::StatusOr<batch::BatchView>& view,
                         bool full_status) {
  if (absl::IsNotFound(view.status())) {
    return StatusAnswer(scope, NoSuchBatch(scope));
  }
  if (!view.ok()) return StatusAnswer(scope, view.status());
  return JsonAnswer(full_status ? BatchStatusJson(*view, scope.add_metadata)
                                : BatchAckJson(*view));
}

// One event of a batch's life in the log, with who asked (account, client
// address, Reference-Id) and where the batch stands. The completion, which
// no request causes, is logged by the processor (event=batch_completed).
void LogBatchEvent(const RequestScope& scope, std::string_view event,
                   const batch::BatchView& view) {
  const model::Batch& b = view.batch;
  spdlog::info(
      "event={} batch_id={} status={} records={} records_processed={} "
      "credits_reserved={} credits_charged={} account=\"{}\" client={} "
      "reference_id=\"{}\"",
      event, b.id, model::BatchStatusName(b.status), b.records,
      b.records_processed, b.credits_reserved, b.credits_charged,
      SafeText(scope.account->name), scope.ctx.remote_ip, scope.reference_id);
}

}  // namespace

HttpResponse HandleCreateBatch(RequestScope& scope) {
  const HttpRequest& request = scope.request;
  batch::BatchService& batches = scope.services.batches;
  const ApiHooks& hooks = scope.services.hooks;
  // Idempotency-Key (IETF draft): checked before the body so that a bad key
  // is reported whatever the body holds.
  std::optional<batch::IdempotencyKey> key;
  if (auto it = request.find("Idempotency-Key"); it != request.end()) {
    if (!IsValidIdempotencyKey(it->value())) {
      return StatusAnswer(
          scope, absl::InvalidArgumentError(
                     "header Idempotency-Key: must be 1 to 255 printable "
                     "ASCII characters"));
    }
    key = batch::IdempotencyKey{std::string(it->value()),
                                Sha256Hex(request.body())};
  }
  auto parsed =
      batch::ParseCreateBatchRequest(request.body(), scope.services.countries);
  if (!parsed.ok()) return StatusAnswer(scope, parsed.status());
  if (key) {
    auto outcome =
        batches.CreateIdempotent(scope.account->id, *std::move(parsed), *key);
    // 422 is the draft's own answer to a key reused with another body.
    if (batch::IsIdempotencyKeyReused(outcome.status())) {
      return ErrorAnswer(scope, 422, std::string(outcome.status().message()));
    }
    if (!outcome.ok()) return StatusAnswer(scope, outcome.status());
    if (!outcome->replayed && hooks.after_create_stored) {
      hooks.after_create_stored();
    }
    if (!outcome->replayed)
      LogBatchEvent(scope, "batch_created", outcome->view);
    HttpResponse res = JsonAnswer(BatchAckJson(outcome->view));
    if (outcome->replayed) res.set("Idempotent-Replayed", "true");
    return res;
  }
  auto view = batches.Create(scope.account->id, *std::move(parsed));
  if (!view.ok()) return StatusAnswer(scope, view.status());
  LogBatchEvent(scope, "batch_created", *view);
  if (hooks.after_create_stored) hooks.after_create_stored();
  return JsonAnswer(BatchAckJson(*view));
}

HttpResponse HandleListBatches(RequestScope& scope) {
  auto views = scope.services.batches.List(scope.account->id);
  if (!views.ok()) return StatusAnswer(scope, views.status());
  return JsonAnswer(BatchListJson(*views));
}

HttpResponse HandleGetBatch(RequestScope& scope) {
  return BatchAnswer(
      scope, scope.services.batches.Get(scope.account->id, scope.batch_id),
      /*full_status=*/true);
}

HttpResponse HandleStartBatch(RequestScope& scope) {
  auto view = scope.services.batches.Start(scope.account->id, scope.batch_id);
  // Workers sleep when there is nothing to claim; a start is news to them.
  if (view.ok() && scope.services.hooks.batch_started) {
    scope.services.hooks.batch_started();
  }
  if (view.ok()) LogBatchEvent(scope, "batch_started", *view);
  return BatchAnswer(scope, view, /*full_status=*/false);
}

HttpResponse HandleStopBatch(RequestScope& scope) {
  auto view = scope.services.batches.Stop(scope.account->id, scope.batch_id);
  if (view.ok()) LogBatchEvent(scope, "batch_stopped", *view);
  return BatchAnswer(scope, view, /*full_status=*/false);
}

}  // namespace phonebulk::api
