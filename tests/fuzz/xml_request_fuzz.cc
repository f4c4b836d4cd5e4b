// libFuzzer target for the real-time endpoint's XML request bodies: the
// library parse, the mapping onto JSON and the request parser behind it
// (body_format_check.h). Run it with scripts/fuzz.sh.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "body_format_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  phonebulk::fuzz::CheckResult result = phonebulk::fuzz::CheckValidateBody(
      phonebulk::api::BodyFormat::kXml,
      std::string_view(reinterpret_cast<const char*>(data), size));
  if (!result.problem.empty()) {
    std::fprintf(stderr, "xml_request invariant broken: %s\n",
                 result.problem.c_str());
    std::abort();  // libFuzzer saves the input as a crash
  }
  return 0;
}
