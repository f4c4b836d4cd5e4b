#!/usr/bin/env bash
# Live status end to end (issue 6): a 10,000-number batch of mobile numbers
# (every one gets a lookup) through a server whose source is
# `phonebulk lookup-sim` answering each request in LATENCY_MS (default 50).
# Prints the wall time from start to completed; the target is < 15 s, which
# only parallel lookups reach (100 requests of 100 numbers in sequence would
# take 5 s of latency alone; with retries and chunking far more).
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/phonebulk}
LATENCY_MS=${LATENCY_MS:-50}
NUMBERS=${NUMBERS:-10000}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$BIN" lookup-sim --listen 127.0.0.1:0 --key bench --latency-ms "$LATENCY_MS" \
  > "$work/sim.out" 2> "$work/sim.err" &
for _ in $(seq 100); do grep -q listening "$work/sim.out" 2>/dev/null && break; sleep 0.1; done
sim_url="$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/sim.out")/lookup"

"$BIN" serve --create --listen 127.0.0.1:0 --db "sqlite:$work/db.sqlite" --workers 2 \
  --lookup-url "$sim_url" --lookup-key bench \
  > "$work/serve.out" 2> "$work/serve.err" &
for _ in $(seq 200); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.out")
token=$("$BIN" token create --db "sqlite:$work/db.sqlite" --account bench \
  --credits 1000000 --rate-limit 100000 | tail -n 1)

/usr/bin/python3 - "$url" "$token" "$NUMBERS" <<'PY'
import http.client, json, sys, time, urllib.parse
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
def call(method, path, body=None):
    headers = {"Auth-Token": token}
    if body is not None:
        headers["Content-Type"] = "application/json"
        body = json.dumps(body)
    conn.request(method, path, body=body, headers=headers)
    r = conn.getresponse()
    data = r.read()
    if r.status != 200:
        sys.exit(f"{method} {path}: {r.status} {data[:200]!r}")
    return json.loads(data)
# GB mobiles 07400 000000.. : distinct, valid, all looked up.
phones = [{"number": "+4474%08d" % i} for i in range(n)]
base = "/phone/bulk/v1/batches"
bid = call("POST", base, {"phones": phones})["result"]["batch_id"]
t0 = time.monotonic()
call("POST", f"{base}/{bid}/start")
while True:
    s = call("GET", f"{base}/{bid}")["result"]
    if s["status"] in ("completed", "stopped"):
        break
    time.sleep(0.05)
elapsed = time.monotonic() - t0
res = call("GET", f"{base}/{bid}/results")["result"]
verified = sum(1 for p in res["phones"] if p["confidence"] != "unknown")
print(json.dumps({"numbers": n, "status": s["status"], "seconds": round(elapsed, 2),
                  "answered": verified, "credits_charged": res["credits_charged"]}))
PY
grep -E "^phonebulk_lookup_(calls|retries|failures)_total" <(curl -s "$url/metrics") || true
