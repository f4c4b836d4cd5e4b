#ifndef PHONEBULK_TESTS_FUZZ_CREATE_REQUEST_CHECK_H_
#define PHONEBULK_TESTS_FUZZ_CREATE_REQUEST_CHECK_H_

#include <string>
#include <string_view>

namespace phonebulk::fuzz {

struct CheckResult {
  bool accepted = false;  // ParseCreateBatchRequest succeeded
  std::string problem;    // the first broken invariant; empty when none
};

// Runs ParseCreateBatchRequest on `body` with Countries::Default() and
// checks what must hold for any input: an accepted request has 1..10,000
// phones, well-formed codes and a config that survives storage; a rejection
// is InvalidArgument with a non-empty, printable UTF-8 message. This is the
// body of the libFuzzer entry point, shared with the corpus replay test so
// that both judge an input the same way.
CheckResult CheckCreateRequest(std::string_view body);

}  // namespace phonebulk::fuzz

#endif  // PHONEBULK_TESTS_FUZZ_CREATE_REQUEST_CHECK_H_
