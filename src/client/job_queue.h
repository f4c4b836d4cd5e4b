#ifndef PHONEBULK_CLIENT_JOB_QUEUE_H_
#define PHONEBULK_CLIENT_JOB_QUEUE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace phonebulk::client {

// One batch's numbers on their way to a worker.
struct Job {
  int index = 0;
  std::vector<std::pair<std::string, std::string>> phones;  // number, iso
  // The input line of each phone, so that an error the server reports as
  // "phones[12]" can name the line of the CSV the user has in front of them.
  std::vector<int64_t> lines;
};

// A bounded hand-off from the reader to the workers: the reader blocks when
// `capacity` jobs wait, which bounds memory. Thread-safe.
class JobQueue {
 public:
  explicit JobQueue(size_t capacity) : capacity_(capacity) {}
  // False if the queue was closed (the job is dropped).
  bool Push(Job job) {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &JobQueue::HasRoomOrClosed));
    if (closed_) return false;
    jobs_.push_back(std::move(job));
    return true;
  }
  // Nullopt when closed and drained.
  std::optional<Job> Pop() {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &JobQueue::HasJobOrClosed));
    if (jobs_.empty()) return std::nullopt;
    Job j = std::move(jobs_.front());
    jobs_.pop_front();
    return j;
  }
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

 private:
  // Await() conditions: absl::Mutex re-checks them on every unlock, so no
  // condition variable needs signalling.
  bool HasRoomOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return jobs_.size() < capacity_ || closed_;
  }
  bool HasJobOrClosed() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !jobs_.empty() || closed_;
  }

  absl::Mutex mu_;
  std::deque<Job> jobs_ ABSL_GUARDED_BY(mu_);
  size_t capacity_;
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace phonebulk::client

#endif  // PHONEBULK_CLIENT_JOB_QUEUE_H_
