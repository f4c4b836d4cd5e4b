#include "api/errors.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <string>

namespace phonebulk::api {
namespace {

struct ErrorDoc {
  unsigned status;
  std::string_view title;
  std::string_view anchor;
  std::string_view explanation;
};

constexpr ErrorDoc kErrorDocs[] = {
    {400, "Bad Request", "bad-request",
     "The request cannot be used as sent: a path id that is not a UUID, a bad "
     "header value, a missing token, a malformed or invalid body, a batch "
     "older than the retention period, or a start/stop that does not fit the "
     "batch's status. The detail names the field or header to fix."},
    {401, "Unauthorized", "unauthorized",
     "The token is not recognised. Check that Auth-Token, x-app-key or "
     "Authorization: Bearer carries a token issued for this server."},
    {403, "Forbidden", "forbidden",
     "The token is known but may not do this: it is disabled, not scoped to "
     "this product, the account lacks credits, or the calling IP or "
     "Origin/Referer domain is not on the token's allow-list."},
    {404, "Not Found", "not-found",
     "No such route, or no such batch for this account."},
    {405, "Method Not Allowed", "method-not-allowed",
     "The path exists but not with this method; see the Allow header."},
    {406, "Not Acceptable", "not-acceptable",
     "The Accept header does not admit application/json (nor, on the "
     "real-time endpoint, application/xml or application/x-msgpack)."},
    {408, "Request Timeout", "request-timeout",
     "The request was not received in time, or Timeout-Seconds passed."},
    {409, "Conflict", "conflict",
     "The file job is not in a state for this: it was started already, or "
     "its result was asked for before it completed (poll its status)."},
    {413, "Payload Too Large", "payload-too-large",
     "The body is larger than the server's configured cap (for a file "
     "upload: serve --file-max-bytes)."},
    {415, "Unsupported Media Type", "unsupported-media-type",
     "Send bodies as Content-Type: application/json (the real-time endpoint "
     "also takes application/xml and application/x-msgpack)."},
    {422, "Unprocessable Entity", "unprocessable-entity",
     "An Idempotency-Key was used before, within 24 hours, with another "
     "request body; send a new key for a new batch."},
    {429, "Too Many Requests", "too-many-requests",
     "The account's per-minute request limit is used up; wait Retry-After "
     "seconds."},
    {431, "Request Header Fields Too Large", "request-header-fields-too-large",
     "The request headers exceed 8 KiB."},
    {500, "Internal Server Error", "internal-server-error",
     "Something failed on our side; the Reference-Id helps find it in logs."},
    {501, "Not Implemented", "not-implemented",
     "The request uses a Transfer-Encoding other than chunked; send the body "
     "with Content-Length or Transfer-Encoding: chunked."},
    {503, "Service Unavailable", "service-unavailable",
     "The server is starting, draining, or its storage is unreachable; retry "
     "later."},
};

const ErrorDoc* FindDoc(unsigned status) {
  for (const ErrorDoc& doc : kErrorDocs) {
    if (doc.status == status) return &doc;
  }
  return nullptr;
}

}  // namespace

unsigned HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk:
      return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kFailedPrecondition:
    case absl::StatusCode::kOutOfRange:
      return 400;
    case absl::StatusCode::kUnauthenticated:
      return 401;
    case absl::StatusCode::kPermissionDenied:
    case absl::StatusCode::kResourceExhausted:  // credits: the contract's 403
      return 403;
    case absl::StatusCode::kNotFound:
      return 404;
    case absl::StatusCode::kDeadlineExceeded:
      return 408;
    case absl::StatusCode::kUnavailable:
      return 503;
    default:
      return 500;
  }
}

std::string_view HttpTitle(unsigned status) {
  const ErrorDoc* doc = FindDoc(status);
  return doc != nullptr ? doc->title : "Error";
}

std::string ErrorBody(unsigned status, std::string_view detail,
                      std::string_view instance) {
  const ErrorDoc* doc = FindDoc(status);
  std::string type = "/docs/errors#";
  type += doc != nullptr ? doc->anchor : "error";
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("type");
  w.String(type.data(), type.size());
  w.Key("title");
  std::string_view title = HttpTitle(status);
  w.String(title.data(), title.size());
  w.Key("detail");
  w.String(detail.data(), detail.size());
  w.Key("instance");
  w.String(instance.data(), instance.size());
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

const std::string& ErrorDocsPage() {
  static const std::string* page = [] {
    auto* text = new std::string(
        "# phonebulk errors\n\nEvery error answer is "
        "{\"error\":{\"type\",\"title\",\"detail\",\"instance\"}}.\n");
    for (const ErrorDoc& doc : kErrorDocs) {
      *text += "\n<a id=\"" + std::string(doc.anchor) + "\"></a>\n## " +
               std::to_string(doc.status) + " " + std::string(doc.title) +
               "\n\n" + std::string(doc.explanation) + "\n";
    }
    return text;
  }();
  return *page;
}

std::string PublicDetail(const absl::Status& status) {
  unsigned http = HttpStatusFor(status.code());
  if (http == 503) {
    return "the service is unavailable right now; retry in a few seconds";
  }
  if (http >= 500) {
    return "an unexpected error occurred; quote the Reference-Id when "
           "reporting it";
  }
  return std::string(status.message());
}

}  // namespace phonebulk::api
