// Throughput of number validation without HTTP or a database, on the corpus
// written by phonebulk_corpus (bench/corpus/corpus_gen.cc).
//
//   BM_Ceiling    the bare libphonenumber loop a validation service cannot
//                 beat: Parse, IsValidNumber, GetNumberType, Format E164 and
//                 NATIONAL per number. Inputs are rewritten for parsing (the
//                 contract's "00" -> '+', digit -> '+digit', alpha-3 ->
//                 region) before timing, so only libphonenumber is measured.
//   BM_ParseOnly  PhoneNumberUtil::Parse alone (1 thread): the share of the
//                 ceiling that is parsing.
//   BM_Engine     phonebulk's batch::ProcessPhone (Validator + options) on
//                 the raw corpus rows, validation only (no enricher).
//   BM_EngineEnriched  the same with the built-in Enricher (operators,
//                 gateways, ...), the engine `phonebulk serve` runs.
//   BM_ChunkPath  what a worker does per phone before the store is involved:
//                 ProcessPhone (enriched) + ChargeForPhone + EncodeResult.
//   BM_ResultView what a results fetch does per phone after the store:
//                 DecodeResult of the stored blob.
//
// Each runs with 1 and 2 threads on real time, so items_per_second is the
// throughput of all threads together. One iteration is one pass over the
// corpus: thread t of n takes rows t, t+n, t+2n, ..., so 1 and 2 threads
// process exactly the same inputs and the threads' shares have the same mix.
// (Timing single numbers instead would measure whichever few thousand rows
// fit in the minimum time, and the corpus's rare long inputs, which cost a
// thousand times more than a normal number, would make that a lottery.)
//
//   ceiling_benchmark --corpus=bench/out/corpus.tsv [--rows=N]
//                     [benchmark flags]

#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "batch/config.h"
#include "batch/credits.h"
#include "batch/pipeline.h"
#include "batch/result_codec.h"
#include "corpus/corpus.h"
#include "phone/countries.h"
#include "phone/enricher.h"
#include "phone/validator.h"
#include "phonenumbers/phonenumber.pb.h"
#include "phonenumbers/phonenumberutil.h"

namespace phonebulk::bench {
namespace {

using ::i18n::phonenumbers::PhoneNumber;
using ::i18n::phonenumbers::PhoneNumberUtil;

// A corpus row as libphonenumber wants it: the text to parse and the region.
struct ParseInput {
  std::string text;
  std::string region;  // alpha-2, or "ZZ" (the number carries its code)
};

// Filled in main() before any benchmark thread starts, read-only after.
std::vector<CorpusRow>* g_rows = nullptr;
std::vector<ParseInput>* g_parse_inputs = nullptr;
std::vector<std::string>* g_blobs = nullptr;

// The same rewriting phonebulk's Validator applies (phone/validator.cc),
// done here ahead of time so BM_Ceiling times libphonenumber alone.
ParseInput ToParseInput(const CorpusRow& row, const phone::Countries& c) {
  ParseInput in;
  const phone::Country* country =
      row.country_iso.empty() ? nullptr : c.ByAlpha3(row.country_iso);
  if (country != nullptr) {
    in.text = row.number;
    in.region = country->alpha2;
    return in;
  }
  in.region = "ZZ";
  std::string_view n = row.number;
  while (!n.empty() && (n.front() == ' ' || n.front() == '\t')) {
    n.remove_prefix(1);
  }
  if (n.starts_with("00")) {
    in.text.push_back('+');
    n.remove_prefix(2);
  } else if (!n.empty() && n.front() >= '0' && n.front() <= '9') {
    in.text.push_back('+');
  }
  in.text.append(n);
  return in;
}

// Runs `fn(row_index)` over this thread's share of `n` rows and counts them.
template <typename Fn>
void ForEachShare(benchmark::State& state, size_t n, Fn fn) {
  const size_t step = static_cast<size_t>(state.threads());
  int64_t items = 0;
  for (auto _ : state) {
    for (size_t i = static_cast<size_t>(state.thread_index()); i < n;
         i += step) {
      fn(i);
      ++items;
    }
  }
  state.SetItemsProcessed(items);
}

void BM_Ceiling(benchmark::State& state) {
  const std::vector<ParseInput>& inputs = *g_parse_inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  std::string e164, national;
  int64_t parsed = 0;
  ForEachShare(state, inputs.size(), [&](size_t i) {
    const ParseInput& in = inputs[i];
    number.Clear();
    if (in.text.empty() || util.Parse(in.text, in.region, &number) !=
                               PhoneNumberUtil::NO_PARSING_ERROR) {
      return;
    }
    ++parsed;
    bool valid = util.IsValidNumber(number);
    PhoneNumberUtil::PhoneNumberType type = util.GetNumberType(number);
    util.Format(number, PhoneNumberUtil::E164, &e164);
    util.Format(number, PhoneNumberUtil::NATIONAL, &national);
    benchmark::DoNotOptimize(valid);
    benchmark::DoNotOptimize(type);
    benchmark::DoNotOptimize(e164.data());
    benchmark::DoNotOptimize(national.data());
  });
  state.counters["parsed"] = static_cast<double>(parsed);
}

// Parse alone, to show how much of the ceiling is parsing (with Debian's
// ICU-regex build of libphonenumber, most of it).
void BM_ParseOnly(benchmark::State& state) {
  const std::vector<ParseInput>& inputs = *g_parse_inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  ForEachShare(state, inputs.size(), [&](size_t i) {
    const ParseInput& in = inputs[i];
    number.Clear();
    if (in.text.empty()) return;
    benchmark::DoNotOptimize(util.Parse(in.text, in.region, &number));
  });
}

// The engines, built in main() before timing starts: the validator's
// constructor walks every calling code and the enricher's tables load, which
// is setup, not per-number work.
const batch::Engine* g_validate_only = nullptr;
const batch::Engine* g_enriched = nullptr;  // what `phonebulk serve` runs

void RunEngine(benchmark::State& state, const batch::Engine& engine) {
  const std::vector<CorpusRow>& rows = *g_rows;
  const batch::BatchConfig config;  // the corpus bodies' defaults: E164
  int64_t valid = 0;
  ForEachShare(state, rows.size(), [&](size_t i) {
    phone::PhoneResult r = batch::ProcessPhone(engine, rows[i].number,
                                               rows[i].country_iso, config);
    valid += r.valid;
    benchmark::DoNotOptimize(r);
  });
  state.counters["valid"] = static_cast<double>(valid);
}

void BM_Engine(benchmark::State& state) { RunEngine(state, *g_validate_only); }

void BM_EngineEnriched(benchmark::State& state) {
  RunEngine(state, *g_enriched);
}

void BM_ChunkPath(benchmark::State& state) {
  const std::vector<CorpusRow>& rows = *g_rows;
  const batch::BatchConfig config;
  int64_t charge = 0;
  ForEachShare(state, rows.size(), [&](size_t i) {
    phone::PhoneResult r = batch::ProcessPhone(*g_enriched, rows[i].number,
                                               rows[i].country_iso, config);
    charge += batch::ChargeForPhone(r, /*supplementary_lookup_made=*/false);
    std::string blob = batch::EncodeResult(r);
    benchmark::DoNotOptimize(blob.data());
  });
  benchmark::DoNotOptimize(charge);
}

void BM_ResultView(benchmark::State& state) {
  const std::vector<std::string>& blobs = *g_blobs;
  ForEachShare(state, blobs.size(), [&](size_t i) {
    auto r = batch::DecodeResult(blobs[i]);
    benchmark::DoNotOptimize(r);
  });
}

// MinTime(1): a pass over the corpus takes seconds, so this
// mostly means one pass; on a faster machine, more.
BENCHMARK(BM_Ceiling)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ParseOnly)->Threads(1)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_Engine)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_EngineEnriched)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->MinTime(1.0);
BENCHMARK(BM_ChunkPath)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);
BENCHMARK(BM_ResultView)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);

}  // namespace

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string corpus_path = "bench/out/corpus.tsv";
  size_t max_rows = 0;  // 0: all
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--corpus=")) {
      corpus_path = std::string(a.substr(9));
    } else if (a.starts_with("--rows=")) {
      max_rows = std::strtoull(argv[i] + 7, nullptr, 10);
    } else {
      std::cerr << "unknown argument: " << a << "\n";
      return 2;
    }
  }
  auto rows = LoadCorpus(corpus_path);
  if (!rows.ok()) {
    std::cerr << rows.status() << " (run phonebulk_corpus first)\n";
    return 1;
  }
  const phone::Countries& countries = phone::Countries::Default();
  g_rows = new std::vector<CorpusRow>(*std::move(rows));
  // The first rows of a seeded corpus are as mixed as all of it.
  if (max_rows > 0 && g_rows->size() > max_rows) g_rows->resize(max_rows);
  g_parse_inputs = new std::vector<ParseInput>();
  g_parse_inputs->reserve(g_rows->size());
  for (const CorpusRow& row : *g_rows) {
    g_parse_inputs->push_back(ToParseInput(row, countries));
  }
  // Leaked on purpose: benchmark threads use them until exit.
  const auto* validator = new phone::Validator(countries);
  const auto* enricher =
      new phone::Enricher(phone::Enricher::BuiltInSources(nullptr));
  g_validate_only = new batch::Engine{*validator, nullptr};
  g_enriched = new batch::Engine{*validator, enricher};
  const batch::BatchConfig config;
  // The blobs a results fetch decodes: the engine's own output, so their
  // shape matches what the store holds. 10,000 are plenty (decoding does not
  // depend on how hard the number was to parse) and keep the start quick.
  g_blobs = new std::vector<std::string>();
  const size_t blob_rows = std::min<size_t>(g_rows->size(), 10'000);
  g_blobs->reserve(blob_rows);
  for (size_t i = 0; i < blob_rows; ++i) {
    const CorpusRow& row = (*g_rows)[i];
    g_blobs->push_back(batch::EncodeResult(
        batch::ProcessPhone(*g_enriched, row.number, row.country_iso, config)));
  }
  benchmark::AddCustomContext("corpus", corpus_path);
  benchmark::AddCustomContext("corpus_rows", std::to_string(g_rows->size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace phonebulk::bench

int main(int argc, char** argv) { return phonebulk::bench::Main(argc, argv); }
