#ifndef PHONEBULK_COMMON_VERSION_H_
#define PHONEBULK_COMMON_VERSION_H_

#include <string>
#include <string_view>

namespace phonebulk {

// The project's version, "x.y.z", from project(... VERSION) in the
// top-level CMakeLists.txt (a header generated at configure time).
std::string_view Version();

// The Debian version of the libphonenumber package this binary was built
// against (e.g. "8.12.57+ds-3"), recorded at configure time; empty when
// unknown (not built on Debian).
std::string_view LibphonenumberVersion();

// What `phonebulk --version` prints: "phonebulk x.y.z" and, when known, a
// second line "libphonenumber VERSION".
std::string VersionText();

}  // namespace phonebulk

#endif  // PHONEBULK_COMMON_VERSION_H_
