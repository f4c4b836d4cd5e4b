// The web console at /console: the page and its two hashed files, built
// into the binary (console_assets.h). No token is needed to load them (the
// page asks for one and sends it with each API call), so they are
// operational routes, like /openapi.json.

#include <string>
#include <string_view>

#include "api/console.h"
#include "api/console_assets.h"
#include "api/handlers.h"
#include "common/strings.h"

namespace phonebulk::api {

namespace http = boost::beast::http;

namespace {

constexpr std::string_view kPrefix = "/console";

// True when an If-None-Match list ("a", W/"b" or *) names `etag`. Weak
// comparison (RFC 9110 section 13.1.2): W/ is ignored.
bool NamesEtag(std::string_view if_none_match, std::string_view etag) {
  for (std::string_view item : Split(if_none_match, ',')) {
    item = TrimAscii(item);
    if (item == "*") return true;
    if (item.starts_with("W/")) item.remove_prefix(2);
    if (item == etag) return true;
  }
  return false;
}

const ConsoleAsset* FindAsset(std::string_view path) {
  if (!path.starts_with(kPrefix)) return nullptr;
  std::string_view name = path.substr(kPrefix.size());
  if (name.empty()) {
    name = "index.html";
  } else if (name.front() == '/') {
    name.remove_prefix(1);
  } else {
    return nullptr;  // "/consoleX"
  }
  for (const ConsoleAsset& asset : ConsoleAssets()) {
    if (asset.name == name) return &asset;
  }
  return nullptr;
}

}  // namespace

void SetConsoleSecurityHeaders(HttpResponse& response) {
  response.set("Content-Security-Policy", kConsoleCsp);
  response.set("X-Content-Type-Options", "nosniff");
  // The page's calls and links tell no one where they came from.
  response.set("Referrer-Policy", "no-referrer");
  // frame-ancestors for browsers that predate it.
  response.set("X-Frame-Options", "DENY");
  // No window the console opens, or that opens it, can reach into it.
  response.set("Cross-Origin-Opener-Policy", "same-origin");
  response.set("Cross-Origin-Resource-Policy", "same-origin");
}

std::optional<HttpResponse> ConsoleAnswer(std::string_view path,
                                          std::string_view if_none_match) {
  const ConsoleAsset* asset = FindAsset(path);
  if (asset == nullptr) return std::nullopt;
  HttpResponse res;
  SetConsoleSecurityHeaders(res);
  res.set(http::field::etag, asset->etag);
  // Hashed names never change content; the page is checked each time, so
  // a new build's page (naming new files) is seen at once.
  res.set(
      http::field::cache_control,
      asset->immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (!if_none_match.empty() && NamesEtag(if_none_match, asset->etag)) {
    res.result(http::status::not_modified);
    return res;
  }
  res.result(http::status::ok);
  res.set(http::field::content_type, asset->content_type);
  res.body() = std::string(asset->body);
  return res;
}

HttpResponse HandleConsole(RequestScope& scope) {
  if (scope.path == "/console/") {
    // The page's links are absolute, but people type the slash.
    HttpResponse res{http::status::permanent_redirect, 11};
    SetConsoleSecurityHeaders(res);
    res.set(http::field::location, kPrefix);
    return res;
  }
  std::optional<HttpResponse> answer =
      ConsoleAnswer(scope.path, scope.request[http::field::if_none_match]);
  if (answer.has_value()) return *std::move(answer);
  HttpResponse res =
      ErrorAnswer(scope, 404, "no such console file: " + SafeText(scope.path));
  SetConsoleSecurityHeaders(res);
  return res;
}

}  // namespace phonebulk::api
