// The whole path of one number (issue 13): text and default region in;
// parse, validity, type, E.164 and NATIONAL text out. The compiled engine
// (src/phone/engine: Parse, GetNumberType, Format) against libphonenumber
// (PhoneNumberUtil::Parse, GetNumberType, Format E164 and NATIONAL), in the
// same run, on the same inputs; on both sides validity is "type known", as
// phone::Validator reads it (one pattern walk for both answers). The
// benchmark corpus's mix as phone::Validator passes it to Parse
// (engine::CorpusLikeInputs: bench/corpus/corpus_gen.cc's forms and shares
// -- E.164 with and without '+', "00", IDD, national with the default
// region, punctuation, wrong lengths and countries, junk -- blank and
// over-long rows left out), 100,000 rows from a fixed seed.
//
//   BM_LibphonenumberPath  the library's path on every input.
//   BM_EnginePath          the engine's path on every input, and the
//                          library's for the inputs the engine cannot
//                          answer alone ("fallback": Parse or a format out
//                          of scope): what a caller pays for every answer.
//   BM_EnginePathOnly      the engine's path alone, fallback inputs skipped:
//                          the engine's own cost.
//
// Counters: fallback_share (inputs needing the library, of all inputs) and
// allocs_per_number (operator new calls per engine-answered input, counted
// by the global replacement below while timing: 0 is the contract).
// Before timing, every engine answer is checked against the library's
// (parse error or fields, validity, type, both texts); a difference
// aborts, since a benchmark of two different answers would be meaningless.
// After the run, engine / library ratios of items_per_second (medians when
// repeated) are printed per thread count.
//
// One iteration is one pass over all inputs; with 2 threads, thread t takes
// inputs t, t+2, ... items_per_second is inputs/s of all threads together
// (real time).
//
//   engine_path_benchmark [--benchmark_repetitions=5] [benchmark flags]

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "phone/engine/engine.h"
#include "phone/engine/format.h"
#include "phone/engine/parse.h"
#include "phone/engine/parse_inputs.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

// Counts every allocation of the calling thread, so that the engine's path
// can be shown to allocate nothing (libphonenumber and protobuf, shared
// libraries, resolve to these too). The array, nothrow and sized forms of
// libstdc++ call these; the aligned forms are not used here.
namespace {
thread_local uint64_t t_allocations = 0;
}  // namespace

[[gnu::noinline]] void* operator new(size_t size) {
  ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
// Not inlined, neither is operator new: GCC would see free() of what a
// new-expression returned, or delete of what malloc() returned.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, size_t) noexcept {
  std::free(p);
}

namespace phonebulk::bench {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;
using phone::engine::FormatStatus;
using phone::engine::FormatStyle;
using phone::engine::ParsedNumber;
using phone::engine::ParseInput;

constexpr int kRows = 100'000;
constexpr uint64_t kSeed = 1;

struct Inputs {
  std::vector<ParseInput> rows;
  std::vector<std::string> regions;  // "ZZ" for none, as the library wants
  std::vector<bool> fallback;        // the engine cannot answer it alone
  double fallback_share = 0;
};
// Filled in main() before any benchmark thread starts, read-only after.
const Inputs* g_inputs = nullptr;

// One thread's reused output buffers: every answer is written here, so the
// compiler cannot drop any of the work.
struct EngineOutput {
  ParsedNumber parsed;
  bool valid = false;
  phone::engine::NumberType type = phone::engine::NumberType::kUnknown;
  phone::engine::FormattedNumber e164;
  phone::engine::FormattedNumber national;
};
struct LibraryOutput {
  PhoneNumber number;
  int error = 0;
  bool valid = false;
  PhoneNumberUtil::PhoneNumberType type = PhoneNumberUtil::UNKNOWN;
  std::string e164;
  std::string national;
};

// The engine's whole path; false when the engine cannot answer alone.
bool EnginePath(const ParseInput& in, EngineOutput* out) {
  out->parsed = phone::engine::Parse(in.text, in.region);
  const ParsedNumber& p = out->parsed;
  if (p.outcome == ParsedNumber::Outcome::kOutOfScope) return false;
  if (p.outcome == ParsedNumber::Outcome::kError) return true;
  const std::string_view nsn = p.national_significant_number();
  // Valid exactly when the type is known (both walk the region's patterns,
  // and the library's IsValidNumber is that test): one walk answers both,
  // as phone::Validator does on either side. CheckAnswers compares the
  // engine's own IsValidNumber too.
  out->type = phone::engine::GetNumberType(p.calling_code, nsn);
  out->valid = out->type != phone::engine::NumberType::kUnknown;
  // NATIONAL carries the extension (" x12" for GB), as the library's.
  return phone::engine::Format(p.calling_code, nsn, FormatStyle::kE164,
                               &out->e164) == FormatStatus::kOk &&
         phone::engine::Format(p.calling_code, nsn, p.extension(),
                               FormatStyle::kNational,
                               &out->national) == FormatStatus::kOk;
}

void LibraryPath(const PhoneNumberUtil& util, const std::string& text,
                 const std::string& region, LibraryOutput* out) {
  out->error = util.Parse(text, region, &out->number);
  if (out->error != PhoneNumberUtil::NO_PARSING_ERROR) return;
  out->type = util.GetNumberType(out->number);
  out->valid = out->type != PhoneNumberUtil::UNKNOWN;
  util.Format(out->number, PhoneNumberUtil::E164, &out->e164);
  util.Format(out->number, PhoneNumberUtil::NATIONAL, &out->national);
}

void SetItems(benchmark::State& state, const Inputs& in) {
  state.SetItemsProcessed(state.iterations() * in.rows.size() /
                          state.threads());
  state.counters["fallback_share"] =
      benchmark::Counter(in.fallback_share, benchmark::Counter::kAvgThreads);
}

void BM_LibphonenumberPath(benchmark::State& state) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Inputs& in = *g_inputs;
  LibraryOutput out;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.rows.size();
         i += state.threads()) {
      LibraryPath(util, in.rows[i].text, in.regions[i], &out);
      benchmark::DoNotOptimize(out);
    }
  }
  SetItems(state, in);
}
BENCHMARK(BM_LibphonenumberPath)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Shared by the two engine benchmarks: with `fallback`, the library answers
// what the engine cannot.
void RunEnginePath(benchmark::State& state, bool fallback) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  const Inputs& in = *g_inputs;
  EngineOutput out;
  LibraryOutput library;
  uint64_t allocations = 0;
  uint64_t answered = 0;
  for (auto _ : state) {
    for (size_t i = state.thread_index(); i < in.rows.size();
         i += state.threads()) {
      if (!fallback && in.fallback[i]) continue;
      const uint64_t before = t_allocations;
      if (EnginePath(in.rows[i], &out)) {
        allocations += t_allocations - before;
        ++answered;
      } else if (fallback) {
        LibraryPath(util, in.rows[i].text, in.regions[i], &library);
        benchmark::DoNotOptimize(library);
      }
      benchmark::DoNotOptimize(out);
    }
  }
  SetItems(state, in);
  if (!fallback) {
    // Inputs/s of what the engine answers.
    state.SetItemsProcessed(static_cast<int64_t>(answered));
  }
  state.counters["allocs_per_number"] = benchmark::Counter(
      answered == 0 ? 0.0 : static_cast<double>(allocations) / answered,
      benchmark::Counter::kAvgThreads);
}

void BM_EnginePath(benchmark::State& state) { RunEnginePath(state, true); }
BENCHMARK(BM_EnginePath)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

void BM_EnginePathOnly(benchmark::State& state) { RunEnginePath(state, false); }
BENCHMARK(BM_EnginePathOnly)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMillisecond);

// Empty when the engine's answers are the library's, else what differs.
std::string Compare(const PhoneNumberUtil& util, const EngineOutput& e,
                    const LibraryOutput& l) {
  const ParsedNumber& p = e.parsed;
  if (p.outcome == ParsedNumber::Outcome::kError) {
    return l.error == static_cast<int>(p.error) ? "" : "parse error";
  }
  if (l.error != PhoneNumberUtil::NO_PARSING_ERROR) return "parse error";
  const PhoneNumber& n = l.number;
  if (n.country_code() != p.calling_code ||
      n.national_number() != p.national_number ||
      n.italian_leading_zero() != p.italian_leading_zero ||
      n.number_of_leading_zeros() != p.number_of_leading_zeros ||
      n.extension() != p.extension()) {
    return "parsed fields";
  }
  if (l.valid != e.valid ||
      util.IsValidNumber(n) !=
          phone::engine::IsValidNumber(p.calling_code,
                                       p.national_significant_number())) {
    return "validity";
  }
  if (static_cast<int>(l.type) != static_cast<int>(e.type)) return "type";
  if (l.e164 != e.e164.view()) return "E.164 \"" + l.e164 + "\"";
  if (l.national != e.national.view()) return "NATIONAL \"" + l.national + "\"";
  return "";
}

// Marks the fallback inputs; false (after printing the input) when an
// engine answer differs from the library's.
bool CheckAnswers(Inputs* in) {
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  int fallback = 0;
  int parse_out_of_scope = 0;
  in->fallback.assign(in->rows.size(), false);
  for (size_t i = 0; i < in->rows.size(); ++i) {
    EngineOutput engine;
    if (!EnginePath(in->rows[i], &engine)) {
      in->fallback[i] = true;
      ++fallback;
      if (engine.parsed.outcome == ParsedNumber::Outcome::kOutOfScope) {
        ++parse_out_of_scope;
      }
      if (std::getenv("ENGINE_PATH_LIST_FALLBACK") != nullptr) {
        std::fprintf(stderr, "fallback: \"%s\" (%s)\n",
                     in->rows[i].text.c_str(), in->regions[i].c_str());
      }
      continue;
    }
    LibraryOutput library;
    LibraryPath(util, in->rows[i].text, in->regions[i], &library);
    const std::string diff = Compare(util, engine, library);
    if (!diff.empty()) {
      std::fprintf(stderr,
                   "engine_path_benchmark: \"%s\" (%s): %s differ "
                   "(engine E.164 \"%.*s\", NATIONAL \"%.*s\")\n",
                   in->rows[i].text.c_str(), in->regions[i].c_str(),
                   diff.c_str(), int(engine.e164.size()),
                   engine.e164.view().data(), int(engine.national.size()),
                   engine.national.view().data());
      return false;
    }
  }
  in->fallback_share = static_cast<double>(fallback) / in->rows.size();
  std::fprintf(stderr,
               "engine_path_benchmark: %zu inputs, %d need the library "
               "(%.3f%%: parse out of scope %d, a format out of scope %d), "
               "every engine answer identical\n",
               in->rows.size(), fallback, 100.0 * in->fallback_share,
               parse_out_of_scope, fallback - parse_out_of_scope);
  return true;
}

// The console output, then engine / library ratios of items_per_second
// per thread count (medians when repeated, else the last run).
class RatioReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const bool median =
          run.run_type == Run::RT_Aggregate && run.aggregate_name == "median";
      if (run.run_type == Run::RT_Aggregate && !median) continue;
      const auto rate = run.counters.find("items_per_second");
      if (rate == run.counters.end()) continue;
      const auto key = std::make_pair(run.run_name.function_name, run.threads);
      if (median || !has_median_.count(key)) rate_[key] = rate->second.value;
      if (median) has_median_[key] = true;
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& [key, rate] : rate_) {
      if (key.first == "BM_LibphonenumberPath") continue;
      const auto library =
          rate_.find(std::make_pair("BM_LibphonenumberPath", key.second));
      if (library == rate_.end() || library->second == 0) continue;
      char line[160];
      std::snprintf(line, sizeof line,
                    "ratio %s / BM_LibphonenumberPath, %lld thread(s): %.1fx "
                    "(%.0f / %.0f numbers/s)\n",
                    key.first.c_str(), static_cast<long long>(key.second),
                    rate / library->second, rate, library->second);
      GetOutputStream() << line;
    }
  }

 private:
  std::map<std::pair<std::string, int64_t>, double> rate_;
  std::map<std::pair<std::string, int64_t>, bool> has_median_;
};

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
  if (!phonebulk::bench::CheckAnswers(&inputs)) std::abort();
  phonebulk::bench::g_inputs = &inputs;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  phonebulk::bench::RatioReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
