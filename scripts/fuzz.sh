#!/usr/bin/env bash
# Builds the libFuzzer targets for untrusted request bodies (bulk create
# bodies; the real-time endpoint's XML and MessagePack bodies) and fuzzes
# them for SECONDS in all (default 60), split between them: the create body
# gets half (its parser is the largest), the other two a quarter each. Each
# runs on a copy of its committed seed corpus, so the corpora only grow
# through review: copy an input found here into tests/fuzz/corpus/<target>/
# by hand, after fixing what it found.
# Exits non-zero when the fuzzer finds a crash, leak or broken invariant; the
# crashing input is left in the printed artifact directory.
#
# Usage: scripts/fuzz.sh [SECONDS]      (BUILD_DIR overrides build-fuzz)
set -euo pipefail

seconds="${1:-60}"
if ! [[ "$seconds" =~ ^[0-9]+$ ]]; then
  echo "usage: $0 [SECONDS]" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build-fuzz}"

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DPHONEBULK_FUZZ=ON -DPHONEBULK_TESTS=OFF -DPHONEBULK_BENCH=OFF
cmake --build "$build_dir" -j "${JOBS:-2}" \
  --target create_request_fuzz xml_request_fuzz msgpack_request_fuzz

work="$(mktemp -d "${TMPDIR:-/tmp}/phonebulk-fuzz.XXXXXX")"
mkdir -p "$work/artifacts"
echo "fuzzing for ${seconds}s in all in $work"

# run TARGET SECONDS [libFuzzer flags...]: fuzzes one target on a copy of its
# seed corpus; a target given 0 s is skipped (libFuzzer reads 0 as no limit).
status=0
run() {
  local target="$1" time="$2"
  shift 2
  if [[ "$time" -eq 0 ]]; then return; fi
  mkdir -p "$work/$target"
  cp "$root/tests/fuzz/corpus/$target"/* "$work/$target/"
  "$build_dir/tests/fuzz/${target}_fuzz" \
    -max_total_time="$time" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/${target}-" \
    "$@" "$work/$target" || status=$?
}

quarter=$((seconds / 4))
run create_request $((seconds - 2 * quarter)) \
  -dict="$root/tests/fuzz/create_request.dict"
run xml_request "$quarter"
run msgpack_request "$quarter"

if [[ $status -ne 0 ]] || compgen -G "$work/artifacts/*" >/dev/null; then
  echo "fuzzer found a problem (exit $status); inputs in $work/artifacts" >&2
  exit "${status/#0/1}"
fi
echo "no crash; the grown corpora are in $work/<target> (not committed)"
rm -rf "$work/artifacts"
