#include "api/api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <exception>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "api/api_call.h"
#include "api/body_formats.h"
#include "api/errors.h"
#include "api/json_views.h"
#include "api/query.h"
#include "api/results_handler.h"
#include "batch/config.h"
#include "batch/create_request.h"
#include "common/crypto.h"
#include "common/strings.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kBatchesPath = "/phone/bulk/v1/batches";
constexpr std::string_view kValidatePath = "/phone/validate/v2";
// The same endpoint at the path public integrations use; its own route, so
// its own metrics label.
constexpr std::string_view kValidationAliasPath = "/phone/validation/v2";

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

// 1 to 255 printable ASCII characters (the header is echoed in no answer,
// but it is stored and compared byte for byte).
bool IsValidIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > 255) return false;
  return std::all_of(key.begin(), key.end(),
                     [](char c) { return c >= 0x20 && c <= 0x7e; });
}

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
      } else if (!item.empty()) {
        return absl::InvalidArgumentError(
            "query include: '" + std::string(item.substr(0, 40)) +
            "' is not an extension; use location and/or time_zones");
      }
    }
  }
  return extensions;
}

Api::Api(store::Store& store, batch::BatchService& service,
         const phone::Countries& countries, const Clock& clock,
         HttpMetrics& metrics, ApiHooks hooks, ApiOptions options,
         const batch::ValidateService* validate)
    : store_(store),
      service_(service),
      countries_(countries),
      clock_(clock),
      metrics_(metrics),
      hooks_(std::move(hooks)),
      options_(options),
      validate_(validate) {}

HttpResponse Api::Handle(const HttpRequest& request,
                         const RequestContext& ctx) {
  Call call{request, ctx, absl::Now(), {}, {}, {}, false, {}, {}, {}};
  std::string_view target = request.target();
  call.path = std::string(target.substr(0, target.find('?')));
  call.route = kUnmatchedRoute;
  call.rate = RateLimiter::Unmetered(options_.default_rate_limit, clock_.Now());
  // Echoed on every answer, errors included, as soon as it is known to be
  // well-formed (an invalid one is refused in CheckHeaders, not echoed).
  if (auto it = request.find("Reference-Id");
      it != request.end() && batch::IsValidReferenceId(it->value())) {
    call.reference_id = std::string(it->value());
  }
  try {
    return Finish(call, Dispatch(call));
  } catch (const std::exception& e) {
    spdlog::error("event=unhandled_exception route={} error=\"{}\"", call.route,
                  SafeText(e.what()));
    return Finish(call,
                  Error(call, 500, PublicDetail(absl::InternalError(""))));
  }
}

HttpResponse Api::FramingError(unsigned status, const std::string& detail,
                               const std::string& target) {
  HttpRequest empty;
  RequestContext ctx;
  Call call{empty, ctx, absl::Now(), {}, {}, {}, false, {}, {}, {}};
  call.path = target.substr(0, target.find('?'));
  call.route = "(framing)";
  call.rate = RateLimiter::Unmetered(options_.default_rate_limit, clock_.Now());
  return Finish(call, Error(call, status, detail));
}

HttpResponse Api::Finish(Call& call, HttpResponse response) {
  response.version(call.request.version() == 10 ? 10 : 11);
  if (!call.reference_id.empty()) {
    response.set("Reference-Id", call.reference_id);
  }
  response.set("X-Rate-Limit-Limit", std::to_string(call.rate.limit));
  response.set("X-Rate-Limit-Remaining", std::to_string(call.rate.remaining));
  response.set("X-Rate-Limit-Reset",
               std::to_string(call.rate.reset_epoch_seconds));
  response.set(http::field::cache_control, "no-store");
  response.keep_alive(call.request.keep_alive());
  response.prepare_payload();
  absl::Duration latency = absl::Now() - call.started;
  metrics_.Record(call.route, response.result_int(), latency);
  // Requests nobody is accountable for share a log budget; the route, not
  // the path, is logged, and everything echoed is cleaned and cut.
  int64_t suppressed = 0;
  if (!call.account.has_value() &&
      !anonymous_logs_.Admit(absl::Now(), &suppressed)) {
    return response;
  }
  if (suppressed > 0) {
    spdlog::warn("event=request_logs_suppressed count={} reason=\"over {} a "
                 "second without an account\"",
                 suppressed, options_.anonymous_log_lines_per_second);
  }
  spdlog::info(
      "event=request method={} route={} status={} latency_ms={:.3f} "
      "reference_id=\"{}\" account=\"{}\"",
      SafeText(call.request.method_string(), 32), call.route,
      response.result_int(), absl::ToDoubleMilliseconds(latency),
      call.reference_id, call.account ? SafeText(call.account->name) : "");
  return response;
}

HttpResponse Api::Error(Call& call, unsigned status, std::string_view detail) {
  HttpResponse res;
  res.result(status);
  res.set(http::field::content_type, "application/json");
  // Details may quote the request (a path, a header, a body field): cleaned
  // here once, so no handler can echo raw bytes or a 7 KB value.
  res.body() = ErrorBody(status, SafeText(detail, kMaxDetailBytes),
                         SafeText(call.path));
  return res;
}

HttpResponse Api::FromStatus(Call& call, const absl::Status& status) {
  unsigned http_status = HttpStatusFor(status.code());
  if (http_status >= 500) {
    spdlog::error(
        "event=request_failed route={} reference_id=\"{}\" error=\"{}\"",
        call.route, call.reference_id, SafeText(status.ToString(), 1024));
  }
  // A lost or full database is not "retry in a few seconds": say what it is
  // (store messages never carry paths).
  if (store::IsStorageLost(status)) {
    return Error(call, 503, std::string(status.message()));
  }
  return Error(call, http_status, PublicDetail(status));
}

HttpResponse Api::Json(Call& call, std::string body) {
  HttpResponse res;
  res.result(http::status::ok);
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

HttpResponse Api::Dispatch(Call& call) {
  const std::string& path = call.path;
  http::verb method = call.request.method();

  // Operational routes: no token, no rate limit.
  if (path == "/healthz" || path == "/readyz" || path == "/metrics" ||
      path == "/docs/errors") {
    if (method != http::verb::get) {
      HttpResponse res = Error(call, 405, "this path only answers GET");
      res.set(http::field::allow, "GET");
      return res;
    }
    return HandleOps(call);
  }

  // The real-time endpoint: the same header rules as the bulk routes, but
  // its own product scope.
  if (path == kValidatePath || path == kValidationAliasPath) {
    // Each path keeps its own metrics label (both are fixed strings).
    call.route = std::string(path == kValidatePath ? kValidatePath
                                                   : kValidationAliasPath);
    if (method != http::verb::post) {
      HttpResponse res = Error(call, 405, "this path only answers POST");
      res.set(http::field::allow, "POST");
      return res;
    }
    if (auto refused = CheckHeaders(call)) return *std::move(refused);
    if (auto refused = Authenticate(call, store::kProductPhoneValidate)) {
      return *std::move(refused);
    }
    return HandleValidate(call);  // it also speaks XML and MessagePack
  }

  // Bulk Phone v1: /phone/bulk/v1/batches[/{id}[/start|/stop|/results]].
  std::string_view rest;
  if (path == kBatchesPath) {
    call.route = std::string(kBatchesPath);
    if (method != http::verb::get && method != http::verb::post) {
      HttpResponse res =
          Error(call, 405, "use GET to list batches or POST to create one");
      res.set(http::field::allow, "GET, POST");
      return res;
    }
  } else if (path.starts_with(std::string(kBatchesPath) + "/")) {
    rest = std::string_view(path).substr(kBatchesPath.size() + 1);
  } else {
    return Error(call, 404, "no such route: " + SafeText(path));
  }

  std::string_view batch_id;
  std::string_view action;
  if (!rest.empty() || path != kBatchesPath) {
    std::vector<std::string_view> parts = Split(rest, '/');
    if (parts.size() > 2 || parts[0].empty() ||
        (parts.size() == 2 && parts[1] != "start" && parts[1] != "stop" &&
         parts[1] != "results")) {
      return Error(call, 404, "no such route: " + SafeText(path));
    }
    batch_id = parts[0];
    action = parts.size() == 2 ? parts[1] : "";
    call.route = std::string(kBatchesPath) + "/{id}" +
                 (action.empty() ? "" : "/" + std::string(action));
    http::verb allowed = (action == "start" || action == "stop")
                             ? http::verb::post
                             : http::verb::get;
    if (method != allowed) {
      HttpResponse res = Error(
          call, 405,
          "this path only answers " + std::string(http::to_string(allowed)));
      res.set(http::field::allow, http::to_string(allowed));
      return res;
    }
  }

  if (auto refused = CheckHeaders(call)) return *std::move(refused);
  if (auto refused = Authenticate(call, store::kProductPhoneBulk)) {
    return *std::move(refused);
  }

  if (!batch_id.empty() && !IsUuid(batch_id)) {
    return Error(call, 400,
                 "'" + std::string(batch_id.substr(0, 64)) +
                     "' is not a batch id; batch ids are UUIDs such as "
                     "'3f2b8c1e-9a4d-4e6f-8b2a-1c5d7e9f0a3b'");
  }
  if (HasNonJsonBody(call.request)) return Error(call, 415, kNotJson);
  if (batch_id.empty()) {
    return method == http::verb::post ? HandleCreate(call) : HandleList(call);
  }
  return HandleBatch(call, batch_id, action);
}

std::optional<HttpResponse> Api::CheckHeaders(Call& call) {
  const HttpRequest& req = call.request;
  if (auto it = req.find("Reference-Id"); it != req.end()) {
    std::string_view value = it->value();
    if (!batch::IsValidReferenceId(value)) {
      return Error(call, 400,
                   "header Reference-Id: must be 1 to 256 characters of "
                   "letters, digits, spaces and _-/:.,()");
    }
  }
  if (auto it = req.find("Add-Metadata"); it != req.end()) {
    std::string_view value = it->value();
    if (EqualsIgnoreCase(value, "true")) {
      call.add_metadata = true;
    } else if (!EqualsIgnoreCase(value, "false")) {
      return Error(call, 400, "header Add-Metadata: must be 'true' or 'false'");
    }
  }
  // Results alone also speak CSV (results_handler.cc); every other route
  // answers JSON only.
  if (call.route == std::string(kBatchesPath) + "/{id}/results") {
    if (!ChooseResultsFormat(req[http::field::accept]).has_value()) {
      return Error(call, 406,
                   "header Accept: results are application/json or text/csv; "
                   "accept one of them, application/* or */*");
    }
  } else if (call.path == kValidatePath ||
             call.path == kValidationAliasPath) {
    if (!AnswerFormatFor(req[http::field::accept]).has_value()) {
      return Error(call, 406,
                   "header Accept: this endpoint answers application/json, "
                   "application/xml or application/x-msgpack; accept one of "
                   "them, application/* or */*");
    }
  } else if (!AcceptsJson(req[http::field::accept])) {
    return Error(call, 406,
                 "header Accept: this API answers application/json; accept "
                 "application/json, application/* or */*");
  }
  return std::nullopt;
}

std::optional<HttpResponse> Api::Authenticate(Call& call,
                                              store::Product product) {
  const HttpRequest& req = call.request;
  std::string_view token = req["Auth-Token"];
  if (token.empty()) token = req["x-app-key"];
  if (token.empty()) {
    std::string_view auth = req[http::field::authorization];
    if (!auth.empty()) {
      if (auth.size() <= 7 || !StartsWithIgnoreCase(auth, "Bearer ")) {
        return Error(call, 400,
                     "header Authorization: use 'Bearer <token>', or send the "
                     "token in Auth-Token");
      }
      token = TrimAscii(auth.substr(7));
    }
  }
  if (token.empty()) {
    return Error(call, 400,
                 "no token: send it in the Auth-Token header (or x-app-key, "
                 "or Authorization: Bearer)");
  }
  const std::string hash = Sha256Hex(token);
  const absl::Time now = clock_.Now();
  // An address that sent too many unknown tokens is refused whatever it
  // sends, except tokens already seen to work, so a guesser cannot tell a
  // hit from a miss while working clients are never slowed.
  const int retry_after = unknown_tokens_.RetryAfter(call.ctx.remote_ip, now);
  auto guessing = [&] {
    HttpResponse res = Error(
        call, 429,
        "too many unknown tokens from this address; retry after " +
            std::to_string(retry_after) + " s with a valid token");
    res.set(http::field::retry_after, std::to_string(retry_after));
    return res;
  };
  auto found = store_.FindTokenByHash(hash);
  if (absl::IsNotFound(found.status())) {
    if (retry_after > 0) return guessing();
    unknown_tokens_.RecordUnknown(call.ctx.remote_ip, now);
    return Error(call, 401, kUnknownToken);
  }
  if (!found.ok()) return FromStatus(call, found.status());
  if (retry_after > 0 && !unknown_tokens_.IsKnownGood(hash)) return guessing();
  // The lookup is by hash; comparing again in constant time keeps a future
  // index or cache from turning into a timing oracle.
  if (!ConstantTimeEquals(found->hash_hex, hash)) {
    return Error(call, 401, kUnknownToken);
  }
  unknown_tokens_.RecordGood(hash);
  auto account = store_.GetAccountById(found->account_id);
  if (!account.ok()) return FromStatus(call, account.status());
  call.token = *std::move(found);
  call.account = *std::move(account);

  call.rate = rate_limiter_.Admit(
      call.account->id, call.account->rate_limit_per_minute, clock_.Now());
  if (!call.rate.allowed) {
    HttpResponse res =
        Error(call, 429,
              "the account's limit of " + std::to_string(call.rate.limit) +
                  " requests a minute is used up; retry after " +
                  std::to_string(call.rate.retry_after_seconds) + " s");
    res.set(http::field::retry_after,
            std::to_string(call.rate.retry_after_seconds));
    return res;
  }

  const store::Token& t = *call.token;
  if (t.disabled) return Error(call, 403, "the token is disabled");
  if ((t.products & product) == 0) {
    return Error(call, 403,
                 "the token is not scoped to the " +
                     std::string(ProductName(product)) + " product");
  }
  if (!t.allow_ips.empty()) {
    bool allowed = false;
    for (const std::string& cidr : t.allow_ips) {
      allowed = allowed || IpInCidr(call.ctx.remote_ip, cidr);
    }
    if (!allowed) {
      return Error(call, 403,
                   "calls from " + call.ctx.remote_ip +
                       " are not on the token's IP allow-list");
    }
  }
  if (!t.allow_domains.empty()) {
    std::string_view source = req[http::field::origin];
    if (source.empty()) source = req[http::field::referer];
    std::string host = HostOfUrl(source);
    bool allowed = false;
    for (const std::string& domain : t.allow_domains) {
      allowed = allowed || HostMatchesDomain(host, domain);
    }
    if (!allowed) {
      return Error(
          call, 403,
          source.empty()
              ? "the token only accepts calls whose Origin or Referer is on "
                "its domain allow-list, and none was sent"
          : host.empty()
              ? "the Origin or Referer '" + SafeText(source, 128) +
                    "' is not an http(s) URL with a plain host name"
              : "the domain '" + host +
                    "' is not on the token's domain allow-list");
    }
  }
  return std::nullopt;
}

HttpResponse Api::HandleCreate(Call& call) {
  // Idempotency-Key (IETF draft): checked before the body so that a bad key
  // is reported whatever the body holds.
  std::optional<batch::IdempotencyKey> key;
  if (auto it = call.request.find("Idempotency-Key");
      it != call.request.end()) {
    if (!IsValidIdempotencyKey(it->value())) {
      return Error(call, 400,
                   "header Idempotency-Key: must be 1 to 255 printable ASCII "
                   "characters");
    }
    key = batch::IdempotencyKey{std::string(it->value()),
                                Sha256Hex(call.request.body())};
  }
  auto request =
      batch::ParseCreateBatchRequest(call.request.body(), countries_);
  if (!request.ok()) return FromStatus(call, request.status());
  if (key) {
    auto outcome =
        service_.CreateIdempotent(call.account->id, *std::move(request), *key);
    if (batch::IsIdempotencyKeyReused(outcome.status())) {
      return Error(call, 422, std::string(outcome.status().message()));
    }
    if (!outcome.ok()) return FromStatus(call, outcome.status());
    if (!outcome->replayed && hooks_.after_create_stored) {
      hooks_.after_create_stored();
    }
    HttpResponse res = Json(call, BatchAckJson(outcome->view));
    if (outcome->replayed) res.set("Idempotent-Replayed", "true");
    return res;
  }
  auto view = service_.Create(call.account->id, *std::move(request));
  if (!view.ok()) return FromStatus(call, view.status());
  if (hooks_.after_create_stored) hooks_.after_create_stored();
  return Json(call, BatchAckJson(*view));
}

HttpResponse Api::HandleList(Call& call) {
  auto views = service_.List(call.account->id);
  if (!views.ok()) return FromStatus(call, views.status());
  return Json(call, BatchListJson(*views));
}

HttpResponse Api::HandleBatch(Call& call, std::string_view batch_id,
                              std::string_view action) {
  int64_t account = call.account->id;
  std::string id = ToLowerAscii(batch_id);
  absl::StatusOr<batch::BatchView> view;
  if (action == "results") return HandleResults(call, id);
  if (action == "start") {
    view = service_.Start(account, id);
    if (view.ok() && hooks_.batch_started) hooks_.batch_started();
  } else if (action == "stop") {
    view = service_.Stop(account, id);
  } else {
    view = service_.Get(account, id);
  }
  if (absl::IsNotFound(view.status())) {
    return Error(call, 404, "no batch " + id + " in this account");
  }
  if (!view.ok()) return FromStatus(call, view.status());
  if (action.empty()) {
    return Json(call, BatchStatusJson(*view, call.add_metadata));
  }
  return Json(call, BatchAckJson(*view));
}

HttpResponse Api::HandleOps(Call& call) {
  call.route = call.path;
  if (call.path == "/healthz") return Json(call, R"({"status":"ok"})");
  if (call.path == "/readyz") {
    if (draining_) return Error(call, 503, "the server is shutting down");
    if (absl::Status s = store_.Ping(); !s.ok()) {
      return Error(call, 503,
                   store::IsStorageLost(s) ? std::string(s.message())
                                           : "the storage is not reachable");
    }
    return Json(call, R"({"status":"ready"})");
  }
  HttpResponse res;
  res.result(http::status::ok);
  if (call.path == "/docs/errors") {
    res.set(http::field::content_type, "text/markdown; charset=utf-8");
    res.body() = ErrorDocsPage();
    return res;
  }
  MetricsSnapshot snapshot;
  if (hooks_.snapshot) snapshot = hooks_.snapshot();
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  res.body() = metrics_.Render(snapshot);
  return res;
}

}  // namespace phonebulk::api
