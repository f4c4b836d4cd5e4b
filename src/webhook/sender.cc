#include "webhook/sender.h"

#include <curl/curl.h>

#include <memory>
#include <mutex>  // std::call_once

namespace phonebulk::webhook {
namespace {

void GlobalCurlInit() {
  // Not thread-safe on every libcurl build: once per process.
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// The receiver's answer body is not used; reading at most this much of it
// keeps a hostile receiver from making us buffer without end.
constexpr size_t kMaxAnswerBytes = 64 * 1024;

size_t DiscardBody(char*, size_t size, size_t count, void* user) {
  auto* seen = static_cast<size_t*>(user);
  *seen += size * count;
  return *seen > kMaxAnswerBytes ? 0 : size * count;
}

}  // namespace

PostResult Post(const PostRequest& request) {
  GlobalCurlInit();
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(),
                                                           curl_easy_cleanup);
  if (!curl) return {0, "cannot create a libcurl handle"};
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(
      nullptr, curl_slist_free_all);
  auto add = [&](const std::string& line) {
    headers.reset(curl_slist_append(headers.release(), line.c_str()));
  };
  add("Content-Type: application/json");
  add("Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers) add(name + ": " + value);
  // host:port:address makes libcurl connect there for this host (and still
  // send the host name in Host and SNI, and verify the certificate for it).
  const std::string pin = request.host + ":" + std::to_string(request.port) +
                          ":" +
                          (request.address.find(':') != std::string::npos
                               ? "[" + request.address + "]"
                               : request.address);
  std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> resolve(
      curl_slist_append(nullptr, pin.c_str()), curl_slist_free_all);
  size_t answer_bytes = 0;
  const long timeout_ms =
      static_cast<long>(absl::ToInt64Milliseconds(request.timeout));
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c, CURLOPT_RESOLVE, resolve.get());
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_NOPROXY, "*");  // the pin is the address
  curl_easy_setopt(c, CURLOPT_POST, 1L);
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, request.body.data());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(request.body.size()));
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_USERAGENT, "phonebulk-webhooks");
  curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, DiscardBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer_bytes);
  const CURLcode rc = curl_easy_perform(c);
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status != 0) return {static_cast<int>(status), ""};
  return {0, curl_easy_strerror(rc)};
}

}  // namespace phonebulk::webhook
