#ifndef PHONEBULK_API_ACCESS_H_
#define PHONEBULK_API_ACCESS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/records.h"

namespace phonebulk::api {

// True when `ip` (IPv4 or IPv6 text) lies in `cidr` ("10.0.0.0/8",
// "2001:db8::/32", or a bare address). IPv4-mapped IPv6 addresses
// ("::ffff:127.0.0.1") match IPv4 ranges. False for anything unparsable.
bool IpInCidr(std::string_view ip, std::string_view cidr);
// True when `cidr` is a well-formed address or range (for the admin CLI).
bool IsValidCidr(std::string_view cidr);

// The host of an Origin or Referer value ("https://app.example.com:8443/x"
// -> "app.example.com", lower case, without a trailing dot), parsed by
// libcurl's URL parser. Empty when there is none or it cannot be trusted:
// not an absolute http(s) URL, a backslash anywhere (browsers read it as
// "/", other parsers as part of the user name, so
// "https://evil.com\@acme.example" must not pass as acme.example), or
// user info (a browser never sends it in Origin and strips it from Referer).
std::string HostOfUrl(std::string_view url);

// True when `pattern` may be put on a token's domain allow-list: a host name
// (letters, digits, hyphens, dots; labels of 1 to 63 characters, at most
// 253 characters in all), optionally led by "*." ("*.acme.example"). Bare
// "*", URLs, ports, paths, spaces and IP addresses are refused; on refusal
// `*why` says what is wrong in one clause.
bool IsValidAllowDomain(std::string_view pattern, std::string* why);

// True when `host` matches an allow-list entry (case-insensitive):
// "acme.example" admits acme.example and its subdomains;
// "*.acme.example" admits only the subdomains.
bool HostMatchesDomain(std::string_view host, std::string_view domain);

// Why `token` may not make a call of `product` (named `product_name` in
// the answer) from `remote_ip` with Origin or Referer `source` (empty when
// neither was sent), or nullopt when it may: the token is disabled, not
// scoped to the product, the address is not on its IP allow-list, or the
// source's host is not on its domain allow-list (an empty list admits any).
// The words are the 403's detail. Checked in this order, after the token
// is known and the rate limit has counted the call.
std::optional<std::string> TokenRefusal(const store::Token& token,
                                        store::Product product,
                                        std::string_view product_name,
                                        std::string_view remote_ip,
                                        std::string_view source);

// Slows down token guessing: per client address, answers to unknown tokens
// are counted in one-minute windows; past `per_minute` of them the address
// gets 429 for the rest of the minute, whatever token it sends, except a
// token that has already authenticated in this process. So a guesser cannot
// tell a hit from a miss, while clients with working tokens are never
// slowed (even behind the guesser's NAT). At most kMaxAddresses addresses
// are tracked; past that, new addresses are not limited until the minute
// ends (memory stays bounded). Thread-safe.
class UnknownTokenLimiter {
 public:
  static constexpr size_t kMaxAddresses = 100000;
  explicit UnknownTokenLimiter(int per_minute) : per_minute_(per_minute) {}

  // Seconds until `ip` may try unknown tokens again, or 0 if it may now.
  int RetryAfter(const std::string& ip, absl::Time now);
  // Counts one unknown token sent from `ip`.
  void RecordUnknown(const std::string& ip, absl::Time now);
  // Remembers that the token with this hash authenticated.
  void RecordGood(const std::string& token_hash);
  bool IsKnownGood(const std::string& token_hash);

 private:
  const int per_minute_;
  absl::Mutex mu_;
  int64_t minute_ ABSL_GUARDED_BY(mu_) = 0;
  std::map<std::string, int> unknown_ ABSL_GUARDED_BY(mu_);
  std::set<std::string> good_ ABSL_GUARDED_BY(mu_);
};

// Per-account request counting in fixed one-minute windows aligned to the
// wall-clock minute, so X-Rate-Limit-Reset is simply the next minute.
// Kept in memory when the store does not count (SQLite: one process serves
// the file); on a shared database the store counts and FromCount() turns
// its answer into the same decision, so N nodes enforce one limit.
// Thread-safe.
class RateLimiter {
 public:
  struct Decision {
    bool allowed = true;
    int limit = 0;
    int remaining = 0;
    int64_t reset_epoch_seconds = 0;  // when the window ends
    int retry_after_seconds = 0;      // set when refused
  };

  // Counts one request of `account_id` at `now` against `limit` per minute.
  Decision Admit(int64_t account_id, int limit, absl::Time now);
  // What the headers say for a caller whose account is not known (no or
  // unknown token): the default limit, nothing used.
  static Decision Unmetered(int limit, absl::Time now);
  // The decision for a count kept elsewhere (Store::CountRequest): `used`
  // requests counted in the minute of `now`, this one refused unless
  // `admitted`.
  static Decision FromCount(int limit, int used, bool admitted, absl::Time now);

 private:
  struct Window {
    int64_t minute = 0;
    int used = 0;
  };
  absl::Mutex mu_;
  std::map<int64_t, Window> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_ACCESS_H_
