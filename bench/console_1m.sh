#!/usr/bin/env bash
# A CSV of ROWS rows (default 1,000,000) through the web console end to end
# (issue 16): generates the file (id, a quoted name with a comma, a GB
# mobile number, empty every 13th row, a country), starts a local server on
# a fresh SQLite file, and drives /console in headless chromium
# (bench/console_1m.mjs): sign in, upload, start, wait for 100%, download.
# Meanwhile it samples the server's resident memory every half second.
# Prints the phases' seconds, the server's memory (at start, peak while
# uploading, peak overall, VmHWM) and checks the download against
# `phonebulk submit`'s output for the same file when CHECK=1 (default).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/phonebulk}
ROWS=${ROWS:-1000000}
CHECK=${CHECK:-1}
WORK=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$WORK"' EXIT
# shellcheck source=bench/list_lib.sh
source bench/list_lib.sh
work=$WORK

write_list "$work/in.csv" "$ROWS"
start_server
serve_pid=$SERVE_PID url=$URL token=$TOKEN

# The server's VmRSS (kB) every 0.5 s, with the time since the start.
now_ms() { echo $(($(date +%s%N) / 1000000)); }
(
  start=$(now_ms)
  while kill -0 "$serve_pid" 2>/dev/null; do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status" 2>/dev/null || true)
    [[ -n $rss ]] && echo "$(($(now_ms) - start)) $rss"
    sleep 0.5
  done
) > "$work/rss.txt" &

start_rss=$(awk '/VmRSS/ {print $2}' "/proc/$serve_pid/status")
t0=$(now_ms)
node bench/console_1m.mjs "$url" "$token" "$work/in.csv" "$work" > "$work/run.json"
wall=$(($(now_ms) - t0))
python3 - "$work/run.json" "$work/rss.txt" "$start_rss" "$wall" "$ROWS" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
rss = [(int(t) / 1000, int(r)) for t, r in (l.split() for l in open(sys.argv[2]) if l.strip())]
start_rss, wall, rows = int(sys.argv[3]), int(sys.argv[4]) / 1000, int(sys.argv[5])
up_end = run.get("upload_s", 0)
peak_upload = max((r for t, r in rss if t <= up_end + 1), default=0)
peak = max((r for _, r in rss), default=0)
job = run.get("job", {})
print(f"rows: {rows:,}  status: {run.get('status')}")
print(f"upload {run.get('upload_s')} s, run {run.get('run_s')} s, "
      f"download {run.get('download_s')} s ({run.get('download_bytes', 0) / 1e6:.1f} MB); "
      f"wall {wall:.1f} s with chromium's start")
print(f"rows/s from start to 100%: {rows / run['run_s']:,.0f}" if run.get("run_s") else "")
print(f"server RSS: {start_rss / 1024:.0f} MB at start, peak {peak_upload / 1024:.0f} MB "
      f"while uploading, peak {peak / 1024:.0f} MB overall")
print(f"console page JS heap at the end: {run.get('js_heap_mb')} MB")
s = job.get("summary") or {}
print("summary:", json.dumps(s, sort_keys=True))
PY
echo "server VmHWM: $(awk '/VmHWM/ {print $2}' /proc/$serve_pid/status) kB;" \
  "now $(awk '/RssAnon|RssFile/ {printf "%s %s kB ", $1, $2}' /proc/$serve_pid/status)"

if [[ $CHECK == 1 ]]; then
  "$BIN" submit "$work/in.csv" --server "$url" --token "$token" \
    --column phone --country-column country --format E164 --out "$work/submit.csv" --progress-seconds 60 > /dev/null 2>&1
  if cmp -s "$work/submit.csv" "$work/console-1m.csv"; then
    echo "download identical to phonebulk submit's output"
  else
    echo "download DIFFERS from phonebulk submit's output" >&2
    exit 1
  fi
fi
