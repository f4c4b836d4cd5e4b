// POST /phone/validate/v2: the real-time endpoint's HTTP side. Routing,
// the shared header rules and the phone-validate product check happen in
// api.cc; the use case itself is batch::ValidateService.

#include <algorithm>
#include <string>

#include "absl/time/clock.h"
#include "api/api.h"
#include "api/api_call.h"
#include "api/json_views.h"
#include "batch/validate_request.h"
#include "common/strings.h"

namespace phonebulk::api {
namespace {

// Timeout-Seconds bounds (the contract's 2-15). Without the header a call
// gets the most a client may ask for.
constexpr int64_t kMinTimeoutSeconds = 2;
constexpr int64_t kMaxTimeoutSeconds = 15;

}  // namespace

HttpResponse Api::HandleValidate(Call& call) {
  if (validate_ == nullptr) {
    return Error(call, 503, "the real-time endpoint is not enabled here");
  }
  absl::Duration timeout = absl::Seconds(kMaxTimeoutSeconds);
  if (auto it = call.request.find("Timeout-Seconds");
      it != call.request.end()) {
    std::optional<int64_t> seconds = ParseInt(TrimAscii(it->value()));
    if (!seconds.has_value() || *seconds < kMinTimeoutSeconds ||
        *seconds > kMaxTimeoutSeconds) {
      return Error(call, 400,
                   "header Timeout-Seconds: must be a whole number of "
                   "seconds from 2 to 15");
    }
    timeout = absl::Seconds(*seconds);
  }
  // Counted from here: everything before (headers, token) is quick.
  const absl::Time deadline = clock_.Now() + timeout;

  auto extensions = ParseInclude(call.request.target());
  if (!extensions.ok()) return FromStatus(call, extensions.status());
  auto request = batch::ParseValidateRequest(call.request.body(), countries_);
  if (!request.ok()) return FromStatus(call, request.status());

  if (options_.validate_delay > absl::ZeroDuration()) {
    // Test-only slowness; never sleep much past the deadline, so a 408
    // comes when the client's time is up, as it would for real slowness.
    absl::Duration left =
        std::max(deadline - clock_.Now(), absl::ZeroDuration());
    absl::SleepFor(
        std::min(options_.validate_delay, left + absl::Milliseconds(1)));
  }
  auto answer =
      validate_->Validate(call.account->id, *request, *extensions, deadline);
  if (!answer.ok()) return FromStatus(call, answer.status());
  return Json(call,
              ValidateV2Json(request->number, answer->result,
                             request->config.get_ported_date,
                             request->get_disposable_number, *extensions));
}

}  // namespace phonebulk::api
