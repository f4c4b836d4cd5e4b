#ifndef PHONEBULK_API_API_CALL_H_
#define PHONEBULK_API_API_CALL_H_

// Private to src/api: the state of one request as Api's pipeline fills it
// in, shared by api.cc and the per-endpoint handler files.

#include <optional>
#include <string>

#include "absl/time/time.h"
#include "api/access.h"
#include "api/api.h"
#include "http/http_server.h"
#include "store/records.h"

namespace phonebulk::api {

// One request in progress: what the pipeline learns as it goes.
struct Api::Call {
  const HttpRequest& request;
  const RequestContext& ctx;
  absl::Time started;
  std::string path;          // target without the query
  std::string route;         // template for metrics and logs
  std::string reference_id;  // echoed when valid
  bool add_metadata = false;
  std::optional<store::Token> token;
  std::optional<store::Account> account;
  RateLimiter::Decision rate;
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_API_CALL_H_
