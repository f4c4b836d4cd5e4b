#include "api/request_scope.h"

#include <spdlog/spdlog.h>

#include <utility>

#include "api/errors.h"
#include "common/strings.h"
#include "store/errors.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

HttpResponse ErrorAnswer(const RequestScope& scope, unsigned status,
                         std::string_view detail) {
  HttpResponse res;
  res.result(status);
  res.set(http::field::content_type, "application/json");
  // Details may quote the request (a path, a header, a body field): cleaned
  // here once, so no handler can echo raw bytes or a 7 KB value.
  res.body() = ErrorBody(status, SafeText(detail, kMaxDetailBytes),
                         SafeText(scope.path));
  return res;
}

HttpResponse StatusAnswer(const RequestScope& scope,
                          const absl::Status& status) {
  unsigned http_status = HttpStatusFor(status.code());
  if (http_status >= 500) {
    spdlog::error(
        "event=request_failed route={} reference_id=\"{}\" error=\"{}\"",
        scope.route, scope.reference_id, SafeText(status.ToString(), 1024));
  }
  // A lost or full database is not "retry in a few seconds": say what it is
  // (store messages never carry paths).
  if (store::IsStorageLost(status)) {
    return ErrorAnswer(scope, 503, std::string(status.message()));
  }
  return ErrorAnswer(scope, http_status, PublicDetail(status));
}

HttpResponse JsonAnswer(std::string body) {
  HttpResponse res;
  res.result(http::status::ok);
  res.set(http::field::content_type, "application/json");
  res.body() = std::move(body);
  return res;
}

}  // namespace phonebulk::api
