// Formatting: the compiled engine's formatter (src/phone/engine/format.h,
// issue 13) against libphonenumber's PhoneNumberUtil::Format, in the same
// run, on the same pre-parsed numbers.
//
//   BM_LibphonenumberFormat/style  Format(PhoneNumber, style, &string): the
//                 library's region choice, NSN string, and for NATIONAL its
//                 format-rule choice and ICU replaceAll.
//   BM_EngineFormat/style  engine::Format(calling code, NSN digits, style,
//                 &buffer): the same text from the compiled tables
//                 (engine_format_test checks it is the same).
//   style: 0 = E164, 2 = NATIONAL (PhoneNumberUtil::PhoneNumberFormat).
//
// The numbers are engine_benchmark's: libphonenumber's example number of
// every region and type (and of every non-geographical entity) with their
// last three digits replaced by seeded random ones, 100,000 in all. Before
// timing, the two sides are checked to give identical text on every number
// in both styles, and the engine's out-of-scope answers are counted (none
// today; any would be a failure here, since the comparison would then be
// of different work).
//
// One iteration is one pass over all numbers; with 2 threads, thread t
// takes numbers t, t+2, ..., so both thread counts do the same work.
// items_per_second is numbers/s of all threads together (real time).
//
//   engine_format_benchmark [--benchmark_repetitions=5] [benchmark flags]

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <set>
#include <string>
#include <vector>

#include "phone/engine/engine_testing.h"
#include "phone/engine/format.h"
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

void BM_LibphonenumberFormat(benchmark::State& state) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const auto style =
      static_cast<PhoneNumberUtil::PhoneNumberFormat>(state.range(0));
  const Inputs& in = *g_inputs;
  std::string text;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.numbers.size();
         i += state.threads()) {
      util.Format(in.numbers[i], style, &text);
      benchmark::DoNotOptimize(text.data());
    }
  }
  state.SetItemsProcessed(state.iterations() * in.numbers.size() /
                          state.threads());
}
BENCHMARK(BM_LibphonenumberFormat)
    ->Arg(PhoneNumberUtil::E164)
    ->Arg(PhoneNumberUtil::NATIONAL)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EngineFormat(benchmark::State& state) {
  const auto style = static_cast<phone::engine::FormatStyle>(state.range(0));
  const Inputs& in = *g_inputs;
  phone::engine::FormattedNumber text;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.nsns.size();
         i += state.threads()) {
      benchmark::DoNotOptimize(
          phone::engine::Format(in.calling_codes[i], in.nsns[i], style, &text));
      benchmark::DoNotOptimize(text);
    }
  }
  state.SetItemsProcessed(state.iterations() * in.nsns.size() /
                          state.threads());
}
BENCHMARK(BM_EngineFormat)
    ->Arg(PhoneNumberUtil::E164)
    ->Arg(PhoneNumberUtil::NATIONAL)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Same text from both on every number in both styles; prints the counts.
bool Agree(const PhoneNumberUtil& util, const Inputs& in) {
  int out_of_scope = 0;
  for (auto style : {PhoneNumberUtil::E164, PhoneNumberUtil::NATIONAL}) {
    for (size_t i = 0; i < in.numbers.size(); ++i) {
      std::string lib;
      util.Format(in.numbers[i], style, &lib);
      phone::engine::FormattedNumber eng;
      if (phone::engine::Format(in.calling_codes[i], in.nsns[i],
                                static_cast<phone::engine::FormatStyle>(style),
                                &eng) != phone::engine::FormatStatus::kOk) {
        ++out_of_scope;
        continue;
      }
      if (eng.view() != lib) {
        std::fprintf(stderr,
                     "engine_format_benchmark: +%d %s style %d: "
                     "libphonenumber \"%s\", engine \"%.*s\"\n",
                     in.calling_codes[i], in.nsns[i].c_str(), int(style),
                     lib.c_str(), int(eng.size()), eng.view().data());
        return false;
      }
    }
  }
  std::fprintf(stderr,
               "engine_format_benchmark: %zu numbers, texts "
               "identical in E164 and NATIONAL, %d answers out of scope\n",
               in.numbers.size(), out_of_scope);
  return out_of_scope == 0;
}

}  // namespace
}  // namespace phonebulk::bench

int main(int argc, char** argv) {
  using ::i18n::phonenumbers::PhoneNumberUtil;
  using ::phonebulk::bench::Inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  static const Inputs inputs = phonebulk::bench::MakeInputs(util);
  if (!phonebulk::bench::Agree(util, inputs)) return 1;
  phonebulk::bench::g_inputs = &inputs;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
