#include "api/routes.h"

#include "common/strings.h"

namespace phonebulk::api {

bool MatchPattern(std::string_view pattern, std::string_view path,
                  std::string_view* id) {
  std::vector<std::string_view> want = Split(pattern, '/');
  std::vector<std::string_view> got = Split(path, '/');
  if (want.size() != got.size()) return false;
  std::string_view found;
  for (size_t i = 0; i < want.size(); ++i) {
    if (want[i] == "{id}") {
      if (got[i].empty()) return false;
      found = got[i];
    } else if (want[i] != got[i]) {
      return false;
    }
  }
  if (!found.empty()) *id = found;
  return true;
}

RouteMatch MatchRoute(std::span<const Route> table,
                      boost::beast::http::verb method, std::string_view path) {
  RouteMatch match;
  for (const Route& route : table) {
    std::string_view id;
    if (!MatchPattern(route.pattern, path, &id)) continue;
    // Rows sharing a pattern are adjacent in spirit but need not be: the
    // first pattern to match fixes the label, later rows add methods.
    if (match.pattern.empty()) match.pattern = route.pattern;
    if (route.pattern != match.pattern) continue;
    match.id = id;
    if (route.method == method) {
      match.route = &route;
      match.allow.clear();
      return match;
    }
    if (!match.allow.empty()) match.allow += ", ";
    match.allow += boost::beast::http::to_string(route.method);
  }
  return match;
}

}  // namespace phonebulk::api
