// The operational routes: liveness, readiness, metrics, the error page and
// the OpenAPI document.
// No token and no rate limit, so that probes and scrapers always get in.

#include <string>
#include <string_view>

#include "api/errors.h"
#include "api/handlers.h"
#include "store/errors.h"

namespace phonebulk::embedded {
// docs/openapi.json, generated into the build tree (src/api/CMakeLists.txt).
extern const std::string_view kOpenApiDocument;
}  // namespace phonebulk::embedded

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

HttpResponse HandleOpenApi(RequestScope&) {
  return JsonAnswer(std::string(embedded::kOpenApiDocument));
}

}  // namespace phonebulk::api
