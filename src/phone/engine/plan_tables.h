#ifndef PHONEBULK_PHONE_ENGINE_PLAN_TABLES_H_
#define PHONEBULK_PHONE_ENGINE_PLAN_TABLES_H_

// The layout of the tables the metadata compiler (metadata_compiler.cc)
// generates into the build directory and the engine (engine.cc) walks.
// Internal to src/phone/engine: callers use engine.h. Everything here is
// constant data, so reading it from any number of threads is safe.

#include <cstdint>

namespace phonebulk::phone::engine::internal {

// One digit automaton, a slice of kTransitions: row r of the automaton
// (10 entries, one per digit) starts at kTransitions[offset + 10 * r].
// An entry is the next row number, with kAcceptBit set when that row
// accepts. Row 0 is the dead state (all entries 0), so a walk can stop at
// the first 0. `start` is the start row, with kAcceptBit when the empty
// string is in the language; start 0 means the language is empty.
struct Dfa {
  uint32_t offset;
  uint16_t start;
};
inline constexpr uint16_t kAcceptBit = 0x8000;
inline constexpr uint16_t kRowMask = 0x7FFF;

// Possible lengths as a bit set: bit n for length n (all are 1..30).
// kAnyLength stands for an absent list, which libphonenumber's
// IsNumberMatchingDesc reads as "do not check the length"; bit 31 is set
// only there, so lengths of 31 and more are tested against bit 31.
inline constexpr uint32_t kAnyLength = 0xFFFFFFFFu;

// One PhoneNumberDesc: its possible lengths and its national number
// pattern. An absent pattern is the empty language (libphonenumber's
// RegexBasedMatcher answers false for it).
struct Desc {
  uint32_t lengths;
  Dfa pattern;
};

// The descs of a PhoneMetadata, in this order (the index of Plan::desc).
enum DescIndex : uint8_t {
  kGeneral = 0,
  kFixedLine,
  kMobile,
  kTollFree,
  kPremiumRate,
  kSharedCost,
  kPersonalNumber,
  kVoip,
  kPager,
  kUan,
  kVoicemail,
  kDescCount,
};

// One PhoneMetadata: a region, or a non-geographical entity ("001").
struct Plan {
  char region[4];  // "GB", "001"; NUL-terminated
  uint16_t calling_code;
  bool main_country_for_code;
  bool same_mobile_and_fixed_line_pattern;
  bool has_leading_digits;
  uint32_t local_only_lengths;  // general desc's possible_length_local_only
  Dfa leading_digits;           // meaningful when has_leading_digits
  Desc desc[kDescCount];
};

// The plans of one calling code, in libphonenumber's order (the main
// country first, then the others in metadata order): indices
// kCallingCodePlans[first .. first + count).
struct CallingCodeSlot {
  uint16_t first;
  uint16_t count;
};
inline constexpr int kCallingCodeLimit = 1000;  // codes are 1..999

// Generated (metadata_compiler.cc). kPlans is sorted by region code, so
// geographic regions can be found by binary search ("001" sorts first).
extern const uint16_t kTransitions[];
extern const Plan kPlans[];
extern const uint32_t kPlanCount;
extern const uint16_t kCallingCodePlans[];
extern const CallingCodeSlot kCallingCodes[kCallingCodeLimit];
// Size and 64-bit FNV-1a hash of the serialized metadata the tables were
// compiled from, so a test (and a caller who cares) can check that the
// libphonenumber loaded at run time carries the same metadata.
extern const uint64_t kMetadataBytes;
extern const uint64_t kMetadataFingerprint;

}  // namespace phonebulk::phone::engine::internal

#endif  // PHONEBULK_PHONE_ENGINE_PLAN_TABLES_H_
