#include "batch/config_cache.h"

#include <algorithm>

namespace phonebulk::batch {

absl::StatusOr<std::shared_ptr<const BatchConfig>> StoredConfigCache::Parse(
    std::string_view json) {
  auto hit = std::find_if(entries_.begin(), entries_.end(),
                          [&](const auto& e) { return e.first == json; });
  if (hit != entries_.end()) {
    std::rotate(entries_.begin(), hit, hit + 1);
    return entries_.front().second;
  }
  absl::StatusOr<BatchConfig> parsed = ParseStoredConfig(json);
  if (!parsed.ok()) return parsed.status();
  auto config = std::make_shared<const BatchConfig>(*std::move(parsed));
  if (capacity_ == 0) return config;
  if (entries_.size() >= capacity_) entries_.pop_back();
  entries_.emplace(entries_.begin(), std::string(json), config);
  return config;
}

}  // namespace phonebulk::batch
