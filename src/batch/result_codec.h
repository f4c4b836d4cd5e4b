#ifndef PHONEBULK_BATCH_RESULT_CODEC_H_
#define PHONEBULK_BATCH_RESULT_CODEC_H_

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "phone/types.h"

namespace phonebulk::batch {

// The stored form of a processed phone's result: every stored field of the
// result schema (model/result_schema.h) under its short storage key, and
// nothing else. The store keeps it as an opaque blob, so adding a field
// needs no schema migration; unknown keys are ignored when decoding and
// missing ones keep their defaults, so old rows stay readable.
//
// Two layouts, told apart by the first byte:
//  - binary (written since issue 13): kBinaryResultVersion, then one entry
//    per stored non-empty field: key length (1 byte), key, value length
//    (LEB128 varint), value. A validity flag is one byte, 0 or 1. No
//    escaping and no parser: decoding is a walk over length-prefixed
//    fields, where JSON needed a DOM and a reader (the largest cost of our
//    own code on a results fetch, bench/README.md).
//  - JSON (every earlier release): `{"v":"...","ok":true,...}`. Still read,
//    never written; rows stored by earlier versions (or copied from a
//    database they wrote) decode as before.
inline constexpr char kBinaryResultVersion = '\x01';

std::string EncodeResult(const phone::PhoneResult& result);
absl::StatusOr<phone::PhoneResult> DecodeResult(std::string_view blob);

// The JSON layout of earlier releases, for tests that must keep reading
// rows written by them.
std::string EncodeResultAsJsonForTesting(const phone::PhoneResult& result);

}  // namespace phonebulk::batch

#endif  // PHONEBULK_BATCH_RESULT_CODEC_H_
