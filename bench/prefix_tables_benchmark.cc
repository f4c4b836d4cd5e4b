// Start-up and look-up cost of the operator and time-zone prefix tables
// built into the binary (src/phone/operators.h, time_zones.h). These were
// "PrintsTimings" tests in phone_tables_test, which could not fail (issue
// 17); as benchmarks they report the same figures:
//
//   BM_OperatorTableParse / BM_TimeZoneTableParse   parsing (and freeing)
//                 the embedded text: about what the first BuiltIn() call
//                 costs at start-up.
//   BM_OperatorTableLookup / BM_TimeZoneTableLookup one longest-prefix
//                 look-up, over numbers of many countries (some unmatched).
//
//   prefix_tables_benchmark [benchmark flags]

#include <benchmark/benchmark.h>

#include <string>
#include <string_view>
#include <vector>

#include "phone/operators.h"
#include "phone/time_zones.h"

namespace phonebulk::embedded {
// Generated at build time (src/phone/tables.cmake).
extern const std::string_view kOperatorTable;
extern const std::string_view kTimeZoneTable;
}  // namespace phonebulk::embedded

namespace phonebulk::bench {
namespace {

using phone::OperatorTable;
using phone::TimeZoneTable;

// The numbers operators_test.cc checks: ranges of many countries, two with no
// operator known.
const std::vector<std::string> kOperatorNumbers = {
    "447400123456", "447404123456", "447384123456",  "4915201234567",
    "491701234567", "919810123456", "5511987654321", "2348031234567",
    "33651234567",  "254712345678", "27821234567",   "923001234567",
    "61412345678",  "61400123456",  "905321234567",  "393412345678",
    "34612345678",  "77011234567",  "251712345678",  "12125550123",
    "393123456789",
};

// Zones of one, several and no (+800) prefixes.
const std::vector<std::string> kTimeZoneNumbers = {
    "442071234567", "12125550123",   "447400123456",  "4930123456",
    "819012345678", "2348031234567", "5511987654321", "80012345678",
};

void BM_OperatorTableParse(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = OperatorTable::Parse(embedded::kOperatorTable);
    if (!parsed.ok()) {
      state.SkipWithError("the built-in operator table does not parse");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * embedded::kOperatorTable.size());
}
BENCHMARK(BM_OperatorTableParse)->Unit(benchmark::kMillisecond);

void BM_TimeZoneTableParse(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = TimeZoneTable::Parse(embedded::kTimeZoneTable);
    if (!parsed.ok()) {
      state.SkipWithError("the built-in time-zone table does not parse");
      break;
    }
    benchmark::DoNotOptimize(parsed);
  }
  state.SetBytesProcessed(state.iterations() * embedded::kTimeZoneTable.size());
}
BENCHMARK(BM_TimeZoneTableParse)->Unit(benchmark::kMillisecond);

// One iteration looks up every number once; items are look-ups.
void BM_OperatorTableLookup(benchmark::State& state) {
  const OperatorTable& table = OperatorTable::BuiltIn();
  for (auto _ : state) {
    for (const std::string& number : kOperatorNumbers) {
      benchmark::DoNotOptimize(table.Lookup(number));
    }
  }
  state.SetItemsProcessed(state.iterations() * kOperatorNumbers.size());
}
BENCHMARK(BM_OperatorTableLookup);

void BM_TimeZoneTableLookup(benchmark::State& state) {
  const TimeZoneTable& table = TimeZoneTable::BuiltIn();
  for (auto _ : state) {
    for (const std::string& number : kTimeZoneNumbers) {
      benchmark::DoNotOptimize(table.Lookup(number));
    }
  }
  state.SetItemsProcessed(state.iterations() * kTimeZoneNumbers.size());
}
BENCHMARK(BM_TimeZoneTableLookup);

}  // namespace
}  // namespace phonebulk::bench

BENCHMARK_MAIN();
