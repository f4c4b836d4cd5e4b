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
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

/usr/bin/python3 - "$work/in.csv" "$ROWS" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("id,name,phone,country\n")
    for i in range(n):
        phone = "" if i % 13 == 5 else "+4474%08d" % i
        f.write(f'{i},"Smith, J {i}",{phone},GBR\n')
PY
ls -l "$work/in.csv" | awk '{printf "input: %.1f MB\n", $5 / 1e6}'

"$BIN" serve --create --listen 127.0.0.1:0 --db "sqlite:$work/db.sqlite" \
  > "$work/serve.out" 2> "$work/serve.err" &
serve_pid=$!
for _ in $(seq 200); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.out")
token=$("$BIN" token create --db "sqlite:$work/db.sqlite" --account bench \
  --credits 100000000 --rate-limit 100000 | tail -n 1)

/usr/bin/time -v "$BIN" submit "$work/in.csv" --server "$url" --token "$token" \
  --column phone --out "$work/out.csv" --concurrency "$CONCURRENCY" \
  --progress-seconds 10 2> "$work/client.err" | tee "$work/client.out"
grep -E '^progress' "$work/client.err" | tail -n 3 || true
echo "client wall: $(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/client.err")"
echo "client peak RSS: $(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/client.err") kB"
echo "output rows: $(($(wc -l < "$work/out.csv") - 1))"
echo "server peak RSS: $(awk '/VmHWM/ {print $2}' /proc/$serve_pid/status) kB"
