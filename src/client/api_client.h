#ifndef PHONEBULK_CLIENT_API_CLIENT_H_
#define PHONEBULK_CLIENT_API_CLIENT_H_

// A Bulk Phone API v1 client over libcurl. It owns the retry policy:
// transient failures (network errors, 5xx, 408) are retried with capped
// exponential backoff and jitter; 429 waits for Retry-After; and when a
// response says X-Rate-Limit-Remaining: 0 every request made through the
// shared RateGate waits until X-Rate-Limit-Reset.

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace phonebulk::client {

struct ApiResponse {
  int status = 0;  // 0: no HTTP response (see `error`)
  std::string body;
  std::string error;  // transport error or a summary of the failure
  int attempts = 0;
  bool ok() const { return status >= 200 && status < 300; }
};

// Shared by every ApiClient of one run so that they respect one account
// limit together. Thread-safe.
class RateGate {
 public:
  // Blocks until no pause is in force.
  void Wait();
  // Records the rate-limit headers of one response.
  void Observe(int64_t remaining, int64_t reset_epoch_s);
  // Pauses everyone for `d` (a 429's Retry-After).
  void PauseFor(std::chrono::milliseconds d);
  // 429 answers seen, and pauses taken because a window ran out
  // (Remaining: 0) or a 429 came.
  int64_t throttled_count() const;
  int64_t pause_count() const;
  // Called when one request ran out of retries without reaching the
  // server: the others stop retrying too, so a dead server ends the run
  // after one client's retries, not after each worker's in turn.
  void GiveUp();
  bool given_up() const;

 private:
  mutable absl::Mutex mu_;
  std::chrono::system_clock::time_point paused_until_ ABSL_GUARDED_BY(mu_);
  int64_t throttled_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t pauses_ ABSL_GUARDED_BY(mu_) = 0;
  bool given_up_ ABSL_GUARDED_BY(mu_) = false;
};

// Retries of a transient failure (network error, 408, 5xx) after the first
// attempt. Small enough that a dead server fails a run in seconds (0.5 s
// doubling: at most 15.5 s of waiting for 5), enough to ride out a restart.
inline constexpr int kDefaultRetries = 5;

// One connection (libcurl easy handle, kept alive between calls). Not
// thread-safe: use one per thread; they may share a RateGate.
class ApiClient {
 public:
  // `server` like "http://127.0.0.1:8080" (a trailing '/' is fine).
  // `retries`: transient failures retried after the first attempt. Each
  // retry is announced on `retry_log` (if not null), e.g. "phonebulk:
  // server unreachable (Couldn't connect to server), retry 2/5 in 1.0 s",
  // so a run against a dead server is never silent.
  ApiClient(std::string server, std::string token, RateGate* gate,
            int retries = kDefaultRetries, std::FILE* retry_log = nullptr);
  ~ApiClient();
  ApiClient(const ApiClient&) = delete;
  ApiClient& operator=(const ApiClient&) = delete;

  // Sends `method path` (path starts with '/'), retrying as described
  // above. Returns the final response; a 4xx other than 408/429 is final
  // immediately. `add_metadata` sets the Add-Metadata header; a non-empty
  // `idempotency_key` is sent as Idempotency-Key on every attempt, so a
  // retried create whose first answer was lost gets the first batch back
  // instead of a second one.
  ApiResponse Call(const std::string& method, const std::string& path,
                   const std::string& body = "", bool add_metadata = false,
                   const std::string& idempotency_key = "");

 private:
  ApiResponse Once(const std::string& method, const std::string& path,
                   const std::string& body, bool add_metadata,
                   const std::string& idempotency_key, int64_t* retry_after_s);

  std::string server_;
  std::string token_;
  RateGate* gate_;
  int retries_;
  std::FILE* retry_log_;
  void* curl_;  // CURL*
};

// The path of the batches collection, "/phone/bulk/v1/batches".
inline constexpr char kBatchesPath[] = "/phone/bulk/v1/batches";

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_API_CLIENT_H_
