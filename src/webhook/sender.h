#ifndef PHONEBULK_WEBHOOK_SENDER_H_
#define PHONEBULK_WEBHOOK_SENDER_H_

// Sends one webhook request (libcurl): a POST of a JSON body to a URL, its
// host pinned to an address already checked (target.h), no redirects
// followed (a redirect could lead anywhere), a bounded time. Thread-safe:
// each call uses its own handle.

#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"

namespace phonebulk::webhook {

struct PostRequest {
  std::string url;
  std::string host;  // as in the URL
  uint16_t port = 0;
  std::string address;  // what `host` must connect to
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  absl::Duration timeout = absl::Seconds(15);
};

struct PostResult {
  int status = 0;     // the HTTP status; 0 when none was received
  std::string error;  // why not, when status is 0
};

PostResult Post(const PostRequest& request);

}  // namespace phonebulk::webhook

#endif  // PHONEBULK_WEBHOOK_SENDER_H_
