#include "api/api.h"

#include <spdlog/spdlog.h>

#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/body_formats.h"
#include "api/cors.h"
#include "api/errors.h"
#include "api/handlers.h"
#include "api/query.h"
#include "api/request_scope.h"
#include "api/results_handler.h"
#include "api/routes.h"
#include "batch/config.h"
#include "common/crypto.h"
#include "common/strings.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

namespace {

using http::verb;

// Every route phonebulk answers. The pattern is the metrics and log label;
// rows sharing a pattern give its Allow header for a 405.
constexpr Route kRoutes[] = {
    // Operational: no token, no rate limit.
    {verb::get, "/healthz", Caller::kAnyone, Answers::kOps, HandleHealthz},
    {verb::get, "/readyz", Caller::kAnyone, Answers::kOps, HandleReadyz},
    {verb::get, "/metrics", Caller::kAnyone, Answers::kOps, HandleMetrics},
    {verb::get, "/docs/errors", Caller::kAnyone, Answers::kOps,
     HandleErrorDocs},
    {verb::get, "/openapi.json", Caller::kAnyone, Answers::kOps,
     HandleOpenApi},
    {verb::get, "/console", Caller::kAnyone, Answers::kOps, HandleConsole},
    {verb::get, "/console/", Caller::kAnyone, Answers::kOps, HandleConsole},
    {verb::get, "/console/{id}", Caller::kAnyone, Answers::kOps,
     HandleConsole},
    // Real-time validation, and the same endpoint at the path public
    // integrations use (its own row, so its own label).
    {verb::post, "/phone/validate/v2", Caller::kPhoneValidate,
     Answers::kDocumentFormats, HandleValidate},
    {verb::post, "/phone/validation/v2", Caller::kPhoneValidate,
     Answers::kDocumentFormats, HandleValidate},
    // Bulk Phone v1.
    {verb::get, "/phone/bulk/v1/batches", Caller::kPhoneBulk, Answers::kJson,
     HandleListBatches},
    {verb::post, "/phone/bulk/v1/batches", Caller::kPhoneBulk, Answers::kJson,
     HandleCreateBatch},
    {verb::get, "/phone/bulk/v1/batches/{id}", Caller::kPhoneBulk,
     Answers::kJson, HandleGetBatch},
    {verb::post, "/phone/bulk/v1/batches/{id}/start", Caller::kPhoneBulk,
     Answers::kJson, HandleStartBatch},
    {verb::post, "/phone/bulk/v1/batches/{id}/stop", Caller::kPhoneBulk,
     Answers::kJson, HandleStopBatch},
    {verb::get, "/phone/bulk/v1/batches/{id}/results", Caller::kPhoneBulk,
     Answers::kJsonOrCsv, HandleResults},
    // File jobs (docs/console.md): the upload's body is a CSV file, which
    // serve's FileBodyPolicy streams to disk; the result is a CSV file.
    {verb::get, "/v1/files", Caller::kPhoneBulk, Answers::kJson,
     HandleListFiles},
    {verb::post, "/v1/files", Caller::kPhoneBulk, Answers::kJson,
     HandleUploadFile},
    {verb::get, "/v1/files/{id}", Caller::kPhoneBulk, Answers::kJson,
     HandleGetFile},
    {verb::post, "/v1/files/{id}/start", Caller::kPhoneBulk, Answers::kJson,
     HandleStartFile},
    {verb::get, "/v1/files/{id}/result", Caller::kPhoneBulk,
     Answers::kJsonOrCsv, HandleFileResult},
    // The calling token's account: its balance, for the console.
    {verb::get, "/v1/account", Caller::kPhoneBulk, Answers::kJson,
     HandleGetAccount},
};

std::string_view ProductName(store::Product product) {
  return product == store::kProductPhoneValidate ? "phone-validate"
                                                 : "phone-bulk";
}

// Accept admits JSON when any listed media range is application/json,
// application/* or */* (parameters such as q are ignored).
bool AcceptsJson(std::string_view accept) {
  if (accept.empty()) return true;
  for (std::string_view range : Split(accept, ',')) {
    std::string_view type = range.substr(0, range.find(';'));
    type = TrimAscii(type);
    if (EqualsIgnoreCase(type, "application/json") ||
        EqualsIgnoreCase(type, "application/*") || type == "*/*") {
      return true;
    }
  }
  return false;
}

// application/json, with no charset or charset=utf-8 (RFC 8259 §8.1: JSON
// exchanged between systems is UTF-8; we decode nothing else).
bool IsJsonContentType(std::string_view content_type) {
  return BodyFormatOfContentType(content_type) == BodyFormat::kJson;
}

// Only a body needs a Content-Type; an empty one is refused by the parser.
bool HasNonJsonBody(const HttpRequest& request) {
  return !request.body().empty() &&
         !IsJsonContentType(request[http::field::content_type]);
}

constexpr char kUnknownToken[] =
    "the token is not recognised: check that Auth-Token (or x-app-key, or "
    "Authorization: Bearer) carries a token issued for this server, e.g. by "
    "'phonebulk token create', and that it was copied whole";

constexpr char kNotJson[] =
    "send the body as 'Content-Type: application/json' (UTF-8; a charset "
    "parameter, if any, must be utf-8)";

}  // namespace

absl::StatusOr<phone::Extensions> ParseInclude(std::string_view target) {
  phone::Extensions extensions;
  for (const QueryParam& param : ParseQuery(target)) {
    if (param.name != "include") continue;
    for (std::string_view item : Split(param.value, ',')) {
      if (item == "location") {
        extensions.location = true;
      } else if (item == "time_zones") {
        extensions.time_zones = true;
      } else if (item == "validity") {
        extensions.validity = true;
      } else if (!item.empty()) {
        return absl::InvalidArgumentError(
            "query include: '" + std::string(item.substr(0, 40)) +
            "' is not an extension; use location, time_zones and/or "
            "validity");
      }
    }
  }
  return extensions;
}

Api::Api(const batch::AccountService& accounts, batch::BatchService& service,
         const phone::Countries& countries, const Clock& clock,
         HttpMetrics& metrics, ApiHooks hooks, ApiOptions options,
         const batch::ValidateService* validate, files::FileJobs* files)
    : accounts_(accounts),
      clock_(clock),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      options_(options),
      services_(new Services{service, countries, clock, metrics, hooks_,
                             options_, validate, draining_, files}) {}

Api::~Api() = default;

HttpResponse Api::Handle(const HttpRequest& request,
                         const RequestContext& ctx) {
  RequestScope scope{request, ctx, *services_, absl::Now()};
  std::string_view target = request.target();
  scope.path = std::string(target.substr(0, target.find('?')));
  scope.route = kUnmatchedRoute;
  scope.rate =
      RateLimiter::Unmetered(options_.default_rate_limit, clock_.Now());
  // Echoed on every answer, errors included, as soon as it is known to be
  // well-formed (an invalid one is refused in CheckHeaders, not echoed).
  if (auto it = request.find("Reference-Id");
      it != request.end() && batch::IsValidReferenceId(it->value())) {
    scope.reference_id = std::string(it->value());
  }
  try {
    return Finish(scope, Dispatch(scope));
  } catch (const std::exception& e) {
    spdlog::error("event=unhandled_exception route={} error=\"{}\"",
                  scope.route, SafeText(e.what()));
    return Finish(scope, StatusAnswer(scope, absl::InternalError("")));
  }
}

HttpResponse Api::FramingError(unsigned status, const std::string& detail,
                               const std::string& target) {
  HttpRequest empty;
  RequestContext ctx;
  RequestScope scope{empty, ctx, *services_, absl::Now()};
  scope.path = target.substr(0, target.find('?'));
  scope.route = "(framing)";
  scope.rate =
      RateLimiter::Unmetered(options_.default_rate_limit, clock_.Now());
  return Finish(scope, ErrorAnswer(scope, status, detail));
}

HttpResponse Api::Finish(RequestScope& scope, HttpResponse response) {
  response.version(scope.request.version() == 10 ? 10 : 11);
  if (!scope.reference_id.empty()) {
    response.set("Reference-Id", scope.reference_id);
  }
  response.set("X-Rate-Limit-Limit", std::to_string(scope.rate.limit));
  response.set("X-Rate-Limit-Remaining", std::to_string(scope.rate.remaining));
  response.set("X-Rate-Limit-Reset",
               std::to_string(scope.rate.reset_epoch_seconds));
  // Only the console's files say otherwise (they may be cached).
  if (response.find(http::field::cache_control) == response.end()) {
    response.set(http::field::cache_control, "no-store");
  }
  AllowBrowserRead(scope, response);
  response.keep_alive(scope.request.keep_alive());
  response.prepare_payload();
  absl::Duration latency = absl::Now() - scope.started;
  metrics_.Record(scope.route, response.result_int(), latency);
  // Requests nobody is accountable for share a log budget; the route, not
  // the path, is logged, and everything echoed is cleaned and cut.
  int64_t suppressed = 0;
  if (!scope.account.has_value() &&
      !anonymous_logs_.Admit(absl::Now(), &suppressed)) {
    return response;
  }
  if (suppressed > 0) {
    spdlog::warn(
        "event=request_logs_suppressed count={} reason=\"over {} a "
        "second without an account\"",
        suppressed, options_.anonymous_log_lines_per_second);
  }
  spdlog::info(
      "event=request method={} route={} status={} latency_ms={:.3f} "
      "reference_id=\"{}\" account=\"{}\"",
      SafeText(scope.request.method_string(), 32), scope.route,
      response.result_int(), absl::ToDoubleMilliseconds(latency),
      scope.reference_id, scope.account ? SafeText(scope.account->name) : "");
  return response;
}

HttpResponse Api::Dispatch(RequestScope& scope) {
  const RouteMatch match =
      MatchRoute(kRoutes, scope.request.method(), scope.path);
  if (match.pattern.empty()) {
    return StatusAnswer(
        scope, absl::NotFoundError("no such route: " + SafeText(scope.path)));
  }
  scope.route = std::string(match.pattern);
  if (match.route == nullptr) {
    if (scope.request.method() == verb::options) {
      return Options(scope, match.allow);
    }
    HttpResponse res = ErrorAnswer(
        scope, 405,
        "this path only answers " + match.allow +
            (match.allow.find(',') == std::string::npos ? "" : " (one of)"));
    res.set(http::field::allow, match.allow);
    return res;
  }
  const Route& route = *match.route;
  if (route.caller == Caller::kAnyone) return route.handler(scope);

  if (auto refused = CheckHeaders(scope, route.answers)) {
    return *std::move(refused);
  }
  if (auto refused = Authenticate(scope, route.caller == Caller::kPhoneBulk
                                             ? store::kProductPhoneBulk
                                             : store::kProductPhoneValidate)) {
    return *std::move(refused);
  }
  if (!match.id.empty()) {
    if (!IsUuid(match.id)) {
      const std::string what =
          route.pattern.starts_with("/v1/files") ? "file job" : "batch";
      return StatusAnswer(
          scope, absl::InvalidArgumentError(
                     "'" + SafeText(match.id.substr(0, 64)) + "' is not a " +
                     what + " id; " + what +
                     " ids are UUIDs such as "
                     "'3f2b8c1e-9a4d-4e6f-8b2a-1c5d7e9f0a3b'"));
    }
    scope.batch_id = ToLowerAscii(match.id);
  }
  // The real-time endpoint reads its own body formats; every other product
  // route takes JSON only.
  if (route.answers != Answers::kDocumentFormats &&
      HasNonJsonBody(scope.request)) {
    return ErrorAnswer(scope, 415, kNotJson);
  }
  return route.handler(scope);
}

HttpResponse Api::Options(RequestScope& scope, const std::string& allow) {
  const HttpRequest& req = scope.request;
  std::string_view origin = req[http::field::origin];
  std::string_view method = req[http::field::access_control_request_method];
  HttpResponse res{http::status::no_content, 11};
  if (!IsPreflight(origin, method)) {
    // A plain OPTIONS asks what the path answers (RFC 9110 section 9.3.7).
    res.set(http::field::allow, allow + ", OPTIONS");
    return res;
  }
  absl::StatusOr<std::vector<std::string>> domains = accounts_.BrowserDomains();
  if (!domains.ok()) return StatusAnswer(scope, domains.status());
  if (std::string refusal = PreflightRefusal(origin, method, allow, *domains);
      !refusal.empty()) {
    // No CORS header: the browser blocks the call, whatever the body says.
    return ErrorAnswer(scope, 403, refusal);
  }
  res.set(http::field::access_control_allow_origin, origin);
  res.set(http::field::access_control_allow_methods, allow);
  res.set(http::field::access_control_allow_headers, kCorsAllowedHeaders);
  res.set(http::field::access_control_max_age,
          std::to_string(kCorsMaxAgeSeconds));
  res.set(http::field::vary, "Origin");
  return res;
}

void Api::AllowBrowserRead(const RequestScope& scope,
                           HttpResponse& response) const {
  if (!scope.token.has_value() || scope.token->allow_domains.empty()) return;
  std::string_view origin = scope.request[http::field::origin];
  if (origin.empty() ||
      !OriginOnAllowList(origin, scope.token->allow_domains)) {
    return;
  }
  response.set(http::field::access_control_allow_origin, origin);
  response.set(http::field::access_control_expose_headers, kCorsExposedHeaders);
  response.set(http::field::vary, "Origin");
}

std::optional<HttpResponse> Api::CheckHeaders(RequestScope& scope,
                                              Answers answers) {
  const HttpRequest& req = scope.request;
  if (auto it = req.find("Reference-Id"); it != req.end()) {
    std::string_view value = it->value();
    if (!batch::IsValidReferenceId(value)) {
      return ErrorAnswer(scope, 400,
                         "header Reference-Id: must be 1 to 256 characters of "
                         "letters, digits, spaces and _-/:.,()");
    }
  }
  if (auto it = req.find("Add-Metadata"); it != req.end()) {
    std::string_view value = it->value();
    if (EqualsIgnoreCase(value, "true")) {
      scope.add_metadata = true;
    } else if (!EqualsIgnoreCase(value, "false")) {
      return ErrorAnswer(scope, 400,
                         "header Add-Metadata: must be 'true' or 'false'");
    }
  }
  // What the route can answer decides what Accept must admit.
  switch (answers) {
    case Answers::kJsonOrCsv:
      if (!ChooseResultsFormat(req[http::field::accept]).has_value()) {
        return ErrorAnswer(scope, 406,
                           "header Accept: results are application/json or "
                           "text/csv; accept one of them, application/* or "
                           "*/*");
      }
      break;
    case Answers::kDocumentFormats:
      if (!AnswerFormatFor(req[http::field::accept]).has_value()) {
        return ErrorAnswer(scope, 406,
                           "header Accept: this endpoint answers "
                           "application/json, application/xml or "
                           "application/x-msgpack; accept one of them, "
                           "application/* or */*");
      }
      break;
    case Answers::kJson:
    case Answers::kOps:
      if (!AcceptsJson(req[http::field::accept])) {
        return ErrorAnswer(scope, 406,
                           "header Accept: this API answers application/json; "
                           "accept application/json, application/* or */*");
      }
      break;
  }
  return std::nullopt;
}

std::optional<HttpResponse> Api::Authenticate(RequestScope& scope,
                                              store::Product product) {
  const HttpRequest& req = scope.request;
  std::string_view token = req["Auth-Token"];
  if (token.empty()) token = req["x-app-key"];
  if (token.empty()) {
    std::string_view auth = req[http::field::authorization];
    if (!auth.empty()) {
      if (auth.size() <= 7 || !StartsWithIgnoreCase(auth, "Bearer ")) {
        return ErrorAnswer(
            scope, 400,
            "header Authorization: use 'Bearer <token>', or send the "
            "token in Auth-Token");
      }
      token = TrimAscii(auth.substr(7));
    }
  }
  if (token.empty()) {
    return ErrorAnswer(
        scope, 400,
        "no token: send it in the Auth-Token header (or x-app-key, "
        "or Authorization: Bearer)");
  }
  const std::string hash = Sha256Hex(token);
  const absl::Time now = clock_.Now();
  // An address that sent too many unknown tokens is refused whatever it
  // sends, except tokens already seen to work, so a guesser cannot tell a
  // hit from a miss while working clients are never slowed.
  const int retry_after = unknown_tokens_.RetryAfter(scope.ctx.remote_ip, now);
  auto guessing = [&] {
    HttpResponse res =
        ErrorAnswer(scope, 429,
                    "too many unknown tokens from this address; retry after " +
                        std::to_string(retry_after) + " s with a valid token");
    res.set(http::field::retry_after, std::to_string(retry_after));
    return res;
  };
  absl::StatusOr<batch::Caller> caller = accounts_.Identify(hash);
  if (absl::IsNotFound(caller.status())) {
    if (retry_after > 0) return guessing();
    unknown_tokens_.RecordUnknown(scope.ctx.remote_ip, now);
    return ErrorAnswer(scope, 401, kUnknownToken);
  }
  if (!caller.ok()) return StatusAnswer(scope, caller.status());
  if (retry_after > 0 && !unknown_tokens_.IsKnownGood(hash)) return guessing();
  unknown_tokens_.RecordGood(hash);
  scope.token = std::move(caller->token);
  scope.account = std::move(caller->account);

  // A store shared by several nodes counts for all of them; otherwise this
  // process counts in memory.
  const int limit = scope.account->rate_limit_per_minute;
  const absl::Time at = clock_.Now();
  auto shared = accounts_.CountRequest(scope.account->id, at, limit);
  if (!shared.ok()) return StatusAnswer(scope, shared.status());
  scope.rate = shared->has_value()
                   ? RateLimiter::FromCount(limit, (*shared)->used,
                                            (*shared)->admitted, at)
                   : rate_limiter_.Admit(scope.account->id, limit, at);
  if (!scope.rate.allowed) {
    HttpResponse res = ErrorAnswer(
        scope, 429,
        "the account's limit of " + std::to_string(scope.rate.limit) +
            " requests a minute is used up; retry after " +
            std::to_string(scope.rate.retry_after_seconds) + " s");
    res.set(http::field::retry_after,
            std::to_string(scope.rate.retry_after_seconds));
    return res;
  }

  std::string_view source = req[http::field::origin];
  if (source.empty()) source = req[http::field::referer];
  if (std::optional<std::string> refused =
          TokenRefusal(*scope.token, product, ProductName(product),
                       scope.ctx.remote_ip, source)) {
    return ErrorAnswer(scope, 403, *refused);
  }
  return std::nullopt;
}

}  // namespace phonebulk::api
