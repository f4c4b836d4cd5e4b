#include "webhook/dispatcher.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <string>

#include "common/strings.h"
#include "webhook/event.h"
#include "webhook/sender.h"
#include "webhook/target.h"

namespace phonebulk::webhook {

absl::Duration RetryDelay(const DispatcherOptions& options, int attempt) {
  absl::Duration delay = options.retry_base;
  for (int i = 1; i < attempt && delay < options.retry_cap; ++i) delay *= 2;
  return std::min(delay, options.retry_cap);
}

Dispatcher::Dispatcher(store::WebhookStore& webhooks,
                       store::BatchStore& batches, const Clock& clock,
                       DispatcherOptions options)
    : webhooks_(webhooks),
      batches_(batches),
      clock_(clock),
      options_(options) {}

Dispatcher::~Dispatcher() { Stop(); }

void Dispatcher::Start() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = false;
  }
  thread_ = std::make_unique<std::thread>([this] { Loop(); });
}

void Dispatcher::Stop() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    cv_.SignalAll();
  }
  if (thread_ && thread_->joinable()) thread_->join();
  thread_.reset();
}

void Dispatcher::Notify() {
  absl::MutexLock lock(&mu_);
  wake_ = true;
  cv_.SignalAll();
}

void Dispatcher::Loop() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) return;
    }
    if (RunOnce()) continue;
    const absl::Time until = absl::Now() + options_.poll;
    absl::MutexLock lock(&mu_);
    while (!wake_ && !stopping_) {
      if (cv_.WaitWithDeadline(&mu_, until)) break;  // timed out
    }
    wake_ = false;
  }
}

bool Dispatcher::RunOnce() {
  const absl::Time now = clock_.Now();
  absl::StatusOr<std::optional<store::WebhookDelivery>> claimed =
      webhooks_.ClaimDelivery(now, options_.lease);
  if (!claimed.ok()) {
    spdlog::warn("event=webhook_claim_failed error=\"{}\"",
                 SafeText(claimed.status().ToString()));
    return false;
  }
  if (!claimed->has_value()) return false;
  const store::WebhookDelivery& d = **claimed;

  // Why this attempt did not deliver; empty once the receiver said 2xx.
  std::string error;
  bool permanent = false;  // retrying cannot help
  int status = 0;
  absl::StatusOr<model::Batch> batch =
      batches_.GetBatch(d.account_id, d.batch_id);
  absl::StatusOr<TargetUrl> target = ParseTargetUrl(d.url);
  if (!batch.ok()) {
    error = "the batch cannot be read: " + batch.status().ToString();
    permanent = absl::IsNotFound(batch.status());
  } else if (!target.ok()) {
    error = std::string(target.status().message());
    permanent = true;
  } else if (absl::StatusOr<std::string> address =
                 ResolveTarget(*target, options_.allow_private);
             !address.ok()) {
    error = std::string(address.status().message());
    permanent = absl::IsPermissionDenied(address.status());
  } else {
    const std::string body = EventBody(d.event_type, *batch);
    const int64_t timestamp = absl::ToUnixSeconds(clock_.Now());
    absl::StatusOr<std::string> signature =
        Sign(d.secret, d.message_id, timestamp, body);
    if (!signature.ok()) {
      error = std::string(signature.status().message());
      permanent = true;
    } else {
      PostRequest post;
      post.url = d.url;
      post.host = target->host;
      post.port = target->port;
      post.address = *address;
      post.body = body;
      post.timeout = options_.request_timeout;
      post.headers = {{"webhook-id", d.message_id},
                      {"webhook-timestamp", std::to_string(timestamp)},
                      {"webhook-signature", *signature}};
      PostResult result = Post(post);
      status = result.status;
      if (status < 200 || status > 299) {
        error = status != 0 ? "the receiver answered " + std::to_string(status)
                            : result.error;
      }
    }
  }

  const absl::Time end = clock_.Now();
  store::DeliveryOutcome outcome = store::DeliveryOutcome::kDelivered;
  absl::Time retry_at = end;
  if (!error.empty()) {
    retry_at = end + RetryDelay(options_, d.attempt);
    outcome = permanent || retry_at - d.created > options_.give_up_after
                  ? store::DeliveryOutcome::kFailed
                  : store::DeliveryOutcome::kRetry;
  }
  absl::Status recorded =
      webhooks_.FinishDelivery(d, outcome, retry_at, SafeText(error, 512), end);
  if (!recorded.ok()) {
    // Stale: another node took the delivery over after our lease ran out.
    spdlog::warn("event=webhook_outcome_lost message_id={} error=\"{}\"",
                 d.message_id, SafeText(recorded.ToString()));
    return true;
  }
  switch (outcome) {
    case store::DeliveryOutcome::kDelivered:
      ++counters_.delivered;
      spdlog::info(
          "event=webhook_delivered message_id={} webhook_id={} type={} "
          "batch_id={} attempt={} status={}",
          d.message_id, d.webhook_id, d.event_type, d.batch_id, d.attempt,
          status);
      break;
    case store::DeliveryOutcome::kRetry:
      ++counters_.retried;
      spdlog::warn(
          "event=webhook_retry message_id={} webhook_id={} attempt={} "
          "retry_in_s={:.1f} error=\"{}\"",
          d.message_id, d.webhook_id, d.attempt,
          absl::ToDoubleSeconds(retry_at - end), SafeText(error, 256));
      break;
    case store::DeliveryOutcome::kFailed:
      ++counters_.failed;
      spdlog::error(
          "event=webhook_failed message_id={} webhook_id={} attempt={} "
          "error=\"{}\"",
          d.message_id, d.webhook_id, d.attempt, SafeText(error, 256));
      break;
  }
  return true;
}

}  // namespace phonebulk::webhook
