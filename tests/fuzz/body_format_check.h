#ifndef PHONEBULK_TESTS_FUZZ_BODY_FORMAT_CHECK_H_
#define PHONEBULK_TESTS_FUZZ_BODY_FORMAT_CHECK_H_

#include <string_view>

#include "api/body_formats.h"
#include "create_request_check.h"

namespace phonebulk::fuzz {

// Runs a real-time request `body` in `format` (XML or MessagePack) through
// the server's path: api::XmlToJson / api::MsgpackToJson, then
// batch::ParseValidateRequest. Checks what must hold for any input: an
// accepted request has a non-empty number and cache_value_days 0..30, and
// its document gives well-formed XML; any document a body became
// round-trips through MessagePack exactly; a rejection is InvalidArgument with
// a non-empty, printable message. Shared by the libFuzzer targets and the
// corpus replay test, so both judge an input the same way.
CheckResult CheckValidateBody(api::BodyFormat format, std::string_view body);

}  // namespace phonebulk::fuzz

#endif  // PHONEBULK_TESTS_FUZZ_BODY_FORMAT_CHECK_H_
