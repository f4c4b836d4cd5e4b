#!/usr/bin/env bash
# The README's second command: build and run every test.
#   1. a Release build and its tests (unit + integration against the real
#      server binary on temporary SQLite files, and again on a throw-away
#      PostgreSQL cluster that CTest starts and stops: scripts/pg-test-cluster.sh);
#      then the Debian package built from that build, installed, run as its
#      systemd unit's ExecStart, and purged (scripts/test-package.sh);
#   2. the same tests built by clang with AddressSanitizer + UBSan, and with
#      the lock annotations checked (-Wthread-safety as errors);
#   3. the request-body fuzzers and the engine's differential fuzzer
#      (engine against libphonenumber) for a bounded time (clang + libFuzzer).
# FUZZ_SECONDS (default 80) bounds step 3.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
jobs="$(nproc)"

echo "== Release build and tests"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$jobs"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== Debian package: build, install, run, purge"
# Once, from the Release build above (cpack finds `all` already built).
scripts/test-package.sh build

echo "== ASan/UBSan build (clang, thread-safety analysis) and tests"
# CMake keeps the compiler a build directory was first configured with: a
# build-asan left by an older gcc run of this script is started afresh.
if [ -f build-asan/CMakeCache.txt ] &&
  ! grep -q '^CMAKE_CXX_COMPILER:[A-Z]*=.*clang' build-asan/CMakeCache.txt; then
  rm -rf build-asan
fi
CC=clang-14 CXX=clang++-14 \
  cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPHONEBULK_SANITIZE=ON -DPHONEBULK_BENCH=OFF -DPHONEBULK_THREAD_SAFETY=ON
cmake --build build-asan -j"$jobs"
# Left out here, run in the Release pass above, to keep the whole command
# under 45 minutes on 2 cores: the fault harness (-LE fault; ~3 min in
# Release, several times that under ASan) and the _pg twins of the
# integration suites (-E; the same server code over the PostgreSQL store,
# whose code the store tests here do run under ASan on both backends).
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j"$jobs" -LE fault \
  -E '_pg$'

echo "== Fuzzing the body parsers and the engine for ${FUZZ_SECONDS:-80} s"
scripts/fuzz.sh "${FUZZ_SECONDS:-80}"

echo "All tests passed."
