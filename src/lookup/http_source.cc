#include "lookup/http_source.h"

#include <curl/curl.h>

#include <algorithm>
#include <mutex>  // std::call_once
#include <random>
#include <unordered_map>

#include "common/strings.h"
#include "lookup/protocol.h"

namespace phonebulk::lookup {
namespace {

void GlobalCurlInit() {
  // curl_global_init is not thread-safe on every libcurl build; once per
  // process, never cleaned up (other libraries may share it).
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlHandleDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

// What one transfer collected; the curl callbacks write here.
struct Transfer {
  std::string body;
  size_t max_body = 0;
  bool too_large = false;
  std::optional<int64_t> retry_after_seconds;
  const std::atomic<bool>* abort = nullptr;
};

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  size_t n = size * count;
  if (t->body.size() + n > t->max_body) {
    t->too_large = true;
    return 0;  // makes curl fail the transfer with CURLE_WRITE_ERROR
  }
  t->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  std::string_view line(data, size * count);
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (StartsWithIgnoreCase(line, kRetryAfter)) {
    // Only delta-seconds; an HTTP-date falls back to our own backoff.
    t->retry_after_seconds =
        ParseInt(TrimAscii(line.substr(kRetryAfter.size())));
  }
  return size * count;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  return t->abort->load() ? 1 : 0;  // non-zero aborts the transfer
}

}  // namespace

// One Lookup(): the distinct numbers asked and their answers so far. Shared
// with the workers so that a call returning at its deadline leaves late
// workers something valid to write into.
struct HttpLookupSource::Call {
  absl::Time deadline;
  std::vector<std::string> numbers;  // distinct, valid E.164 digits
  // Lookup() awaits pending == 0 on it.
  absl::Mutex mu;
  std::vector<std::optional<LookupAnswer>> answers ABSL_GUARDED_BY(mu);
  int pending ABSL_GUARDED_BY(mu) = 0;  // tasks not finished
};

// How one HTTP request went.
struct HttpLookupSource::Attempt {
  enum Kind {
    kAnswered,   // 200 with a valid body: `body` holds it
    kRetryable,  // 429, 5xx, timeout, transport error
    kFatal,      // other status, oversized body
    kCutShort,   // the caller's deadline ended it: no verdict on health
  } kind = kFatal;
  long http_status = 0;
  std::optional<absl::Duration> retry_after;  // from a 429
  std::string body;
};

absl::StatusOr<std::unique_ptr<HttpLookupSource>> HttpLookupSource::Create(
    const LookupOptions& options, HttpLookupHooks hooks) {
  if (absl::Status s = ValidateLookupOptions(options); !s.ok()) return s;
  if (options.url.empty()) {
    return absl::InvalidArgumentError("lookup url is empty");
  }
  GlobalCurlInit();
  return std::unique_ptr<HttpLookupSource>(
      new HttpLookupSource(options, std::move(hooks)));
}

HttpLookupSource::HttpLookupSource(const LookupOptions& options,
                                   HttpLookupHooks hooks)
    : options_(options),
      clock_(hooks.clock != nullptr ? *hooks.clock : Clock::Real()),
      hooks_(std::move(hooks)),
      breaker_(clock_, options.breaker_failures, options.breaker_cooldown),
      limiter_(clock_, options.rps) {
  if (!options_.key.empty()) {
    authorization_ = "Authorization: Bearer " + options_.key;
  }
  if (hooks_.uniform01) {
    uniform01_ = std::move(hooks_.uniform01);
  } else {
    auto rng = std::make_shared<std::mt19937_64>(std::random_device{}());
    uniform01_ = [rng] {
      return std::uniform_real_distribution<double>(0.0, 1.0)(*rng);
    };
  }
  workers_.reserve(options_.concurrency);
  for (int i = 0; i < options_.concurrency; ++i) {
    workers_.emplace_back([this] { WorkerLoop(); });
  }
}

HttpLookupSource::~HttpLookupSource() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    queue_.clear();
  }
  abort_ = true;
  for (std::thread& t : workers_) t.join();
}

std::vector<std::optional<LookupAnswer>> HttpLookupSource::Lookup(
    std::span<const std::string> e164_digits, absl::Time deadline) {
  std::vector<std::optional<LookupAnswer>> out(e164_digits.size());
  // Ask each distinct valid number once: lookups are paid.
  auto call = std::make_shared<Call>();
  call->deadline = deadline;
  std::unordered_map<std::string_view, size_t> slot;
  std::vector<size_t> slot_of(e164_digits.size(), SIZE_MAX);
  for (size_t i = 0; i < e164_digits.size(); ++i) {
    if (!IsE164Digits(e164_digits[i])) continue;
    auto [it, added] = slot.emplace(e164_digits[i], call->numbers.size());
    if (added) call->numbers.push_back(e164_digits[i]);
    slot_of[i] = it->second;
  }
  const size_t n = call->numbers.size();
  if (n == 0) return out;
  if (clock_.Now() >= deadline || breaker_.Rejecting()) {
    short_circuited_ += static_cast<int64_t>(n);
    return out;
  }

  const size_t batch = static_cast<size_t>(options_.max_batch);
  {
    absl::MutexLock call_lock(&call->mu);
    call->answers.resize(n);
    call->pending = static_cast<int>((n + batch - 1) / batch);
  }
  {
    absl::MutexLock lock(&mu_);
    for (size_t begin = 0; begin < n; begin += batch) {
      queue_.push_back(Task{call, begin, std::min(n, begin + batch)});
    }
  }

  absl::MutexLock call_lock(&call->mu);
  // Reads `pending` through a pointer: the Condition runs with call->mu held.
  const absl::Condition done(
      +[](int* pending) { return *pending == 0; }, &call->pending);
  while (call->pending > 0) {
    absl::Duration left = deadline - clock_.Now();
    if (left <= absl::ZeroDuration()) break;
    call->mu.AwaitWithTimeout(done, left);
  }
  for (size_t i = 0; i < e164_digits.size(); ++i) {
    if (slot_of[i] != SIZE_MAX) out[i] = call->answers[slot_of[i]];
  }
  return out;
}

LookupStats HttpLookupSource::stats() const {
  LookupStats s;
  s.calls = calls_.load();
  s.answers = answers_.load();
  s.failures = failures_.load();
  s.retries = retries_.load();
  s.short_circuited = short_circuited_.load();
  s.breaker_opens = breaker_.opens();
  s.breaker = breaker_.state();
  return s;
}

void HttpLookupSource::WorkerLoop() {
  std::unique_ptr<CURL, CurlHandleDeleter> curl(curl_easy_init());
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &HttpLookupSource::HasWorkOrStopping));
      if (stopping_) return;
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    RunTask(curl.get(), task);
    absl::MutexLock call_lock(&task.call->mu);
    --task.call->pending;  // Lookup() awaits zero
  }
}

void HttpLookupSource::RunTask(void* curl, const Task& task) {
  Call& call = *task.call;
  std::span<const std::string> numbers(call.numbers.data() + task.begin,
                                       task.end - task.begin);
  const std::string body = EncodeLookupRequest(numbers);
  bool sent = false;  // whether any request went out for these numbers
  for (int attempt = 0;; ++attempt) {
    if (abort_) return;
    std::optional<absl::Time> slot = limiter_.Reserve(call.deadline);
    if (!slot) break;  // no slot before the deadline
    if (*slot > clock_.Now()) Sleep(*slot - clock_.Now());
    if (clock_.Now() >= call.deadline || !breaker_.Allow()) break;

    sent = true;
    ++calls_;
    if (attempt > 0) ++retries_;
    Attempt result = Post(curl, body, call.deadline);
    if (result.kind == Attempt::kAnswered) {
      auto answers = ParseLookupResults(result.body, numbers);
      if (answers.ok()) {
        breaker_.OnSuccess();
        int64_t answered = 0;
        absl::MutexLock lock(&call.mu);
        for (size_t i = 0; i < answers->size(); ++i) {
          if (!(*answers)[i]) continue;
          call.answers[task.begin + i] = std::move((*answers)[i]);
          ++answered;
        }
        answers_ += answered;
        return;
      }
      // A bridge that sends garbage will send it again: not retried.
      result.kind = Attempt::kFatal;
    }
    if (result.kind == Attempt::kCutShort) {
      breaker_.OnNeutral();
      return;
    }
    ++failures_;
    if (result.http_status == 429) {
      breaker_.OnNeutral();  // the source is up, only busy
    } else {
      breaker_.OnFailure();
    }
    if (result.kind == Attempt::kFatal || attempt >= options_.retries) return;

    absl::Duration wait;
    if (result.retry_after) {
      // Every worker holds back, not just this one: the provider asked the
      // whole client to slow down.
      wait = *result.retry_after;
      limiter_.PauseUntil(clock_.Now() + wait);
    } else {
      wait = FullJitterBackoff(attempt, options_.backoff_base,
                               options_.backoff_max, Uniform01());
    }
    if (clock_.Now() + wait >= call.deadline) return;  // pointless to wait
    Sleep(wait);
  }
  if (!sent) short_circuited_ += static_cast<int64_t>(numbers.size());
}

HttpLookupSource::Attempt HttpLookupSource::Post(void* handle,
                                                 const std::string& body,
                                                 absl::Time deadline) {
  Attempt result;
  CURL* curl = static_cast<CURL*>(handle);
  if (curl == nullptr) {
    result.kind = Attempt::kFatal;
    return result;
  }
  const absl::Duration left = deadline - clock_.Now();
  const absl::Duration configured = absl::Milliseconds(options_.timeout_ms);
  const bool clipped = left < configured;
  const long timeout_ms =
      std::max<long>(1, absl::ToInt64Milliseconds(std::min(left, configured)));

  Transfer transfer;
  transfer.max_body = options_.max_response_bytes;
  transfer.abort = &abort_;
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  curl_slist* list = nullptr;
  list = curl_slist_append(list, "Content-Type: application/json");
  list = curl_slist_append(list, "Accept: application/json");
  list = curl_slist_append(list, "Expect:");  // no 100-continue round trip
  if (!authorization_.empty()) {
    list = curl_slist_append(list, authorization_.c_str());
  }
  headers.reset(list);

  // Options left from the previous request on this handle are reset here;
  // the connection cache survives curl_easy_reset, keeping keep-alive.
  curl_easy_reset(curl);
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_POST, 1L);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                   static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);

  CURLcode rc = curl_easy_perform(curl);
  if (rc == CURLE_OPERATION_TIMEDOUT) {
    result.kind = clipped ? Attempt::kCutShort : Attempt::kRetryable;
    return result;
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK) {
    result.kind = Attempt::kCutShort;  // shutting down
    return result;
  }
  if (rc != CURLE_OK) {
    result.kind = transfer.too_large ? Attempt::kFatal : Attempt::kRetryable;
    return result;
  }
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &result.http_status);
  if (result.http_status == 200) {
    result.kind = Attempt::kAnswered;
    result.body = std::move(transfer.body);
  } else if (result.http_status == 429) {
    result.kind = Attempt::kRetryable;
    if (transfer.retry_after_seconds) {
      result.retry_after =
          std::min(absl::Seconds(*transfer.retry_after_seconds),
                   options_.max_retry_after);
    }
  } else if (result.http_status >= 500 && result.http_status <= 599) {
    result.kind = Attempt::kRetryable;
  } else {
    result.kind = Attempt::kFatal;
  }
  return result;
}

void HttpLookupSource::Sleep(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return;
  if (hooks_.sleep) {
    hooks_.sleep(d);
    return;
  }
  absl::MutexLock lock(&mu_);
  mu_.AwaitWithTimeout(absl::Condition(&stopping_), d);
}

double HttpLookupSource::Uniform01() {
  absl::MutexLock lock(&rng_mu_);
  return uniform01_();
}

}  // namespace phonebulk::lookup
