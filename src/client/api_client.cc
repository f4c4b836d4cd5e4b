#include "client/api_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "client/backoff.h"

namespace phonebulk::client {
namespace {

struct HeaderSink {
  int64_t remaining = -1;
  int64_t reset = -1;
  int64_t retry_after = -1;
};

bool StartsWithNoCase(const char* line, size_t n, const char* name) {
  size_t k = std::strlen(name);
  if (n < k + 1) return false;
  for (size_t i = 0; i < k; ++i) {
    if (std::tolower(static_cast<unsigned char>(line[i])) != name[i]) {
      return false;
    }
  }
  return line[k] == ':';
}

int64_t ValueOf(const char* line, size_t n, size_t name_len) {
  std::string v(line + name_len + 1, n - name_len - 1);
  return std::strtoll(v.c_str(), nullptr, 10);
}

size_t OnHeader(char* buf, size_t size, size_t n, void* p) {
  auto* h = static_cast<HeaderSink*>(p);
  const size_t len = size * n;
  if (StartsWithNoCase(buf, len, "x-rate-limit-remaining")) {
    h->remaining = ValueOf(buf, len, 22);
  } else if (StartsWithNoCase(buf, len, "x-rate-limit-reset")) {
    h->reset = ValueOf(buf, len, 18);
  } else if (StartsWithNoCase(buf, len, "retry-after")) {
    h->retry_after = ValueOf(buf, len, 11);
  }
  return len;
}

size_t OnBody(char* buf, size_t size, size_t n, void* p) {
  static_cast<std::string*>(p)->append(buf, size * n);
  return size * n;
}

// libcurl's global init is not thread-safe; do it once, first.
void GlobalInit() {
  static const bool done = [] {
    curl_global_init(CURL_GLOBAL_DEFAULT);
    return true;
  }();
  (void)done;
}

}  // namespace

void RateGate::Wait() {
  for (;;) {
    std::chrono::system_clock::time_point until;
    {
      absl::MutexLock lock(&mu_);
      until = paused_until_;
    }
    if (std::chrono::system_clock::now() >= until) return;
    std::this_thread::sleep_until(until);
  }
}

void RateGate::Observe(int64_t remaining, int64_t reset_epoch_s) {
  if (remaining != 0 || reset_epoch_s <= 0) return;
  // Out of requests for this window: everyone waits for the reset (plus a
  // little, since the server's clock and ours round differently).
  auto until = std::chrono::system_clock::time_point(
                   std::chrono::seconds(reset_epoch_s)) +
               std::chrono::milliseconds(200);
  absl::MutexLock lock(&mu_);
  if (until > paused_until_) {
    if (paused_until_ < std::chrono::system_clock::now()) ++pauses_;
    paused_until_ = until;
  }
}

void RateGate::PauseFor(std::chrono::milliseconds d) {
  auto until = std::chrono::system_clock::now() + d;
  absl::MutexLock lock(&mu_);
  ++throttled_;
  if (until > paused_until_) {
    if (paused_until_ < std::chrono::system_clock::now()) ++pauses_;
    paused_until_ = until;
  }
}

int64_t RateGate::throttled_count() const {
  absl::MutexLock lock(&mu_);
  return throttled_;
}

int64_t RateGate::pause_count() const {
  absl::MutexLock lock(&mu_);
  return pauses_;
}

void RateGate::GiveUp() {
  absl::MutexLock lock(&mu_);
  given_up_ = true;
}

bool RateGate::given_up() const {
  absl::MutexLock lock(&mu_);
  return given_up_;
}

ApiClient::ApiClient(std::string server, std::string token, RateGate* gate,
                     int retries, std::FILE* retry_log)
    : server_(std::move(server)),
      token_(std::move(token)),
      gate_(gate),
      retries_(std::max(0, retries)),
      retry_log_(retry_log) {
  while (!server_.empty() && server_.back() == '/') server_.pop_back();
  GlobalInit();
  curl_ = curl_easy_init();
}

ApiClient::~ApiClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

ApiResponse ApiClient::Once(const std::string& method, const std::string& path,
                            const std::string& body, bool add_metadata,
                            const std::string& idempotency_key,
                            int64_t* retry_after_s) {
  CURL* c = static_cast<CURL*>(curl_);
  curl_easy_reset(c);
  ApiResponse r;
  HeaderSink h;
  const std::string url = server_ + path;
  curl_slist* headers = nullptr;
  const std::string auth = "Auth-Token: " + token_;
  headers = curl_slist_append(headers, auth.c_str());
  headers = curl_slist_append(headers, "Accept: application/json");
  if (add_metadata) headers = curl_slist_append(headers, "Add-Metadata: true");
  const std::string key_header = "Idempotency-Key: " + idempotency_key;
  if (!idempotency_key.empty()) {
    headers = curl_slist_append(headers, key_header.c_str());
  }
  if (method == "POST") {
    headers = curl_slist_append(headers, "Content-Type: application/json");
  }
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  // A host that drops packets costs this per attempt; with the default
  // retries a dead server still fails well within a minute.
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, 5L);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 120L);
  curl_easy_setopt(c, CURLOPT_ACCEPT_ENCODING, "");
  curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &r.body);
  if (method == "POST") {
    curl_easy_setopt(c, CURLOPT_POST, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(body.size()));
  } else if (method != "GET") {
    curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  curl_slist_free_all(headers);
  if (rc != CURLE_OK) {
    r.error = curl_easy_strerror(rc);
    return r;
  }
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  r.status = static_cast<int>(status);
  gate_->Observe(h.remaining, h.reset);
  *retry_after_s = h.retry_after;
  if (h.retry_after < 0 && h.reset > 0) {
    *retry_after_s = std::max<int64_t>(
        1, h.reset - std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count());
  }
  return r;
}

ApiResponse ApiClient::Call(const std::string& method, const std::string& path,
                            const std::string& body, bool add_metadata,
                            const std::string& idempotency_key) {
  Backoff backoff(std::chrono::milliseconds(500), std::chrono::seconds(30), 2.0,
                  0.5);
  ApiResponse r;
  for (int attempt = 1;; ++attempt) {
    gate_->Wait();
    int64_t retry_after = -1;
    r = Once(method, path, body, add_metadata, idempotency_key, &retry_after);
    r.attempts = attempt;
    if (r.status == 429) {
      // Throttling is not a failure: it never uses up an attempt.
      gate_->PauseFor(std::chrono::seconds(std::max<int64_t>(1, retry_after)));
      --attempt;
      continue;
    }
    const bool transient = r.status == 0 || r.status == 408 || r.status >= 500;
    if (!transient) break;
    if (attempt > retries_ || gate_->given_up()) {
      if (r.status == 0) gate_->GiveUp();
      break;
    }
    const std::chrono::milliseconds delay = backoff.Next();
    if (retry_log_ != nullptr) {
      const std::string why =
          r.status == 0 ? "server unreachable (" + r.error + ")"
                        : "server answered HTTP " + std::to_string(r.status);
      std::fprintf(retry_log_, "phonebulk: %s, retry %d/%d in %.1f s\n",
                   why.c_str(), attempt, retries_, delay.count() / 1000.0);
      std::fflush(retry_log_);
    }
    std::this_thread::sleep_for(delay);
  }
  if (!r.ok() && r.error.empty()) {
    r.error = "HTTP " + std::to_string(r.status) + ": " + r.body.substr(0, 300);
  }
  return r;
}

}  // namespace phonebulk::client
