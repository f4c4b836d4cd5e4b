#!/usr/bin/env bash
# The bulk client end to end (issue 4): generates ROWS (default 1,000,000)
# CSV rows (id, quoted name with a comma, phone -- empty every 13th row --,
# country), starts a local server on a fresh SQLite file, and runs
# `phonebulk submit` under /usr/bin/time -v. Prints the client's summary,
# its wall time and peak memory (maximum resident set size), and the
# server's peak memory (VmHWM).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/phonebulk}
ROWS=${ROWS:-1000000}
CONCURRENCY=${CONCURRENCY:-4}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
# shellcheck source=bench/list_lib.sh
source bench/list_lib.sh
work=$WORK

write_list "$work/in.csv" "$ROWS"
start_server
serve_pid=$SERVE_PID url=$URL token=$TOKEN

/usr/bin/time -v "$BIN" submit "$work/in.csv" --server "$url" --token "$token" \
  --column phone --out "$work/out.csv" --concurrency "$CONCURRENCY" \
  --progress-seconds 10 2> "$work/client.err" | tee "$work/client.out"
grep -E '^progress' "$work/client.err" | tail -n 3 || true
echo "client wall: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/client.err")"
echo "client peak RSS: $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/client.err") kB"
echo "output rows: $(($(wc -l < "$work/out.csv") - 1))"
echo "server peak RSS: $(awk '/VmHWM/ {print $2}' /proc/$serve_pid/status) kB"
