#!/usr/bin/env bash
# Builds the libFuzzer targets for untrusted request bodies (bulk create
# bodies; the real-time endpoint's XML and MessagePack bodies) and the
# differential target of the compiled engine against libphonenumber
# (engine_diff: any disagreement is a failure), and fuzzes them for SECONDS
# in all (default 80): engine_diff gets a quarter, and of the rest the
# create body half (its parser is the largest), XML and MessagePack a
# quarter each. With TARGET (create_request, xml_request, msgpack_request,
# engine_diff) only that target runs, for all SECONDS: the longer run on
# demand, e.g. `scripts/fuzz.sh 3600 engine_diff`. Each runs on a copy of
# its committed seed corpus, so the corpora only grow through review: copy
# an input found here into tests/fuzz/corpus/<target>/ by hand, after
# fixing what it found.
# Exits non-zero when the fuzzer finds a crash, leak or broken invariant; the
# crashing input is left in the printed artifact directory.
#
# Usage: scripts/fuzz.sh [SECONDS [TARGET]]   (BUILD_DIR overrides build-fuzz)
set -euo pipefail

seconds="${1:-80}"
only="${2:-}"
targets="create_request xml_request msgpack_request engine_diff"
if ! [[ "$seconds" =~ ^[0-9]+$ ]] ||
  { [[ -n "$only" ]] && ! [[ " $targets " == *" $only "* ]]; }; then
  echo "usage: $0 [SECONDS [TARGET]]   TARGET: one of $targets" >&2
  exit 2
fi
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build_dir="${BUILD_DIR:-$root/build-fuzz}"

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DPHONEBULK_FUZZ=ON -DPHONEBULK_TESTS=OFF -DPHONEBULK_BENCH=OFF
cmake --build "$build_dir" -j "${JOBS:-2}" \
  --target create_request_fuzz xml_request_fuzz msgpack_request_fuzz \
  engine_diff_fuzz

work="$(mktemp -d "${TMPDIR:-/tmp}/phonebulk-fuzz.XXXXXX")"
mkdir -p "$work/artifacts"
echo "fuzzing for ${seconds}s in all in $work"

# run TARGET SECONDS [libFuzzer flags...]: fuzzes one target on a copy of its
# seed corpus; a target given 0 s is skipped (libFuzzer reads 0 as no limit).
status=0
run() {
  local target="$1" time="$2"
  shift 2
  if [[ -n "$only" ]]; then
    [[ "$target" == "$only" ]] || return 0
    time="$seconds"
  fi
  if [[ "$time" -eq 0 ]]; then return; fi
  mkdir -p "$work/$target"
  cp "$root/tests/fuzz/corpus/$target"/* "$work/$target/"
  "$build_dir/tests/fuzz/${target}_fuzz" \
    -max_total_time="$time" -max_len=65536 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 \
    -artifact_prefix="$work/artifacts/${target}-" \
    "$@" "$work/$target" || status=$?
}

engine=$((seconds / 4))
rest=$((seconds - engine))
quarter=$((rest / 4))
run create_request $((rest - 2 * quarter)) \
  -dict="$root/tests/fuzz/create_request.dict"
run xml_request "$quarter"
run msgpack_request "$quarter"
# The engine answers at most 250 bytes (longer is out of scope), and the
# library's Parse of long inputs is slow: short inputs are what to explore.
run engine_diff "$engine" -max_len=300 \
  -dict="$root/tests/fuzz/engine_diff.dict"

if [[ $status -ne 0 ]] || compgen -G "$work/artifacts/*" >/dev/null; then
  echo "fuzzer found a problem (exit $status); inputs in $work/artifacts" >&2
  exit "${status/#0/1}"
fi
echo "no crash; the grown corpora are in $work/<target> (not committed)"
rm -rf "$work/artifacts"
