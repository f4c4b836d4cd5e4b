// Replays the committed XML and MessagePack seed corpora through the fuzz
// targets' checks in every normal and sanitizer build (no clang needed).
// Files named ok_* must be accepted and err_* rejected; any other name (a
// fuzzer-found input) only has to keep the invariants.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "body_format_check.h"

namespace phonebulk::fuzz {
namespace {

void Replay(const std::filesystem::path& dir, api::BodyFormat format) {
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const std::string name = entry.path().filename().string();
    std::ifstream in(entry.path(), std::ios::binary);
    ASSERT_TRUE(in) << name;
    const std::string body((std::istreambuf_iterator<char>(in)),
                           std::istreambuf_iterator<char>());
    const CheckResult result = CheckValidateBody(format, body);
    EXPECT_EQ(result.problem, "") << name;
    if (name.rfind("ok_", 0) == 0) {
      EXPECT_TRUE(result.accepted) << name;
    } else if (name.rfind("err_", 0) == 0) {
      EXPECT_FALSE(result.accepted) << name;
    }
    ++files;
  }
  // Guards against a wrong path making this test pass on nothing.
  EXPECT_GE(files, 8) << dir;
}

TEST(BodyFormatCorpusTest, ReplaysEveryXmlFile) {
  Replay(PHONEBULK_XML_CORPUS_DIR, api::BodyFormat::kXml);
}

TEST(BodyFormatCorpusTest, ReplaysEveryMsgpackFile) {
  Replay(PHONEBULK_MSGPACK_CORPUS_DIR, api::BodyFormat::kMsgpack);
}

}  // namespace
}  // namespace phonebulk::fuzz
