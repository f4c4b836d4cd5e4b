#ifndef PHONEBULK_WEBHOOK_TARGET_H_
#define PHONEBULK_WEBHOOK_TARGET_H_

// Where a webhook may point. A webhook makes the server send requests to a
// URL a customer chose, so without care it is a way into the server's own
// network (SSRF): the metadata service at 169.254.169.254, a database on
// loopback, an admin page on 10.x. So a target must be an http(s) URL whose
// host resolves only to public addresses, checked at delivery time (DNS can
// change after `webhook add`) and pinned for the connection (so a second
// lookup cannot answer differently). `--webhook-allow-private` lifts the
// address rule for a server whose receivers are on its own network.

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace phonebulk::webhook {

// The parts of a webhook URL the sender needs.
struct TargetUrl {
  std::string scheme;  // "http" or "https"
  std::string host;    // lower case; an IPv6 literal without brackets
  uint16_t port = 0;   // explicit or the scheme's default
};

// Parses `url` (libcurl's URL parser): InvalidArgument, with a reason a
// person can act on, unless it is an absolute http or https URL with a host,
// no user name or password and no fragment, at most 2,048 characters.
absl::StatusOr<TargetUrl> ParseTargetUrl(std::string_view url);

// True for an address a webhook may reach without --webhook-allow-private:
// not loopback, private (RFC 1918, fc00::/7), link-local, shared (CGNAT
// 100.64/10), unspecified, multicast, broadcast, documentation or reserved
// ranges, nor an IPv4-mapped or NAT64 form of one. `address` is a numeric
// IPv4 or IPv6 address; false when it is not one.
bool IsPublicAddress(std::string_view address);

// Resolves `target.host` and returns one address to connect to: the first
// address, when every address it resolves to is public or `allow_private`.
// PermissionDenied names the non-public address; Unavailable when the name
// does not resolve.
absl::StatusOr<std::string> ResolveTarget(const TargetUrl& target,
                                          bool allow_private);

}  // namespace phonebulk::webhook

#endif  // PHONEBULK_WEBHOOK_TARGET_H_
