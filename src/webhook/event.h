#ifndef PHONEBULK_WEBHOOK_EVENT_H_
#define PHONEBULK_WEBHOOK_EVENT_H_

// What a webhook delivery says and how it is signed, per the Standard
// Webhooks specification: the JSON body of a batch
// event, the `whsec_` secret and the `v1,` HMAC-SHA256 signature over
// "<webhook-id>.<webhook-timestamp>.<body>". Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "model/batch.h"

namespace phonebulk::webhook {

// A new signing secret: "whsec_" + base64 of 24 random bytes.
std::string NewSecret();

// The `webhook-signature` value "v1,<base64 HMAC-SHA256>" of `body` sent as
// message `message_id` at `timestamp` (Unix seconds) under `secret`
// ("whsec_<base64 key>"). InvalidArgument when the secret is not that.
absl::StatusOr<std::string> Sign(std::string_view secret,
                                 std::string_view message_id, int64_t timestamp,
                                 std::string_view body);

// The JSON body of a batch event: {"type": "batch.completed", "timestamp":
// ..., "data": {"batch_id", "batch_reference_id", "status", "reason",
// "records", "records_processed", "credits_charged", "date_submitted",
// "date_started", "date_ended"}} (docs/webhooks.md). `timestamp` is the
// time of the event (the batch's end), so every attempt sends the same body.
std::string EventBody(std::string_view event_type, const model::Batch& batch);

}  // namespace phonebulk::webhook

#endif  // PHONEBULK_WEBHOOK_EVENT_H_
