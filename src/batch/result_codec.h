#ifndef PHONEBULK_BATCH_RESULT_CODEC_H_
#define PHONEBULK_BATCH_RESULT_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "phone/types.h"

namespace phonebulk::batch {

// The stored form of a processed phone's result: a small JSON object with
// the short keys of the result schema (model/result_schema.h), every stored
// field of the table and nothing else. The store keeps it as an opaque blob, so adding a field needs
// no schema migration; unknown keys are ignored when decoding and missing
// ones keep their defaults, so old rows stay readable.
std::string EncodeResult(const phone::PhoneResult& result);
absl::StatusOr<phone::PhoneResult> DecodeResult(std::string_view blob);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_RESULT_CODEC_H_
