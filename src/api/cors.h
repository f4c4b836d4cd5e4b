#ifndef PHONEBULK_API_CORS_H_
#define PHONEBULK_API_CORS_H_

// Browser access (CORS, the Fetch standard's "CORS protocol") for tokens
// bound to a domain allow-list (`phonebulk token create --allow-domain`).
// Such a token is meant to be used from a web page on those domains, so the
// page's browser must be told it may call us: a preflight (OPTIONS with
// Origin and Access-Control-Request-Method) is answered with the CORS
// headers for an origin on some token's list and refused (403, no CORS
// headers, so the browser blocks the call) for any other; an answer to a
// real call carries Access-Control-Allow-Origin when the calling token's
// list admits the Origin. Tokens without a domain list get no CORS headers:
// a secret token does not belong in a web page.
//
// A preflight carries no token (browsers never send credentials or custom
// headers in it), so it is judged against the lists of all enabled tokens;
// the real call is then judged against its own token's list (TokenRefusal).
//
// Pure functions; thread-safe.

#include <span>
#include <string>
#include <string_view>

namespace phonebulk::api {

// The request headers a page may send: every header the API reads.
inline constexpr char kCorsAllowedHeaders[] =
    "Accept, Add-Metadata, Auth-Token, Authorization, Content-Type, "
    "Idempotency-Key, Reference-Id, Timeout-Seconds, X-App-Key";

// The answer headers a page may read beyond the CORS-safelisted ones.
inline constexpr char kCorsExposedHeaders[] =
    "Idempotent-Replayed, Link, Reference-Id, Retry-After, "
    "X-Rate-Limit-Limit, X-Rate-Limit-Remaining, X-Rate-Limit-Reset";

// How long a browser may reuse a preflight's answer. Ten minutes (the most
// Chromium honours is two hours): a domain removed from a token stops
// being admitted by browsers within that time; the real call is checked
// against the token on every request anyway.
inline constexpr int kCorsMaxAgeSeconds = 600;

// True when `origin` (an Origin header value, "https://app.acme.example")
// is an http(s) origin whose host is on `domains` (HostMatchesDomain).
// False for "null", an empty value or anything HostOfUrl does not trust.
bool OriginOnAllowList(std::string_view origin,
                       std::span<const std::string> domains);

// True when a request is a CORS preflight: OPTIONS with both Origin and
// Access-Control-Request-Method (anything else is a plain OPTIONS).
bool IsPreflight(std::string_view origin, std::string_view request_method);

// Why a preflight from `origin` asking for `request_method` on a path that
// answers `allow` ("GET, POST") is refused, or "" when it is admitted.
// `domains` is the union of the enabled tokens' domain lists.
std::string PreflightRefusal(std::string_view origin,
                             std::string_view request_method,
                             std::string_view allow,
                             std::span<const std::string> domains);

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_CORS_H_
