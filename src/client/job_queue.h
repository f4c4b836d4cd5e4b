#ifndef PHONEBULK_CLIENT_JOB_QUEUE_H_
#define PHONEBULK_CLIENT_JOB_QUEUE_H_

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"

namespace phonebulk::client {

// One batch's numbers on their way to a worker.
struct Job {
  int index = 0;
  std::vector<std::pair<std::string, std::string>> phones;  // number, iso
};

// A bounded hand-off from the reader to the workers: the reader blocks when
// `capacity` jobs wait, which bounds memory. Thread-safe.
class JobQueue {
 public:
  explicit JobQueue(size_t capacity) : capacity_(capacity) {}
  // False if the queue was closed (the job is dropped).
  bool Push(Job job) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return jobs_.size() < capacity_ || closed_; });
    if (closed_) return false;
    jobs_.push_back(std::move(job));
    cv_.notify_all();
    return true;
  }
  // Nullopt when closed and drained.
  std::optional<Job> Pop() {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait(lock, [&] { return !jobs_.empty() || closed_; });
    if (jobs_.empty()) return std::nullopt;
    Job j = std::move(jobs_.front());
    jobs_.pop_front();
    cv_.notify_all();
    return j;
  }
  void Close() {
    std::lock_guard<std::mutex> lock(mu_);
    closed_ = true;
    cv_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  size_t capacity_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_JOB_QUEUE_H_
