#include "api/access.h"

#include <arpa/inet.h>
#include <curl/curl.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cstring>
#include <memory>

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
  if (url.empty() || url.find('\\') != std::string_view::npos) return "";
  std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> handle(curl_url(),
                                                             curl_url_cleanup);
  if (!handle) return "";
  std::string text(url);
  if (curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), 0) != CURLUE_OK) {
    return "";
  }
  auto part = [&](CURLUPart which) -> std::optional<std::string> {
    char* value = nullptr;
    if (curl_url_get(handle.get(), which, &value, 0) != CURLUE_OK ||
        value == nullptr) {
      return std::nullopt;
    }
    std::string out(value);
    curl_free(value);
    return out;
  };
  std::optional<std::string> scheme = part(CURLUPART_SCHEME);
  if (!scheme || (*scheme != "http" && *scheme != "https")) return "";
  if (part(CURLUPART_USER) || part(CURLUPART_PASSWORD)) return "";
  std::optional<std::string> host = part(CURLUPART_HOST);
  if (!host || host->empty()) return "";
  if (host->front() == '[' && host->back() == ']') {  // IPv6 literal
    *host = host->substr(1, host->size() - 2);
  }
  if (host->back() == '.') host->pop_back();
  return ToLowerAscii(*host);
}

bool IsValidAllowDomain(std::string_view pattern, std::string* why) {
  auto refuse = [&](std::string reason) {
    *why = std::move(reason);
    return false;
  };
  std::string_view name = pattern;
  if (name.starts_with("*.")) name.remove_prefix(2);
  if (name.empty() || name == "*") {
    return refuse(
        "a bare '*' would admit every site; name a domain such as "
        "acme.example or *.acme.example");
  }
  if (name.find("://") != std::string_view::npos ||
      name.find_first_of("/:?#@") != std::string_view::npos) {
    return refuse(
        "give a host name only, without scheme, port or path "
        "(acme.example, not https://acme.example/)");
  }
  if (name.size() > 253)
    return refuse("a host name has at most 253 characters");
  bool all_numeric = true;
  for (std::string_view label : Split(name, '.')) {
    if (label.empty() || label.size() > 63) {
      return refuse("each dot-separated label must have 1 to 63 characters");
    }
    if (label.front() == '-' || label.back() == '-') {
      return refuse("a label may not start or end with '-'");
    }
    for (char c : label) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-') {
        return refuse(
            "only letters, digits, '-' and '.' may appear in a host "
            "name (with an optional leading '*.')");
      }
      if (!std::isdigit(static_cast<unsigned char>(c))) all_numeric = false;
    }
  }
  if (all_numeric) {
    return refuse(
        "an IP address is not a domain; use --allow-ip for addresses");
  }
  return true;
}

bool HostMatchesDomain(std::string_view host, std::string_view domain) {
  bool subdomains_only = domain.starts_with("*.");
  if (subdomains_only) domain.remove_prefix(2);
  std::string h = ToLowerAscii(host);
  std::string d = ToLowerAscii(domain);
  if (d.empty() || h.empty()) return false;
  if (h == d) return !subdomains_only;
  return h.size() > d.size() &&
         h.compare(h.size() - d.size(), d.size(), d) == 0 &&
         h[h.size() - d.size() - 1] == '.';
}

int UnknownTokenLimiter::RetryAfter(const std::string& ip, absl::Time now) {
  int64_t seconds = absl::ToUnixSeconds(now);
  absl::MutexLock lock(&mu_);
  if (minute_ != seconds / 60) return 0;
  auto it = unknown_.find(ip);
  if (it == unknown_.end() || it->second < per_minute_) return 0;
  return static_cast<int>(std::max<int64_t>(1, (minute_ + 1) * 60 - seconds));
}

void UnknownTokenLimiter::RecordUnknown(const std::string& ip, absl::Time now) {
  int64_t minute = absl::ToUnixSeconds(now) / 60;
  absl::MutexLock lock(&mu_);
  if (minute != minute_) {
    minute_ = minute;
    unknown_.clear();
  }
  if (unknown_.size() >= kMaxAddresses && !unknown_.contains(ip)) return;
  ++unknown_[ip];
}

void UnknownTokenLimiter::RecordGood(const std::string& token_hash) {
  absl::MutexLock lock(&mu_);
  // Bounded by the number of tokens that exist.
  good_.insert(token_hash);
}

bool UnknownTokenLimiter::IsKnownGood(const std::string& token_hash) {
  absl::MutexLock lock(&mu_);
  return good_.contains(token_hash);
}

RateLimiter::Decision RateLimiter::Admit(int64_t account_id, int limit,
                                         absl::Time now) {
  int64_t minute = absl::ToUnixSeconds(now) / 60;
  Decision d;
  d.limit = limit;
  d.reset_epoch_seconds = (minute + 1) * 60;
  absl::MutexLock lock(&mu_);
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

RateLimiter::Decision RateLimiter::FromCount(int limit, int used, bool admitted,
                                             absl::Time now) {
  Decision d;
  d.limit = limit;
  d.reset_epoch_seconds = (absl::ToUnixSeconds(now) / 60 + 1) * 60;
  d.allowed = admitted;
  d.remaining = admitted ? std::max(0, limit - used) : 0;
  if (!admitted) {
    d.retry_after_seconds = static_cast<int>(
        std::max<int64_t>(1, d.reset_epoch_seconds - absl::ToUnixSeconds(now)));
  }
  return d;
}

RateLimiter::Decision RateLimiter::Unmetered(int limit, absl::Time now) {
  Decision d;
  d.limit = limit;
  d.remaining = limit;
  d.reset_epoch_seconds = (absl::ToUnixSeconds(now) / 60 + 1) * 60;
  return d;
}

std::optional<std::string> TokenRefusal(const store::Token& token,
                                        store::Product product,
                                        std::string_view product_name,
                                        std::string_view remote_ip,
                                        std::string_view source) {
  if (token.disabled) return "the token is disabled";
  if ((token.products & product) == 0) {
    return "the token is not scoped to the " + std::string(product_name) +
           " product";
  }
  if (!token.allow_ips.empty() &&
      std::none_of(
          token.allow_ips.begin(), token.allow_ips.end(),
          [&](const std::string& cidr) { return IpInCidr(remote_ip, cidr); })) {
    return "calls from " + std::string(remote_ip) +
           " are not on the token's IP allow-list";
  }
  if (token.allow_domains.empty()) return std::nullopt;
  const std::string host = HostOfUrl(source);
  if (std::any_of(token.allow_domains.begin(), token.allow_domains.end(),
                  [&](const std::string& domain) {
                    return HostMatchesDomain(host, domain);
                  })) {
    return std::nullopt;
  }
  if (source.empty()) {
    return "the token only accepts calls whose Origin or Referer is on its "
           "domain allow-list, and none was sent";
  }
  if (host.empty()) {
    return "the Origin or Referer '" + SafeText(source, 128) +
           "' is not an http(s) URL with a plain host name";
  }
  return "the domain '" + host + "' is not on the token's domain allow-list";
}

}  // namespace phonebulk::api
