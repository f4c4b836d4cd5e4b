#include "phone/engine/engine.h"

#include <algorithm>
#include <bit>

#include "phone/engine/plan_tables.h"

namespace phonebulk::phone::engine {
namespace {

using internal::Desc;
using internal::Dfa;
using internal::kAcceptBit;
using internal::kRowMask;
using internal::Plan;

constexpr char kNonGeoRegion[] = "001";

// The bit of `length` in a possible-length set (plan_tables.h).
inline bool HasLength(uint32_t lengths, size_t length) {
  return (lengths >> (length < 31 ? length : 31)) & 1u;
}

// Full match of `digits` (ICU matches()).
inline bool Accepts(const Dfa& dfa, std::string_view digits) {
  const uint16_t* table = internal::kTransitions + dfa.offset;
  uint32_t state = dfa.start;
  for (char c : digits) {
    const unsigned digit = static_cast<unsigned char>(c) - unsigned{'0'};
    if (digit > 9) return false;
    state = table[(state & kRowMask) * 10 + digit];
    if (state == 0) return false;  // the dead row: no suffix can match
  }
  return (state & kAcceptBit) != 0;
}

// Some prefix of `digits` matches (ICU lookingAt(), RegExp::Consume).
inline bool PrefixAccepts(const Dfa& dfa, std::string_view digits) {
  const uint16_t* table = internal::kTransitions + dfa.offset;
  uint32_t state = dfa.start;
  if (state & kAcceptBit) return true;
  for (char c : digits) {
    const unsigned digit = static_cast<unsigned char>(c) - unsigned{'0'};
    if (digit > 9) return false;
    state = table[(state & kRowMask) * 10 + digit];
    if (state == 0) return false;
    if (state & kAcceptBit) return true;
  }
  return false;
}

// IsNumberMatchingDesc: the length list (when present) first, then the
// pattern.
inline bool MatchesDesc(const Desc& desc, std::string_view nsn) {
  return HasLength(desc.lengths, nsn.size()) && Accepts(desc.pattern, nsn);
}

// GetNumberTypeHelper, in its order of checks.
NumberType TypeHelper(const Plan& plan, std::string_view nsn) {
  using enum internal::DescIndex;
  if (!MatchesDesc(plan.desc[kGeneral], nsn)) return NumberType::kUnknown;
  if (MatchesDesc(plan.desc[kPremiumRate], nsn)) return NumberType::kPremiumRate;
  if (MatchesDesc(plan.desc[kTollFree], nsn)) return NumberType::kTollFree;
  if (MatchesDesc(plan.desc[kSharedCost], nsn)) return NumberType::kSharedCost;
  if (MatchesDesc(plan.desc[kVoip], nsn)) return NumberType::kVoip;
  if (MatchesDesc(plan.desc[kPersonalNumber], nsn)) {
    return NumberType::kPersonalNumber;
  }
  if (MatchesDesc(plan.desc[kPager], nsn)) return NumberType::kPager;
  if (MatchesDesc(plan.desc[kUan], nsn)) return NumberType::kUan;
  if (MatchesDesc(plan.desc[kVoicemail], nsn)) return NumberType::kVoicemail;
  if (MatchesDesc(plan.desc[kFixedLine], nsn)) {
    // The same pattern for both (a flag the metadata carries), or a number
    // in both ranges, cannot be told apart.
    if (plan.same_mobile_and_fixed_line_pattern ||
        MatchesDesc(plan.desc[kMobile], nsn)) {
      return NumberType::kFixedLineOrMobile;
    }
    return NumberType::kFixedLine;
  }
  if (!plan.same_mobile_and_fixed_line_pattern &&
      MatchesDesc(plan.desc[kMobile], nsn)) {
    return NumberType::kMobile;
  }
  return NumberType::kUnknown;
}

const Plan* PlanAt(uint16_t index) { return &internal::kPlans[index]; }

// The plans of a calling code; an empty slot for unknown codes.
internal::CallingCodeSlot SlotFor(int calling_code) {
  if (calling_code <= 0 || calling_code >= internal::kCallingCodeLimit) {
    return {0, 0};
  }
  return internal::kCallingCodes[calling_code];
}

// GetRegionCodeForNumber + GetMetadataForRegionOrCallingCode; when the
// choice already ran the type helper on the chosen plan, its answer is left
// in *type so that GetNumberType need not run it twice.
const Plan* ChoosePlan(int calling_code, std::string_view nsn,
                       NumberType* type) {
  const internal::CallingCodeSlot slot = SlotFor(calling_code);
  if (slot.count == 1) return PlanAt(internal::kCallingCodePlans[slot.first]);
  for (uint16_t i = 0; i < slot.count; ++i) {
    const Plan* plan = PlanAt(internal::kCallingCodePlans[slot.first + i]);
    if (plan->has_leading_digits) {
      if (PrefixAccepts(plan->leading_digits, nsn)) return plan;
    } else if (NumberType t = TypeHelper(*plan, nsn);
               t != NumberType::kUnknown) {
      if (type != nullptr) *type = t;
      return plan;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<NumberingPlan> NumberingPlan::ForRegion(
    std::string_view region_code) {
  if (region_code == kNonGeoRegion) return std::nullopt;
  const Plan* begin = internal::kPlans;
  const Plan* end = begin + internal::kPlanCount;
  const Plan* found = std::lower_bound(
      begin, end, region_code, [](const Plan& plan, std::string_view code) {
        return std::string_view(plan.region) < code;
      });
  if (found == end || std::string_view(found->region) != region_code) {
    return std::nullopt;
  }
  return NumberingPlan(found);
}

std::optional<NumberingPlan> NumberingPlan::ForNonGeoEntity(int calling_code) {
  const internal::CallingCodeSlot slot = SlotFor(calling_code);
  for (uint16_t i = 0; i < slot.count; ++i) {
    const Plan* plan = PlanAt(internal::kCallingCodePlans[slot.first + i]);
    if (std::string_view(plan->region) == kNonGeoRegion) {
      return NumberingPlan(plan);
    }
  }
  return std::nullopt;
}

std::optional<NumberingPlan> NumberingPlan::MainForCallingCode(
    int calling_code) {
  const internal::CallingCodeSlot slot = SlotFor(calling_code);
  if (slot.count == 0) return std::nullopt;
  return NumberingPlan(PlanAt(internal::kCallingCodePlans[slot.first]));
}

std::optional<NumberingPlan> NumberingPlan::ForNumber(int calling_code,
                                                      std::string_view nsn) {
  const Plan* plan = ChoosePlan(calling_code, nsn, nullptr);
  if (plan == nullptr) return std::nullopt;
  return NumberingPlan(plan);
}

int NumberingPlan::Count() { return static_cast<int>(internal::kPlanCount); }

NumberingPlan NumberingPlan::At(int index) {
  return NumberingPlan(&internal::kPlans[index]);
}

std::string_view NumberingPlan::region_code() const { return plan_->region; }

int NumberingPlan::calling_code() const { return plan_->calling_code; }

LengthCheck NumberingPlan::TestLength(std::string_view nsn) const {
  // TestNumberLength's order: local-only first, then the minimum, the
  // maximum and the list itself. The general list is never empty (the
  // metadata compiler refuses such metadata).
  const uint32_t lengths = plan_->desc[internal::kGeneral].lengths;
  const size_t length = nsn.size();
  if (HasLength(plan_->local_only_lengths, length)) {
    return LengthCheck::kIsPossibleLocalOnly;
  }
  const size_t min = static_cast<size_t>(std::countr_zero(lengths));
  const size_t max = static_cast<size_t>(31 - std::countl_zero(lengths));
  if (length == min) return LengthCheck::kIsPossible;
  if (length < min) return LengthCheck::kTooShort;
  if (length > max) return LengthCheck::kTooLong;
  return HasLength(lengths, length) ? LengthCheck::kIsPossible
                                    : LengthCheck::kInvalidLength;
}

NumberType NumberingPlan::Type(std::string_view nsn) const {
  return TypeHelper(*plan_, nsn);
}

bool NumberingPlan::IsValid(std::string_view nsn) const {
  return TypeHelper(*plan_, nsn) != NumberType::kUnknown;
}

NumberType GetNumberType(int calling_code, std::string_view nsn) {
  NumberType type = NumberType::kUnknown;
  const Plan* plan = ChoosePlan(calling_code, nsn, &type);
  if (plan == nullptr) return NumberType::kUnknown;
  if (type != NumberType::kUnknown) return type;
  return TypeHelper(*plan, nsn);
}

bool IsValidNumber(int calling_code, std::string_view nsn) {
  return GetNumberType(calling_code, nsn) != NumberType::kUnknown;
}

bool IsValidNumberForRegion(int calling_code, std::string_view nsn,
                            std::string_view region_code) {
  std::optional<NumberingPlan> plan =
      region_code == kNonGeoRegion
          ? NumberingPlan::ForNonGeoEntity(calling_code)
          : NumberingPlan::ForRegion(region_code);
  // Unknown region, or a number of another calling code.
  if (!plan || plan->calling_code() != calling_code) return false;
  return plan->IsValid(nsn);
}

LengthCheck IsPossibleNumberWithReason(int calling_code,
                                       std::string_view nsn) {
  std::optional<NumberingPlan> plan =
      NumberingPlan::MainForCallingCode(calling_code);
  if (!plan) return LengthCheck::kInvalidCountryCode;
  return plan->TestLength(nsn);
}

uint64_t CompiledMetadataBytes() { return internal::kMetadataBytes; }

uint64_t CompiledMetadataFingerprint() {
  return internal::kMetadataFingerprint;
}

}  // namespace phonebulk::phone::engine
