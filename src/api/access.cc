#include "api/access.h"

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>

#include "common/strings.h"

namespace phonebulk::api {
namespace {

// An address as 16 bytes; IPv4 is stored IPv4-mapped so both families share
// one comparison.
struct Address {
  std::array<unsigned char, 16> bytes{};
  bool v4 = false;
};

std::optional<Address> ParseAddress(std::string_view text) {
  std::string s(text);
  Address a;
  in_addr v4{};
  if (inet_pton(AF_INET, s.c_str(), &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &v4, 4);
    return a;
  }
  in6_addr v6{};
  if (inet_pton(AF_INET6, s.c_str(), &v6) == 1) {
    std::memcpy(a.bytes.data(), &v6, 16);
    static constexpr unsigned char kMapped[12] = {0, 0, 0, 0, 0,    0,
                                                  0, 0, 0, 0, 0xff, 0xff};
    a.v4 = std::memcmp(a.bytes.data(), kMapped, 12) == 0;
    return a;
  }
  return std::nullopt;
}

struct Range {
  Address base;
  int prefix_bits = 128;  // over the 16-byte form
};

std::optional<Range> ParseCidr(std::string_view cidr) {
  size_t slash = cidr.find('/');
  auto base = ParseAddress(cidr.substr(0, slash));
  if (!base) return std::nullopt;
  int max_bits = base->v4 ? 32 : 128;
  int bits = max_bits;
  if (slash != std::string_view::npos) {
    auto parsed = ParseInt(cidr.substr(slash + 1));
    if (!parsed || *parsed > max_bits) return std::nullopt;
    bits = static_cast<int>(*parsed);
  }
  return Range{*base, base->v4 ? bits + 96 : bits};
}

}  // namespace

bool IsValidCidr(std::string_view cidr) { return ParseCidr(cidr).has_value(); }

bool IpInCidr(std::string_view ip, std::string_view cidr) {
  auto addr = ParseAddress(ip);
  auto range = ParseCidr(cidr);
  if (!addr || !range) return false;
  int bits = range->prefix_bits;
  for (int i = 0; i < 16 && bits > 0; ++i, bits -= 8) {
    unsigned char mask =
        bits >= 8 ? 0xff : static_cast<unsigned char>(0xff << (8 - bits));
    if ((addr->bytes[i] & mask) != (range->base.bytes[i] & mask)) return false;
  }
  return true;
}

std::string HostOfUrl(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  size_t end = url.find_first_of("/?#");
  if (end != std::string_view::npos) url = url.substr(0, end);
  size_t at = url.rfind('@');
  if (at != std::string_view::npos) url.remove_prefix(at + 1);
  if (!url.empty() && url.front() == '[') {  // IPv6 literal
    size_t close = url.find(']');
    return std::string(url.substr(1, close == std::string_view::npos
                                         ? std::string_view::npos
                                         : close - 1));
  }
  size_t colon = url.find(':');
  if (colon != std::string_view::npos) url = url.substr(0, colon);
  return ToLowerAscii(url);
}

bool HostMatchesDomain(std::string_view host, std::string_view domain) {
  std::string h = ToLowerAscii(host);
  std::string d = ToLowerAscii(domain);
  if (d.empty() || h.empty()) return false;
  if (h == d) return true;
  return h.size() > d.size() &&
         h.compare(h.size() - d.size(), d.size(), d) == 0 &&
         h[h.size() - d.size() - 1] == '.';
}

RateLimiter::Decision RateLimiter::Admit(int64_t account_id, int limit,
                                         absl::Time now) {
  int64_t minute = absl::ToUnixSeconds(now) / 60;
  Decision d;
  d.limit = limit;
  d.reset_epoch_seconds = (minute + 1) * 60;
  std::lock_guard<std::mutex> lock(mu_);
  Window& w = windows_[account_id];
  if (w.minute != minute) w = Window{minute, 0};
  if (w.used >= limit) {
    d.allowed = false;
    d.remaining = 0;
    d.retry_after_seconds = static_cast<int>(
        std::max<int64_t>(1, d.reset_epoch_seconds - absl::ToUnixSeconds(now)));
    return d;
  }
  ++w.used;
  d.remaining = limit - w.used;
  return d;
}

RateLimiter::Decision RateLimiter::Unmetered(int limit, absl::Time now) {
  Decision d;
  d.limit = limit;
  d.remaining = limit;
  d.reset_epoch_seconds = (absl::ToUnixSeconds(now) / 60 + 1) * 60;
  return d;
}

}  // namespace phonebulk::api
