#ifndef PHONEBULK_BATCH_CONFIG_CACHE_H_
#define PHONEBULK_BATCH_CONFIG_CACHE_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "batch/config.h"

namespace phonebulk::batch {

// The last few stored configs one worker has parsed, so that a worker parses
// a batch's config once rather than once per chunk. Keyed by the stored text
// itself, which makes it a pure memo of ParseStoredConfig: it can never hand
// out a stale config or another batch's. Failures are not remembered.
//
// Not thread-safe: one per worker thread.
class StoredConfigCache {
 public:
  explicit StoredConfigCache(size_t capacity = 8) : capacity_(capacity) {}

  // ParseStoredConfig(json), from memory when `json` was parsed recently.
  absl::StatusOr<std::shared_ptr<const BatchConfig>> Parse(
      std::string_view json);

 private:
  size_t capacity_;
  // Most recently used first; a handful of entries, so a linear search.
  std::vector<std::pair<std::string, std::shared_ptr<const BatchConfig>>>
      entries_;
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_CONFIG_CACHE_H_
