#ifndef PHONEBULK_API_ROUTES_H_
#define PHONEBULK_API_ROUTES_H_

// The route table's vocabulary and its matcher. Pure functions: no I/O, no
// state; thread-safe.
//
// A route is one row: a method, a path pattern, who may call it and what it
// answers, and the free function that handles it (handlers.h). The pattern
// is also the route's metrics and log label, so labels are a fixed set no
// request can grow. A new endpoint is one row in kRoutes (api.cc) and one
// handler function.

#include <span>
#include <string>
#include <string_view>

#include "http/http_server.h"

namespace phonebulk::api {

struct RequestScope;  // request_scope.h
using Handler = ::phonebulk::http::HttpResponse (*)(RequestScope&);

// Who may call a route: anyone (operational routes: no token, no rate
// limit), or a token scoped to one product.
enum class Caller { kAnyone, kPhoneBulk, kPhoneValidate };

// What a route may answer, which decides the Accept rule (406) and whether
// a request body must be JSON (415).
enum class Answers {
  kOps,             // operational: its own type, Accept not checked
  kJson,            // JSON only, and a body must be JSON
  kJsonOrCsv,       // results: JSON or CSV
  kDocumentFormats  // real-time: JSON, XML or MessagePack, either way
};

struct Route {
  boost::beast::http::verb method;
  // Segments separated by '/'; "{id}" matches any one non-empty segment.
  std::string_view pattern;
  Caller caller;
  Answers answers;
  Handler handler;
};

// What the table says about one request.
struct RouteMatch {
  // The row to run; null when no row has this path and method.
  const Route* route = nullptr;
  // The pattern the path matched, whatever the method ("" when none did):
  // the label of a 405 as much as of a 200.
  std::string_view pattern;
  // The path's "{id}" segment, as sent ("" when the pattern has none).
  std::string_view id;
  // When the path matched but the method did not: the methods it answers,
  // comma-separated in table order, for the Allow header of the 405.
  std::string allow;
};

// Matches `path` (without its query) against `pattern`; on success `*id`
// is the "{id}" segment (untouched when the pattern has none).
bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::string_view* id);

// The first row whose pattern and method match; otherwise what a 404 or a
// 405 needs to say.
RouteMatch MatchRoute(std::span<const Route> table,
                      boost::beast::http::verb method, std::string_view path);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_ROUTES_H_
