#ifndef PHONEBULK_LOOKUP_CACHE_H_
#define PHONEBULK_LOOKUP_CACHE_H_

#include <deque>
#include <memory>
#include <string>
#include <unordered_map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "common/clock.h"
#include "lookup/source.h"

namespace phonebulk::lookup {

// Remembers a source's answers for `ttl`, so one number is not looked up
// (and paid for at the provider) twice in a day however many batches carry
// it. Only answers are cached: a number that got none is asked again next
// time. Holds at most `max_entries`, forgetting the oldest first.
// Thread-safe.
class CachingLookupSource : public LookupSource {
 public:
  // `clock` must outlive the cache.
  CachingLookupSource(std::unique_ptr<LookupSource> inner, const Clock& clock,
                      absl::Duration ttl = absl::Hours(24),
                      size_t max_entries = 1'000'000);

  std::vector<std::optional<LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time deadline) override;
  LookupStats stats() const override { return inner_->stats(); }
  std::string_view kind() const override { return inner_->kind(); }

  int64_t hits() const;

 private:
  struct Entry {
    LookupAnswer answer;
    absl::Time stored;
  };

  std::unique_ptr<LookupSource> inner_;
  const Clock& clock_;
  const absl::Duration ttl_;
  const size_t max_entries_;

  mutable absl::Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ ABSL_GUARDED_BY(mu_);
  // Insertion order, for eviction; may name numbers already refreshed.
  std::deque<std::string> order_ ABSL_GUARDED_BY(mu_);
  int64_t hits_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace phonebulk::lookup

#endif  // PHONEBULK_LOOKUP_CACHE_H_
