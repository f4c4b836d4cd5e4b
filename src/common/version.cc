#include "common/version.h"

#include "common/build_version.h"  // generated: build/generated/common/

namespace phonebulk {

std::string_view Version() { return build::kVersion; }

std::string_view LibphonenumberVersion() {
  return build::kLibphonenumberVersion;
}

std::string VersionText() {
  std::string text = "phonebulk ";
  text += Version();
  if (!LibphonenumberVersion().empty()) {
    text += "\nlibphonenumber ";
    text += LibphonenumberVersion();
  }
  return text;
}

}  // namespace phonebulk
