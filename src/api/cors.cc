#include "api/cors.h"

#include <algorithm>

#include "api/access.h"
#include "common/strings.h"

namespace phonebulk::api {

bool OriginOnAllowList(std::string_view origin,
                       std::span<const std::string> domains) {
  const std::string host = HostOfUrl(origin);
  if (host.empty()) return false;
  return std::any_of(domains.begin(), domains.end(),
                     [&](const std::string& domain) {
                       return HostMatchesDomain(host, domain);
                     });
}

bool IsPreflight(std::string_view origin, std::string_view request_method) {
  return !origin.empty() && !request_method.empty();
}

std::string PreflightRefusal(std::string_view origin,
                             std::string_view request_method,
                             std::string_view allow,
                             std::span<const std::string> domains) {
  bool method_allowed = false;
  for (std::string_view method : Split(allow, ',')) {
    // Methods are case-sensitive (RFC 9110 section 9.1).
    if (TrimAscii(method) == request_method) method_allowed = true;
  }
  if (!method_allowed) {
    return "this path answers " + std::string(allow) + ", not " +
           SafeText(request_method, 32);
  }
  if (!OriginOnAllowList(origin, domains)) {
    return "the origin '" + SafeText(origin, 128) +
           "' is not on any token's domain allow-list; browsers may only "
           "call with tokens created with --allow-domain for their site";
  }
  return "";
}

}  // namespace phonebulk::api
