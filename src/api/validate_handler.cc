// POST /phone/validate/v2 (also at /phone/validation/v2): the real-time
// endpoint's HTTP side. Routing, the shared header rules (Accept included)
// and the phone-validate product check happen in api.cc; the body formats
// are body_formats.h; the use case itself is batch::ValidateService.

#include <algorithm>
#include <string>

#include "absl/time/clock.h"
#include "api/body_formats.h"
#include "api/handlers.h"
#include "api/json_views.h"
#include "batch/validate_request.h"
#include "common/strings.h"

namespace phonebulk::api {
namespace {

namespace http = boost::beast::http;

// Timeout-Seconds bounds (the contract's 2-15). Without the header a call
// gets the most a client may ask for.
constexpr int64_t kMinTimeoutSeconds = 2;
constexpr int64_t kMaxTimeoutSeconds = 15;

// The typed fields of the JSON body, so that an XML body's text reads as
// the same JSON (batch/validate_request.h lists the fields).
constexpr std::string_view kBooleans[] = {"get_ported_date",
                                          "get_disposable_number"};
constexpr std::string_view kIntegers[] = {"cache_value_days"};
constexpr std::string_view kObjects[] = {"supplementary_live_status"};
constexpr std::string_view kLists[] = {"mobile", "landline"};
constexpr XmlShape kXmlShape{kBooleans, kIntegers, kObjects, kLists};

// The request body in whichever format it came, through the one parser.
absl::StatusOr<batch::ValidateRequest> ParseBody(
    BodyFormat format, std::string_view body,
    const phone::Countries& countries) {
  if (format == BodyFormat::kJson) {
    return batch::ParseValidateRequest(body, countries);
  }
  rapidjson::Document doc;
  absl::Status status = format == BodyFormat::kXml
                            ? XmlToJson(body, "request", kXmlShape, &doc)
                            : MsgpackToJson(body, &doc);
  if (!status.ok()) return status;
  return batch::ParseValidateRequest(doc, countries);
}

}  // namespace

HttpResponse HandleValidate(RequestScope& scope) {
  const Services& services = scope.services;
  if (services.validate == nullptr) {
    return ErrorAnswer(scope, 503,
                       "the real-time endpoint is not enabled here");
  }
  absl::Duration timeout = absl::Seconds(kMaxTimeoutSeconds);
  if (auto it = scope.request.find("Timeout-Seconds");
      it != scope.request.end()) {
    std::optional<int64_t> seconds = ParseInt(TrimAscii(it->value()));
    if (!seconds.has_value() || *seconds < kMinTimeoutSeconds ||
        *seconds > kMaxTimeoutSeconds) {
      return StatusAnswer(scope, absl::InvalidArgumentError(
                                     "header Timeout-Seconds: must be a whole "
                                     "number of seconds from 2 to 15"));
    }
    timeout = absl::Seconds(*seconds);
  }
  // Counted from here: everything before (headers, token) is quick.
  const absl::Time deadline = services.clock.Now() + timeout;

  auto extensions = ParseInclude(scope.request.target());
  if (!extensions.ok()) return StatusAnswer(scope, extensions.status());
  // An empty body has no type to check; the parser says it is empty.
  std::optional<BodyFormat> in = BodyFormat::kJson;
  if (!scope.request.body().empty()) {
    in = BodyFormatOfContentType(scope.request[http::field::content_type]);
  }
  if (!in.has_value()) {
    return ErrorAnswer(scope, 415,
                       "send the body as 'Content-Type: application/json', "
                       "'application/xml' or 'application/x-msgpack' (UTF-8; "
                       "a charset parameter, if any, must be utf-8)");
  }
  // CheckHeaders has refused an Accept that admits none of the formats.
  const BodyFormat out = AnswerFormatFor(scope.request[http::field::accept])
                             .value_or(BodyFormat::kJson);
  auto request = ParseBody(*in, scope.request.body(), services.countries);
  if (!request.ok()) return StatusAnswer(scope, request.status());

  if (services.options.validate_delay > absl::ZeroDuration()) {
    // Test-only slowness; never sleep much past the deadline, so a 408
    // comes when the client's time is up, as it would for real slowness.
    absl::Duration left =
        std::max(deadline - services.clock.Now(), absl::ZeroDuration());
    absl::SleepFor(std::min(services.options.validate_delay,
                            left + absl::Milliseconds(1)));
  }
  auto answer = services.validate->Validate(scope.account->id, *request,
                                            *extensions, deadline);
  if (!answer.ok()) return StatusAnswer(scope, answer.status());
  HttpResponse res = JsonAnswer(ValidateV2Json(
      request->number, answer->result, request->config.get_ported_date,
      request->get_disposable_number, scope.add_metadata, *extensions));
  if (out == BodyFormat::kJson) return res;
  // The other formats carry the JSON answer's own document, so no field can
  // differ between them.
  rapidjson::Document doc;
  doc.Parse(res.body().data(), res.body().size());
  res.body() =
      out == BodyFormat::kXml ? JsonToXml(doc, "response") : JsonToMsgpack(doc);
  res.set(http::field::content_type, MediaTypeOf(out));
  return res;
}

}  // namespace phonebulk::api
