#include "lookup/cache.h"

#include <utility>

namespace phonebulk::lookup {

CachingLookupSource::CachingLookupSource(std::unique_ptr<LookupSource> inner,
                                         const Clock& clock, absl::Duration ttl,
                                         size_t max_entries)
    : inner_(std::move(inner)),
      clock_(clock),
      ttl_(ttl),
      max_entries_(max_entries) {}

std::vector<std::optional<LookupAnswer>> CachingLookupSource::Lookup(
    std::span<const std::string> e164_digits, absl::Time deadline) {
  std::vector<std::optional<LookupAnswer>> out(e164_digits.size());
  std::vector<std::string> misses;
  std::vector<size_t> miss_positions;
  const absl::Time now = clock_.Now();
  {
    absl::MutexLock lock(&mu_);
    for (size_t i = 0; i < e164_digits.size(); ++i) {
      auto it = entries_.find(e164_digits[i]);
      if (it != entries_.end() && now - it->second.stored < ttl_) {
        out[i] = it->second.answer;
        ++hits_;
      } else {
        misses.push_back(e164_digits[i]);
        miss_positions.push_back(i);
      }
    }
  }
  if (misses.empty()) return out;

  std::vector<std::optional<LookupAnswer>> fresh =
      inner_->Lookup(misses, deadline);
  const absl::Time stored = clock_.Now();
  absl::MutexLock lock(&mu_);
  for (size_t k = 0; k < fresh.size() && k < misses.size(); ++k) {
    if (!fresh[k].has_value()) continue;
    out[miss_positions[k]] = fresh[k];
    auto [it, inserted] =
        entries_.insert_or_assign(misses[k], Entry{*fresh[k], stored});
    if (inserted) order_.push_back(misses[k]);
  }
  while (entries_.size() > max_entries_ && !order_.empty()) {
    entries_.erase(order_.front());
    order_.pop_front();
  }
  return out;
}

int64_t CachingLookupSource::hits() const {
  absl::MutexLock lock(&mu_);
  return hits_;
}

}  // namespace phonebulk::lookup
