// Type classification: the compiled engine (src/phone/engine, issue 13)
// against libphonenumber's GetNumberType, in the same run, on the same
// pre-parsed numbers.
//
//   BM_LibphonenumberType  PhoneNumberUtil::GetNumberType(PhoneNumber): the
//                 library's region choice, NSN string and ICU pattern
//                 matches.
//   BM_EngineType engine::GetNumberType(calling code, NSN digits): the same
//                 answer from the compiled tables (engine_diff_test checks
//                 it is the same).
//
// The numbers: libphonenumber's example number of every region and type
// (and of every non-geographical entity) with their last three digits
// replaced by seeded random ones, 100,000 in all: a mix of valid numbers of
// every type and invalid ones, like bench/corpus without the text forms
// (parsing is not what is measured here). Both sides get the numbers
// already parsed: the library a PhoneNumber, the engine the calling code and
// the national significant number, extracted before timing. Before timing,
// the two are checked to agree on every number.
//
// One iteration is one pass over all numbers; with 2 threads, thread t
// takes numbers t, t+2, ..., so both thread counts do the same work.
// items_per_second is numbers/s of all threads together (real time).
//
//   engine_benchmark [--benchmark_repetitions=5] [benchmark flags]

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "phone/engine/engine.h"
#include "phone/engine/engine_testing.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::bench {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

constexpr int kNumbers = 100'000;
constexpr uint64_t kSeed = 1;

struct Inputs {
  std::vector<PhoneNumber> numbers;  // for libphonenumber
  std::vector<int> calling_codes;    // for the engine ...
  std::vector<std::string> nsns;     // ... with the NSN digits
};
// Filled in main() before any benchmark thread starts, read-only after.
const Inputs* g_inputs = nullptr;

// The example numbers of every region and type, and of every
// non-geographical entity.
std::vector<PhoneNumber> Examples(const PhoneNumberUtil& util) {
  std::vector<PhoneNumber> examples;
  std::set<std::string> regions;
  util.GetSupportedRegions(&regions);
  for (const std::string& region : regions) {
    for (int type = PhoneNumberUtil::FIXED_LINE;
         type <= PhoneNumberUtil::VOICEMAIL; ++type) {
      PhoneNumber number;
      if (util.GetExampleNumberForType(
              region, static_cast<PhoneNumberUtil::PhoneNumberType>(type),
              &number)) {
        examples.push_back(number);
      }
    }
  }
  std::set<int> codes;
  util.GetSupportedGlobalNetworkCallingCodes(&codes);
  for (int code : codes) {
    PhoneNumber number;
    if (util.GetExampleNumberForNonGeoEntity(code, &number)) {
      examples.push_back(number);
    }
  }
  return examples;
}

Inputs MakeInputs(const PhoneNumberUtil& util) {
  const std::vector<PhoneNumber> examples = Examples(util);
  Inputs in;
  uint64_t state = kSeed;
  auto next_digit = [&state] {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return char('0' + (state >> 33) % 10);
  };
  for (int i = 0; i < kNumbers; ++i) {
    const PhoneNumber& example = examples[i % examples.size()];
    std::string nsn;
    util.GetNationalSignificantNumber(example, &nsn);
    for (size_t k = nsn.size() > 3 ? nsn.size() - 3 : 1; k < nsn.size(); ++k) {
      nsn[k] = next_digit();
    }
    in.numbers.push_back(phone::engine::test_support::NumberFromNsn(
        example.country_code(), nsn));
    in.calling_codes.push_back(example.country_code());
    in.nsns.push_back(nsn);
  }
  return in;
}

void BM_LibphonenumberType(benchmark::State& state) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Inputs& in = *g_inputs;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.numbers.size();
         i += state.threads()) {
      benchmark::DoNotOptimize(util.GetNumberType(in.numbers[i]));
    }
  }
  state.SetItemsProcessed(state.iterations() * in.numbers.size() /
                          state.threads());
}
BENCHMARK(BM_LibphonenumberType)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EngineType(benchmark::State& state) {
  const Inputs& in = *g_inputs;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.nsns.size();
         i += state.threads()) {
      benchmark::DoNotOptimize(
          phone::engine::GetNumberType(in.calling_codes[i], in.nsns[i]));
    }
  }
  state.SetItemsProcessed(state.iterations() * in.nsns.size() /
                          state.threads());
}
BENCHMARK(BM_EngineType)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace phonebulk::bench

int main(int argc, char** argv) {
  using ::i18n::phonenumbers::PhoneNumberUtil;
  using ::phonebulk::bench::Inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  static const Inputs inputs = phonebulk::bench::MakeInputs(util);
  // A benchmark of two different answers would be meaningless.
  int valid = 0;
  for (size_t i = 0; i < inputs.numbers.size(); ++i) {
    const int lib = util.GetNumberType(inputs.numbers[i]);
    const int eng = static_cast<int>(phonebulk::phone::engine::GetNumberType(
        inputs.calling_codes[i], inputs.nsns[i]));
    if (lib != eng) {
      std::fprintf(stderr,
                   "engine_benchmark: +%d %s: libphonenumber %d, "
                   "engine %d\n",
                   inputs.calling_codes[i], inputs.nsns[i].c_str(), lib, eng);
      return 1;
    }
    if (lib != PhoneNumberUtil::UNKNOWN) ++valid;
  }
  std::fprintf(stderr,
               "engine_benchmark: %zu numbers, %d valid, answers "
               "identical\n",
               inputs.numbers.size(), valid);
  phonebulk::bench::g_inputs = &inputs;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
