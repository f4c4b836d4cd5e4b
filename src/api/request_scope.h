#ifndef PHONEBULK_API_REQUEST_SCOPE_H_
#define PHONEBULK_API_REQUEST_SCOPE_H_

// Private to src/api: what a handler sees of one request, and the three
// ways it answers. Api's pipeline (api.cc) fills a RequestScope in as it
// goes (route, caller, rate decision) and hands it to the route's handler.

#include <atomic>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "api/access.h"
#include "api/api.h"
#include "http/http_server.h"
#include "store/records.h"

namespace phonebulk::api {

// The services handlers work on; Api owns one and outlives every request.
struct Services {
  batch::BatchService& batches;
  const phone::Countries& countries;
  const Clock& clock;
  HttpMetrics& metrics;
  const ApiHooks& hooks;
  const ApiOptions& options;
  const batch::ValidateService* validate;  // null: real-time is off
  const std::atomic<bool>& draining;
  files::FileJobs* files;  // null: the file-job routes answer 503
};

// One request in progress. Not shared between threads.
struct RequestScope {
  const HttpRequest& request;
  const RequestContext& ctx;
  const Services& services;
  absl::Time started;
  std::string path;          // target without the query
  std::string route;         // the route's pattern, or kUnmatchedRoute
  std::string reference_id;  // echoed when valid
  bool add_metadata = false;
  std::string batch_id;  // the {id} segment, lower case; "" without one
  std::optional<store::Token> token;
  std::optional<store::Account> account;  // set for every product route
  RateLimiter::Decision rate;
};

// An error answer with `detail` cleaned and cut (SafeText, kMaxDetailBytes)
// and the request's path as `instance`. For refusals the protocol itself
// defines (405, 406, 415, 422, 429); everything a service says goes through
// StatusAnswer.
HttpResponse ErrorAnswer(const RequestScope& scope, unsigned status,
                         std::string_view detail);

// The one mapping from a service's status to an answer (HttpStatusFor):
// logs 5xx with the Reference-Id, hides internal messages, and says what a
// lost or full database is.
HttpResponse StatusAnswer(const RequestScope& scope,
                          const absl::Status& status);

// 200 with a JSON body.
HttpResponse JsonAnswer(std::string body);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_REQUEST_SCOPE_H_
