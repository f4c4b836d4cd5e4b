#include "corpus/corpus.h"

#include <fstream>

#include "absl/strings/str_cat.h"

namespace phonebulk::bench {

absl::StatusOr<std::vector<CorpusRow>> LoadCorpus(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::vector<CorpusRow> rows;
  std::string line;
  for (int line_no = 1; std::getline(in, line); ++line_no) {
    size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":", line_no, ": no tab"));
    }
    rows.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  if (rows.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(path, ": empty corpus"));
  }
  return rows;
}

}  // namespace phonebulk::bench
