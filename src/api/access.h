#ifndef PHONEBULK_API_ACCESS_H_
#define PHONEBULK_API_ACCESS_H_

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/time/time.h"

namespace phonebulk::api {

// True when `ip` (IPv4 or IPv6 text) lies in `cidr` ("10.0.0.0/8",
// "2001:db8::/32", or a bare address). IPv4-mapped IPv6 addresses
// ("::ffff:127.0.0.1") match IPv4 ranges. False for anything unparsable.
bool IpInCidr(std::string_view ip, std::string_view cidr);
// True when `cidr` is a well-formed address or range (for the admin CLI).
bool IsValidCidr(std::string_view cidr);

// The host of an Origin or Referer value ("https://app.example.com:8443/x"
// -> "app.example.com"); empty when there is none.
std::string HostOfUrl(std::string_view url);

// True when `host` is `domain` or a subdomain of it (case-insensitive).
bool HostMatchesDomain(std::string_view host, std::string_view domain);

// Per-account request counting in fixed one-minute windows aligned to the
// wall-clock minute, so X-Rate-Limit-Reset is simply the next minute.
// Kept in memory: each server process counts its own requests (documented
// in docs/decisions.md). Thread-safe.
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

 private:
  struct Window {
    int64_t minute = 0;
    int used = 0;
  };
  std::mutex mu_;
  std::map<int64_t, Window> windows_ ABSL_GUARDED_BY(mu_);
};

}  // namespace phonebulk::api

#endif  // PHONEBULK_API_ACCESS_H_
