#ifndef PHONEBULK_PHONE_LOAD_ONCE_H_
#define PHONEBULK_PHONE_LOAD_ONCE_H_

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace phonebulk::phone {

// The object `load()` (returning absl::StatusOr<std::unique_ptr<T>>) makes on
// the first call, thread-safely, and never frees: no destructor may run while
// other threads still look up at exit. Each call site's `load` is its own
// lambda type, so each has its own instance. Data the binary ships with
// failing to load is a build or install defect: "phonebulk: fatal:
// <prefix><message>" is printed and the process aborts.
template <typename T, typename LoadFn>
const T& LoadOnceOrDie(std::string_view prefix, LoadFn load) {
  static const T* const instance = [&] {
    absl::StatusOr<std::unique_ptr<T>> loaded = load();
    if (!loaded.ok()) {
      std::fprintf(stderr, "phonebulk: fatal: %s%s\n",
                   std::string(prefix).c_str(),
                   std::string(loaded.status().message()).c_str());
      std::abort();
    }
    return loaded->release();
  }();
  return *instance;
}

}  // namespace phonebulk::phone

#endif  // PHONEBULK_PHONE_LOAD_ONCE_H_
