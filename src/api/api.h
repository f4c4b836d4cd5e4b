#ifndef PHONEBULK_API_API_H_
#define PHONEBULK_API_API_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "api/access.h"
#include "api/metrics.h"
#include "batch/account_service.h"
#include "batch/service.h"
#include "batch/validate_service.h"
#include "common/clock.h"
#include "http/http_server.h"
#include "phone/countries.h"
#include "phone/enricher.h"
#include "store/records.h"

namespace phonebulk::files {
class FileJobs;  // files/file_jobs.h
}  // namespace phonebulk::files

namespace phonebulk::api {

struct RequestScope;  // request_scope.h
struct Services;      // request_scope.h
enum class Answers;   // routes.h

// The HTTP module's message types, named as the API layer has always used
// them (api.cc and the handler files say `http` for Beast).
using ::phonebulk::http::HttpRequest;
using ::phonebulk::http::HttpResponse;
using ::phonebulk::http::RequestContext;

// Reads the opt-in extensions from a request target's query
// ("?include=location,time_zones"). InvalidArgument names an unknown one.
absl::StatusOr<phone::Extensions> ParseInclude(std::string_view target);

struct ApiOptions {
  // Shown in X-Rate-Limit-* for callers whose account is not known.
  int default_rate_limit = 150;
  // Test-only (serve --chunk-delay-ms): each real-time validation takes at
  // least this long, so that Timeout-Seconds can be seen to give 408
  // offline. Zero in production.
  absl::Duration validate_delay = absl::ZeroDuration();
  // Unknown tokens one client address may send a minute before it gets 429
  // (see UnknownTokenLimiter).
  int unknown_tokens_per_minute = 30;
  // Log lines a second for requests without an account (unmatched routes,
  // missing or unknown tokens, framing errors); the rest are counted.
  int anonymous_log_lines_per_second = 20;
};

// The longest error detail and `instance` an error body carries, after
// SafeText (docs/decisions.md, "Clean text").
inline constexpr size_t kMaxDetailBytes = 512;

// Hooks into the rest of the process, so the API does not own workers.
struct ApiHooks {
  std::function<MetricsSnapshot()> snapshot;  // gauges for /metrics
  std::function<void()> batch_started;        // wakes the workers
  // The storage check behind /readyz (store::Store::Ping): OK, or why the
  // database cannot serve. Unset: always ready.
  std::function<absl::Status()> storage_ready;
  // Test-only crash point: called after a create is committed and before
  // its answer is sent (never for a replay). serve sets it only when
  // PHONEBULK_TEST_CRASH_AFTER_CREATE is in the environment, to prove an
  // Idempotency-Key survives a kill -9 between the store and the answer.
  std::function<void()> after_create_stored;
};

// The HTTP face of phonebulk: the request pipeline. Handle() matches the
// route table (kRoutes in api.cc), applies the contract's header rules, the
// token, rate limit and allow-lists, then runs the route's handler, a free
// function (handlers.h) on top of BatchService and ValidateService; every
// answer leaves through Finish() (headers, metrics, the request log).
// Thread-safe: Handle() is called concurrently from the I/O threads.
class Api {
 public:
  // Every reference must outlive the Api, and `validate` and `files` too
  // when given; without `validate` POST /phone/validate/v2 answers 503,
  // without `files` the /v1/files routes do.
  Api(const batch::AccountService& accounts, batch::BatchService& service,
      const phone::Countries& countries, const Clock& clock,
      HttpMetrics& metrics, ApiHooks hooks, ApiOptions options,
      const batch::ValidateService* validate = nullptr,
      files::FileJobs* files = nullptr);

  ~Api();

  HttpResponse Handle(const HttpRequest& request, const RequestContext& ctx);

  // The response for a request the HTTP layer rejected itself (bad framing,
  // timeouts, caps): same error body and headers as every other answer.
  HttpResponse FramingError(unsigned status, const std::string& detail,
                            const std::string& target);

  // While draining /readyz answers 503 so load balancers move away.
  void SetDraining(bool draining) { draining_ = draining; }

 private:
  HttpResponse Dispatch(RequestScope& scope);
  HttpResponse Finish(RequestScope& scope, HttpResponse response);
  // OPTIONS on a path the table knows: a CORS preflight (cors.h) when it
  // is one, otherwise 204 with the path's Allow.
  HttpResponse Options(RequestScope& scope, const std::string& allow);
  // Lets the page that made the call read the answer, when the caller's
  // token has a domain allow-list that admits the request's Origin.
  void AllowBrowserRead(const RequestScope& scope,
                        HttpResponse& response) const;
  // Header rules shared by every product route; an error response when the
  // request must be refused. `answers` is what the route can answer, which
  // decides the Accept rule.
  std::optional<HttpResponse> CheckHeaders(RequestScope& scope,
                                           Answers answers);
  // Resolves the token and account, applies the rate limit, and refuses a
  // token that is disabled, not scoped to `product`, or called from outside
  // its allow-lists.
  std::optional<HttpResponse> Authenticate(RequestScope& scope,
                                           store::Product product);

  const batch::AccountService& accounts_;
  const Clock& clock_;
  HttpMetrics& metrics_;
  const ApiHooks hooks_;
  const ApiOptions options_;
  RateLimiter rate_limiter_;
  UnknownTokenLimiter unknown_tokens_{options_.unknown_tokens_per_minute};
  LogBudget anonymous_logs_{options_.anonymous_log_lines_per_second};
  std::atomic<bool> draining_{false};
  // What handlers see of the above; after them, as it refers to them.
  std::unique_ptr<const Services> services_;
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_API_H_
