#ifndef PHONEBULK_TESTS_INTEGRATION_HARNESS_INTERNAL_H_
#define PHONEBULK_TESTS_INTEGRATION_HARNESS_INTERNAL_H_

// Small string and deadline helpers shared by the harness's .cc files.
// Not for tests.

#include <algorithm>
#include <cctype>
#include <chrono>
#include <string>
#include <string_view>

#include "harness.h"

namespace phonebulk::it::internal {

inline std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

inline std::string Trim(std::string_view s) {
  size_t b = 0, e = s.size();
  while (b < e && std::isspace(static_cast<unsigned char>(s[b]))) ++b;
  while (e > b && std::isspace(static_cast<unsigned char>(s[e - 1]))) --e;
  return std::string(s.substr(b, e - b));
}

inline std::string Truncate(const std::string& s, size_t n = 2000) {
  if (s.size() <= n) return s;
  return s.substr(0, n) + "...[" + std::to_string(s.size() - n) + " more bytes]";
}

inline int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left < 0 ? 0 : static_cast<int>(left);
}

}  // namespace phonebulk::it::internal

#endif  // PHONEBULK_TESTS_INTEGRATION_HARNESS_INTERNAL_H_
