// The operational routes: liveness, readiness, metrics and the error page.
// No token and no rate limit, so that probes and scrapers always get in.

#include "api/errors.h"
#include "api/handlers.h"
#include "store/errors.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

HttpResponse HandleHealthz(RequestScope&) {
  return JsonAnswer(R"({"status":"ok"})");
}

HttpResponse HandleReadyz(RequestScope& scope) {
  if (scope.services.draining) {
    return ErrorAnswer(scope, 503, "the server is shutting down");
  }
  // Ping proves the database is the one we opened and takes a write.
  const auto& ready = scope.services.hooks.storage_ready;
  if (absl::Status s = ready ? ready() : absl::OkStatus(); !s.ok()) {
    return ErrorAnswer(scope, 503,
                       store::IsStorageLost(s)
                           ? std::string(s.message())
                           : std::string("the storage is not reachable"));
  }
  return JsonAnswer(R"({"status":"ready"})");
}

HttpResponse HandleMetrics(RequestScope& scope) {
  MetricsSnapshot snapshot;
  if (scope.services.hooks.snapshot) snapshot = scope.services.hooks.snapshot();
  HttpResponse res;
  res.result(http::status::ok);
  res.set(http::field::content_type, "text/plain; version=0.0.4");
  res.body() = scope.services.metrics.Render(snapshot);
  return res;
}

HttpResponse HandleErrorDocs(RequestScope&) {
  HttpResponse res;
  res.result(http::status::ok);
  res.set(http::field::content_type, "text/markdown; charset=utf-8");
  res.body() = ErrorDocsPage();
  return res;
}

}  // namespace phonebulk::api
