#ifndef PHONEBULK_API_CONSOLE_H_
#define PHONEBULK_API_CONSOLE_H_

// The web console's answers (docs/console.md, "The console"): pure
// functions of the path and the request's If-None-Match over the embedded
// files (console_assets.h). Thread-safe. console_handler.cc wires them to
// the routes /console and /console/{id}.

#include <optional>
#include <string_view>

#include "http/http_server.h"

namespace phonebulk::api {

// The Content-Security-Policy of every console answer: the page may load
// only its own script and style sheet and talk only to its own origin; no
// inline script or style, no frames, no forms posting anywhere, no <base>.
inline constexpr std::string_view kConsoleCsp =
    "default-src 'none'; script-src 'self'; style-src 'self'; "
    "connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'";

// Sets the console's security headers (CSP, nosniff, no referrer, no
// framing, a separate browsing context group) on `response`, whatever its
// status: an error answer under /console gets them too.
void SetConsoleSecurityHeaders(::phonebulk::http::HttpResponse& response);

// The answer for `path` ("/console" or "/console/NAME"): 200 with the file,
// or 304 when `if_none_match` names its ETag; nullopt when there is no
// such file. Carries the security headers, Content-Type, ETag and
// Cache-Control (immutable for hashed names, revalidated for the page).
std::optional<::phonebulk::http::HttpResponse> ConsoleAnswer(
    std::string_view path, std::string_view if_none_match);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_CONSOLE_H_
