#ifndef PHONEBULK_BENCH_CORPUS_CORPUS_H_
#define PHONEBULK_BENCH_CORPUS_CORPUS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace phonebulk::bench {

// One input of the benchmark corpus: what a client would put in a Bulk API
// phone item.
struct CorpusRow {
  std::string number;
  std::string country_iso;  // ISO 3166 alpha-3, or empty
};

// Reads a corpus written by phonebulk_corpus: one "number<TAB>country_iso"
// per line (the country may be empty; numbers never hold a tab or newline).
// NotFound when the file cannot be opened, InvalidArgument on a line without
// a tab or an empty file. Thread-compatible (plain function, no state).
absl::StatusOr<std::vector<CorpusRow>> LoadCorpus(const std::string& path);

}  // namespace phonebulk::bench

#endif  // PHONEBULK_BENCH_CORPUS_CORPUS_H_
