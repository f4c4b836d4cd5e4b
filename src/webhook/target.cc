#include "webhook/target.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netdb.h>
#include <sys/socket.h>

#include <array>
#include <cstring>
#include <memory>
#include <optional>

#include "common/strings.h"

namespace phonebulk::webhook {
namespace {

constexpr size_t kMaxUrlBytes = 2048;

using CurlUrl = std::unique_ptr<CURLU, decltype(&curl_url_cleanup)>;

std::optional<std::string> UrlPart(CURLU* url, CURLUPart which,
                                   unsigned flags = 0) {
  char* value = nullptr;
  if (curl_url_get(url, which, &value, flags) != CURLUE_OK ||
      value == nullptr) {
    return std::nullopt;
  }
  std::string out(value);
  curl_free(value);
  return out;
}

// A prefix of `bits` bits of `base` (network order bytes).
struct Range {
  std::array<uint8_t, 16> base;
  int bits;
};

bool InRange(const uint8_t* addr, const Range& range) {
  for (int i = 0; i < range.bits / 8; ++i) {
    if (addr[i] != range.base[i]) return false;
  }
  if (int rest = range.bits % 8; rest != 0) {
    const uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    if ((addr[range.bits / 8] & mask) != (range.base[range.bits / 8] & mask)) {
      return false;
    }
  }
  return true;
}

// IANA special-purpose IPv4 ranges (RFC 6890 and successors) that are not
// globally reachable, plus multicast and broadcast.
constexpr Range kIpv4NotPublic[] = {
    {{0, 0, 0, 0}, 8},      {{10, 0, 0, 0}, 8},     {{100, 64, 0, 0}, 10},
    {{127, 0, 0, 0}, 8},    {{169, 254, 0, 0}, 16}, {{172, 16, 0, 0}, 12},
    {{192, 0, 0, 0}, 24},   {{192, 0, 2, 0}, 24},   {{192, 88, 99, 0}, 24},
    {{192, 168, 0, 0}, 16}, {{198, 18, 0, 0}, 15},  {{198, 51, 100, 0}, 24},
    {{203, 0, 113, 0}, 24}, {{224, 0, 0, 0}, 4},    {{240, 0, 0, 0}, 4},
};

// The same for IPv6: unspecified, loopback, IPv4-mapped and NAT64 (checked
// as IPv4 below), discard, documentation, ULA, link-local, site-local,
// multicast.
constexpr Range kIpv6NotPublic[] = {
    {{0}, 128},                                               // ::
    {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}, 128},  // ::1
    {{0x01, 0x00}, 64},              // 100::/64 discard
    {{0x20, 0x01, 0x0d, 0xb8}, 32},  // documentation
    {{0x20, 0x01, 0x00, 0x00}, 23},  // IETF protocol assignments
    {{0xfc}, 7},                     // unique local
    {{0xfe, 0x80}, 10},              // link-local
    {{0xfe, 0xc0}, 10},              // site-local (deprecated)
    {{0xff}, 8},                     // multicast
};

constexpr Range kIpv4Mapped = {{0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff}, 96};
constexpr Range kNat64 = {{0x00, 0x64, 0xff, 0x9b}, 96};

bool Ipv4IsPublic(const uint8_t* addr) {
  for (const Range& r : kIpv4NotPublic) {
    if (InRange(addr, r)) return false;
  }
  return true;
}

}  // namespace

absl::StatusOr<TargetUrl> ParseTargetUrl(std::string_view url) {
  auto refuse = [&](std::string_view why) {
    return absl::InvalidArgumentError("webhook URL '" + SafeText(url, 128) +
                                      "': " + std::string(why));
  };
  if (url.size() > kMaxUrlBytes) {
    return refuse("longer than 2048 characters");
  }
  CurlUrl handle(curl_url(), curl_url_cleanup);
  if (!handle) return absl::ResourceExhaustedError("out of memory");
  const std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return refuse("not an absolute URL (write it as https://host/path)");
  }
  std::optional<std::string> scheme = UrlPart(handle.get(), CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) {
    return refuse("only http and https URLs can receive webhooks");
  }
  if (UrlPart(handle.get(), CURLUPART_USER) ||
      UrlPart(handle.get(), CURLUPART_PASSWORD)) {
    return refuse(
        "a user name or password in the URL would be sent to anyone the "
        "host name points to; authenticate the request by its signature");
  }
  if (UrlPart(handle.get(), CURLUPART_FRAGMENT)) {
    return refuse("a fragment (#...) is never sent; remove it");
  }
  std::optional<std::string> host = UrlPart(handle.get(), CURLUPART_HOST);
  if (!host || host->empty()) return refuse("no host name");
  std::optional<std::string> port =
      UrlPart(handle.get(), CURLUPART_PORT, CURLU_DEFAULT_PORT);
  std::optional<int64_t> port_number =
      port ? ParseInt(*port) : std::optional<int64_t>();
  if (!port_number || *port_number <= 0 || *port_number > 65535) {
    return refuse("the port must be 1 to 65535");
  }
  TargetUrl target;
  target.scheme = *scheme;
  target.host = ToLowerAscii(*host);
  if (target.host.size() >= 2 && target.host.front() == '[' &&
      target.host.back() == ']') {
    target.host = target.host.substr(1, target.host.size() - 2);
  }
  target.port = static_cast<uint16_t>(*port_number);
  return target;
}

bool IsPublicAddress(std::string_view address) {
  const std::string text(address);
  uint8_t bytes[16] = {};
  if (inet_pton(AF_INET, text.c_str(), bytes) == 1) return Ipv4IsPublic(bytes);
  if (inet_pton(AF_INET6, text.c_str(), bytes) != 1) return false;
  if (InRange(bytes, kIpv4Mapped) || InRange(bytes, kNat64)) {
    return Ipv4IsPublic(bytes + 12);
  }
  for (const Range& r : kIpv6NotPublic) {
    if (InRange(bytes, r)) return false;
  }
  return true;
}

absl::StatusOr<std::string> ResolveTarget(const TargetUrl& target,
                                          bool allow_private) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  const int rc = getaddrinfo(target.host.c_str(), nullptr, &hints, &found);
  if (rc != 0) {
    return absl::UnavailableError("cannot resolve " + target.host + ": " +
                                  gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> list(found, freeaddrinfo);
  std::string first;
  for (const addrinfo* ai = list.get(); ai != nullptr; ai = ai->ai_next) {
    char text[INET6_ADDRSTRLEN] = {};
    const void* raw =
        ai->ai_family == AF_INET
            ? static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in*>(ai->ai_addr)->sin_addr)
            : static_cast<const void*>(
                  &reinterpret_cast<const sockaddr_in6*>(ai->ai_addr)
                       ->sin6_addr);
    if (inet_ntop(ai->ai_family, raw, text, sizeof(text)) == nullptr) continue;
    // Every address must pass: a name with one public and one private
    // address would otherwise reach the private one on a retry.
    if (!allow_private && !IsPublicAddress(text)) {
      return absl::PermissionDeniedError(
          target.host + " resolves to " + text +
          ", which is not a public address; start the server with "
          "--webhook-allow-private to deliver to it");
    }
    if (first.empty()) first = text;
  }
  if (first.empty()) {
    return absl::UnavailableError("no address for " + target.host);
  }
  return first;
}

}  // namespace phonebulk::webhook
