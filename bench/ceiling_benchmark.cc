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
//                 the raw corpus rows, as a worker calls it.
//   BM_ChunkPath  what a worker does per phone before the store is involved:
//                 ProcessPhone + ChargeForPhone + EncodeResult.
//   BM_ResultView what a results fetch does per phone after the store:
//                 DecodeResult of the stored blob.
//
// Each runs with 1 and 2 threads on real time, so items_per_second is the
// throughput of all threads together. One iteration is one number; each
// thread walks the corpus from its own offset so that the threads do not
// validate the same number at the same moment.
//
//   ceiling_benchmark --corpus=bench/out/corpus.tsv [benchmark flags]

#include <benchmark/benchmark.h>

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

size_t StartOffset(const benchmark::State& state, size_t size) {
  return size * static_cast<size_t>(state.thread_index()) /
         static_cast<size_t>(state.threads());
}

void BM_Ceiling(benchmark::State& state) {
  const std::vector<ParseInput>& inputs = *g_parse_inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  size_t i = StartOffset(state, inputs.size());
  PhoneNumber number;
  std::string e164, national;
  int64_t parsed = 0;
  for (auto _ : state) {
    const ParseInput& in = inputs[i];
    if (++i == inputs.size()) i = 0;
    number.Clear();
    if (in.text.empty() || util.Parse(in.text, in.region, &number) !=
                               PhoneNumberUtil::NO_PARSING_ERROR) {
      continue;
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
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["parsed_fraction"] = benchmark::Counter(
      static_cast<double>(parsed) / static_cast<double>(state.iterations()),
      benchmark::Counter::kAvgThreads);
}

// Parse alone, to show how much of the ceiling is parsing (with Debian's
// ICU-regex build of libphonenumber, most of it).
void BM_ParseOnly(benchmark::State& state) {
  const std::vector<ParseInput>& inputs = *g_parse_inputs;
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  size_t i = StartOffset(state, inputs.size());
  PhoneNumber number;
  for (auto _ : state) {
    const ParseInput& in = inputs[i];
    if (++i == inputs.size()) i = 0;
    number.Clear();
    if (in.text.empty()) continue;
    benchmark::DoNotOptimize(util.Parse(in.text, in.region, &number));
  }
  state.SetItemsProcessed(state.iterations());
}

void BM_Engine(benchmark::State& state) {
  const std::vector<CorpusRow>& rows = *g_rows;
  static const phone::Validator* const kValidator =
      new phone::Validator(phone::Countries::Default());
  const batch::BatchConfig config;  // the corpus bodies' defaults: E164
  size_t i = StartOffset(state, rows.size());
  int64_t valid = 0;
  for (auto _ : state) {
    const CorpusRow& row = rows[i];
    if (++i == rows.size()) i = 0;
    phone::PhoneResult r =
        batch::ProcessPhone(*kValidator, row.number, row.country_iso, config);
    valid += r.valid;
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
  state.counters["valid_fraction"] = benchmark::Counter(
      static_cast<double>(valid) / static_cast<double>(state.iterations()),
      benchmark::Counter::kAvgThreads);
}

void BM_ChunkPath(benchmark::State& state) {
  const std::vector<CorpusRow>& rows = *g_rows;
  static const phone::Validator* const kValidator =
      new phone::Validator(phone::Countries::Default());
  const batch::BatchConfig config;
  size_t i = StartOffset(state, rows.size());
  int64_t charge = 0;
  int64_t blob_bytes = 0;
  for (auto _ : state) {
    const CorpusRow& row = rows[i];
    if (++i == rows.size()) i = 0;
    phone::PhoneResult r =
        batch::ProcessPhone(*kValidator, row.number, row.country_iso, config);
    charge += batch::ChargeForPhone(r, /*supplementary_lookup_made=*/false);
    std::string blob = batch::EncodeResult(r);
    blob_bytes += static_cast<int64_t>(blob.size());
    benchmark::DoNotOptimize(blob.data());
  }
  benchmark::DoNotOptimize(charge);
  state.SetItemsProcessed(state.iterations());
  state.counters["blob_bytes"] = benchmark::Counter(
      static_cast<double>(blob_bytes) / static_cast<double>(state.iterations()),
      benchmark::Counter::kAvgThreads);
}

void BM_ResultView(benchmark::State& state) {
  const std::vector<std::string>& blobs = *g_blobs;
  size_t i = StartOffset(state, blobs.size());
  for (auto _ : state) {
    const std::string& blob = blobs[i];
    if (++i == blobs.size()) i = 0;
    auto r = batch::DecodeResult(blob);
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

// MinTime(2): at a few hundred thousand numbers a second every thread walks
// the whole corpus at least once, so the mix is what gets measured.
BENCHMARK(BM_Ceiling)->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_ParseOnly)->Threads(1)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_Engine)->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_ChunkPath)->Threads(1)->Threads(2)->UseRealTime()->MinTime(2.0);
BENCHMARK(BM_ResultView)->Threads(1)->Threads(2)->UseRealTime()->MinTime(1.0);

}  // namespace

int Main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  std::string corpus_path = "bench/out/corpus.tsv";
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a.starts_with("--corpus=")) {
      corpus_path = std::string(a.substr(9));
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
  g_parse_inputs = new std::vector<ParseInput>();
  g_parse_inputs->reserve(g_rows->size());
  for (const CorpusRow& row : *g_rows) {
    g_parse_inputs->push_back(ToParseInput(row, countries));
  }
  // The blobs a results fetch decodes: the engine's own output for the
  // corpus, so their shape matches what the store holds.
  phone::Validator validator(countries);
  const batch::BatchConfig config;
  g_blobs = new std::vector<std::string>();
  g_blobs->reserve(g_rows->size());
  for (const CorpusRow& row : *g_rows) {
    g_blobs->push_back(batch::EncodeResult(
        batch::ProcessPhone(validator, row.number, row.country_iso, config)));
  }
  benchmark::AddCustomContext("corpus", corpus_path);
  benchmark::AddCustomContext("corpus_rows", std::to_string(g_rows->size()));
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}

}  // namespace phonebulk::bench

int main(int argc, char** argv) { return phonebulk::bench::Main(argc, argv); }
