#ifndef PHONEBULK_BATCH_PORTING_SOURCE_H_
#define PHONEBULK_BATCH_PORTING_SOURCE_H_

#include <atomic>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "lookup/source.h"
#include "store/porting_store.h"

namespace phonebulk::batch {

// The operator's number-portability file (`phonebulk porting import`) as a
// lookup source: a number the file lists is answered like a live source
// would answer it (ported, its current operator and network, the port
// date; live status unknown), a number it does not list gets no answer, as
// a live source that covers only some ranges. So the pipeline treats the
// file and a live provider alike and holds no store.
//
// The file is local: Lookup() reads the store's porting role once per call
// and does not wait on `deadline`. A storage error answers nothing (logged,
// counted as a failure): porting facts are an enrichment, and the offline
// answer stands without them. Thread-safe (the store is; the counters are
// atomic).
class PortingFileSource final : public lookup::LookupSource {
 public:
  // `porting` must outlive the source.
  explicit PortingFileSource(store::PortingStore& porting)
      : porting_(porting) {}

  std::vector<std::optional<lookup::LookupAnswer>> Lookup(
      std::span<const std::string> e164_digits, absl::Time deadline) override;
  // `calls`: store reads; `answers`: numbers the file listed; `failures`:
  // store reads that failed.
  lookup::LookupStats stats() const override;
  std::string_view kind() const override { return "porting_file"; }

 private:
  store::PortingStore& porting_;
  std::atomic<int64_t> calls_{0};
  std::atomic<int64_t> answers_{0};
  std::atomic<int64_t> failures_{0};
};

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_PORTING_SOURCE_H_
