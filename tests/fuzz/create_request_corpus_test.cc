// Replays the committed fuzz corpus through the fuzz target's checks, so
// that every normal and sanitizer build re-runs the inputs that once found
// (or were chosen to probe) a problem, without needing clang or libFuzzer.
// Files named ok_* must be accepted and err_* rejected; any other name (a
// fuzzer-found input) only has to keep the invariants.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "create_request_check.h"

namespace phonebulk::fuzz {
namespace {

TEST(CreateRequestCorpusTest, ReplaysEveryFile) {
  const std::filesystem::path dir = PHONEBULK_FUZZ_CORPUS_DIR;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    ASSERT_TRUE(in) << name;
    const std::string body((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
    const CheckResult result = CheckCreateRequest(body);
    EXPECT_EQ(result.problem, "") << name;
    if (name.rfind("ok_", 0) == 0) {
      EXPECT_TRUE(result.accepted) << name;
    } else if (name.rfind("err_", 0) == 0) {
      EXPECT_FALSE(result.accepted) << name;
    }
    ++files;
  }
  // Guards against a wrong path making this test pass on nothing.
  EXPECT_GE(files, 20) << dir;
}

}  // namespace
}  // namespace phonebulk::fuzz
