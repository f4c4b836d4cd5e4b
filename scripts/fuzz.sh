#!/usr/bin/env bash
# Builds the libFuzzer target for create bodies and fuzzes it for SECONDS
# (default 60). Runs on a copy of the committed seed corpus, so the corpus
# only grows through review: copy an input found here into
# tests/fuzz/corpus/create_request/ by hand, after fixing what it found.
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
seed_corpus="$root/tests/fuzz/corpus/create_request"

CC=clang-14 CXX=clang++-14 cmake -S "$root" -B "$build_dir" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DPHONEBULK_FUZZ=ON -DPHONEBULK_TESTS=OFF -DPHONEBULK_BENCH=OFF
cmake --build "$build_dir" --target create_request_fuzz -j "${JOBS:-2}"

work="$(mktemp -d "${TMPDIR:-/tmp}/phonebulk-fuzz.XXXXXX")"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seed_corpus"/* "$work/corpus/"
echo "fuzzing for ${seconds}s in $work"

status=0
"$build_dir/tests/fuzz/create_request_fuzz" \
  -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
  -timeout=10 -print_final_stats=1 \
  -dict="$root/tests/fuzz/create_request.dict" \
  -artifact_prefix="$work/artifacts/" \
  "$work/corpus" || status=$?

if [[ $status -ne 0 ]] || compgen -G "$work/artifacts/*" >/dev/null; then
  echo "fuzzer found a problem (exit $status); inputs in $work/artifacts" >&2
  exit "${status/#0/1}"
fi
echo "no crash; the grown corpus is in $work/corpus (not committed)"
rm -rf "$work/artifacts"
