// Parsing: the compiled engine's Parse (src/phone/engine/parse.h, issue 13)
// against libphonenumber's PhoneNumberUtil::Parse, in the same run, on the
// same inputs: the benchmark corpus's mix as Parse receives it from
// phone::Validator (engine::CorpusLikeInputs: bench/corpus/corpus_gen.cc's
// forms and shares, rows without a country read as international, blank
// and over-long rows left out), 100,000 rows from a fixed seed.
//
//   BM_LibphonenumberParse  PhoneNumberUtil::Parse on every input.
//   BM_EngineParse          engine::Parse on every input, out-of-scope
//                           answers included as they come (no fallback).
//   BM_EngineParseFallback  engine::Parse, and libphonenumber's Parse for
//                           the inputs the engine declares out of scope:
//                           what a caller pays for every answer.
//
// Before timing, every in-scope engine answer is checked against the
// library's (a benchmark of two different answers would be meaningless),
// and the out-of-scope share is printed. One iteration is one pass over
// all inputs; with 2 threads, thread t takes inputs t, t+2, ...
// items_per_second is inputs/s of all threads together (real time).
//
//   parse_benchmark [--benchmark_repetitions=5] [benchmark flags]

#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "phone/engine/parse.h"
#include "phone/engine/parse_inputs.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::bench {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;
using phone::engine::ParsedNumber;
using phone::engine::ParseInput;

constexpr int kRows = 100'000;
constexpr uint64_t kSeed = 1;

struct Inputs {
  std::vector<ParseInput> rows;
  std::vector<std::string> regions;  // "ZZ" for none, as the library wants
};
// Filled in main() before any benchmark thread starts, read-only after.
const Inputs* g_inputs = nullptr;

void BM_LibphonenumberParse(benchmark::State& state) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Inputs& in = *g_inputs;
  PhoneNumber number;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.rows.size();
         i += state.threads()) {
      benchmark::DoNotOptimize(
          util.Parse(in.rows[i].text, in.regions[i], &number));
    }
  }
  state.SetItemsProcessed(state.iterations() * in.rows.size() /
                          state.threads());
}
BENCHMARK(BM_LibphonenumberParse)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EngineParse(benchmark::State& state) {
  const Inputs& in = *g_inputs;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.rows.size();
         i += state.threads()) {
      benchmark::DoNotOptimize(
          phone::engine::Parse(in.rows[i].text, in.rows[i].region));
    }
  }
  state.SetItemsProcessed(state.iterations() * in.rows.size() /
                          state.threads());
}
BENCHMARK(BM_EngineParse)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EngineParseFallback(benchmark::State& state) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Inputs& in = *g_inputs;
  PhoneNumber number;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.rows.size();
         i += state.threads()) {
      const ParsedNumber parsed =
          phone::engine::Parse(in.rows[i].text, in.rows[i].region);
      if (parsed.outcome == ParsedNumber::Outcome::kOutOfScope) {
        benchmark::DoNotOptimize(
            util.Parse(in.rows[i].text, in.regions[i], &number));
      }
      benchmark::DoNotOptimize(parsed);
    }
  }
  state.SetItemsProcessed(state.iterations() * in.rows.size() /
                          state.threads());
}
BENCHMARK(BM_EngineParseFallback)
    ->ThreadRange(1, 2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// 0 when every in-scope engine answer is the library's; prints the share.
int CheckAnswers(const Inputs& in) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  int out_of_scope = 0;
  for (size_t i = 0; i < in.rows.size(); ++i) {
    const ParsedNumber p =
        phone::engine::Parse(in.rows[i].text, in.rows[i].region);
    if (p.outcome == ParsedNumber::Outcome::kOutOfScope) {
      ++out_of_scope;
      continue;
    }
    PhoneNumber number;
    const int error = util.Parse(in.rows[i].text, in.regions[i], &number);
    const bool same =
        p.outcome == ParsedNumber::Outcome::kError
            ? error == static_cast<int>(p.error)
            : error == PhoneNumberUtil::NO_PARSING_ERROR &&
                  number.country_code() == p.calling_code &&
                  number.national_number() == p.national_number &&
                  number.italian_leading_zero() == p.italian_leading_zero &&
                  number.number_of_leading_zeros() ==
                      p.number_of_leading_zeros &&
                  number.extension() == p.extension();
    if (!same) {
      std::fprintf(stderr, "parse_benchmark: \"%s\" (%s): answers differ\n",
                   in.rows[i].text.c_str(), in.regions[i].c_str());
      return 1;
    }
  }
  std::fprintf(stderr,
               "parse_benchmark: %zu inputs, %d out of scope (%.2f%%), "
               "in-scope answers identical\n",
               in.rows.size(), out_of_scope,
               100.0 * out_of_scope / in.rows.size());
  return 0;
}

}  // namespace
}  // namespace phonebulk::bench

int main(int argc, char** argv) {
  using phonebulk::bench::Inputs;
  static Inputs inputs;
  int skipped = 0;
  inputs.rows = phonebulk::phone::engine::CorpusLikeInputs(
      phonebulk::bench::kSeed, phonebulk::bench::kRows, &skipped);
  for (const auto& row : inputs.rows) {
    inputs.regions.push_back(row.region.empty() ? "ZZ" : row.region);
  }
  if (phonebulk::bench::CheckAnswers(inputs) != 0) return 1;
  phonebulk::bench::g_inputs = &inputs;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
