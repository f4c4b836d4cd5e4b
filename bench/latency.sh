#!/usr/bin/env bash
# Latency under load (issue 5): while BATCHES batches of 10,000 numbers
# process, wrk hammers the status endpoint of one batch and then the results
# endpoint (Add-Metadata: true) of a completed 10,000-number batch. Prints
# wrk's latency distribution (p50/p99) and requests/s, and the server's peak
# RSS (VmHWM) with everything in flight.
#
# wrk (Debian's 4.1) has no fixed-rate mode: the paced run spaces each
# connection's requests 8 ms apart with a Lua delay() (~1,000 requests/s);
# the flat-out run shows the ceiling and the latency at it.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${BIN:-build/phonebulk}
BATCHES=${BATCHES:-10}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-8}
command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT

"$BIN" serve --create --listen 127.0.0.1:0 --db "sqlite:$work/db.sqlite" --workers 2 \
  > "$work/serve.out" 2> "$work/serve.err" &
server_pid=$!
for _ in $(seq 200); do grep -q listening "$work/serve.out" 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$work/serve.out")
token=$("$BIN" token create --db "sqlite:$work/db.sqlite" --account bench \
  --credits 100000000 --rate-limit 100000000 | tail -n 1)

# One completed batch for the results endpoint, then BATCHES processing ones.
ids=$(/usr/bin/python3 - "$url" "$token" "$BATCHES" <<'PY'
import http.client, json, sys, time, urllib.parse
url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
u = urllib.parse.urlparse(url)
c = http.client.HTTPConnection(u.hostname, u.port, timeout=60)
def call(m, p, b=None):
    h = {"Auth-Token": token}
    if b is not None:
        h["Content-Type"] = "application/json"; b = json.dumps(b)
    c.request(m, p, body=b, headers=h); r = c.getresponse(); d = r.read()
    assert r.status == 200, (m, p, r.status, d[:200]); return json.loads(d)
base = "/phone/bulk/v1/batches"
def batch(offset):
    phones = [{"number": "+4474%08d" % (offset + i)} for i in range(10000)]
    return call("POST", base, {"phones": phones})["result"]["batch_id"]
done = batch(0); call("POST", f"{base}/{done}/start")
while call("GET", f"{base}/{done}")["result"]["status"] != "completed": time.sleep(0.1)
busy = [batch(10000 * (k + 1)) for k in range(n)]
for b in busy: call("POST", f"{base}/{b}/start")
print(done, busy[-1])
PY
)
done_id=${ids%% *}; busy_id=${ids##* }

echo "== status GET at ~1,000 requests/s (8 connections, 8 ms apart) while $BATCHES batches process"
cat > "$work/pace.lua" <<'LUA'
-- Each connection waits 8 ms before each request: 8 connections ~ 1,000/s.
function delay() return 8 end
LUA
wrk -t2 -c8 -d"$DURATION" --latency -s "$work/pace.lua" -H "Auth-Token: $token" \
  "$url/phone/bulk/v1/batches/$busy_id" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
echo "== status GET flat out ($CONNECTIONS connections) while batches process"
wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -H "Auth-Token: $token" \
  "$url/phone/bulk/v1/batches/$busy_id" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
echo "== results GET (Add-Metadata) of a completed 10,000-number batch"
wrk -t1 -c1 -d"$DURATION" --latency -H "Auth-Token: $token" -H "Add-Metadata: true" \
  "$url/phone/bulk/v1/batches/$done_id/results" | grep -E "Latency|50%|99%|Requests/sec|Non-2xx"
echo "== server peak RSS"
grep VmHWM "/proc/$server_pid/status"
