# Shared by the scripts that send one generated list through a local server
# (client_1m.sh, console_1m.sh); sourced, not run. The caller sets BIN and
# WORK (a scratch directory it deletes) and traps EXIT to stop its jobs.

# write_list PATH ROWS: ROWS CSV rows (id, a quoted name with a comma, a GB
# mobile number -- empty every 13th row --, a country) under a header.
write_list() {
  /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    f.write("id,name,phone,country\n")
    for i in range(n):
        phone = "" if i % 13 == 5 else "+4474%08d" % i
        f.write(f'{i},"Smith, J {i}",{phone},GBR\n')
PY
  ls -l "$1" | awk '{printf "input: %.1f MB\n", $5 / 1e6}'
}

# start_server: `phonebulk serve` on a fresh SQLite file in $WORK; sets
# SERVE_PID, URL and TOKEN (an account "bench" with credits and a rate
# limit that never get in the way). Called directly, never in $(...).
start_server() {
  "$BIN" serve --create --listen 127.0.0.1:0 --db "sqlite:$WORK/db.sqlite" \
    >"$WORK/serve.out" 2>"$WORK/serve.err" &
  SERVE_PID=$!
  for _ in $(seq 200); do
    grep -q listening "$WORK/serve.out" 2>/dev/null && break
    sleep 0.1
  done
  URL=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$WORK/serve.out")
  TOKEN=$("$BIN" token create --db "sqlite:$WORK/db.sqlite" --account bench \
    --credits 100000000 --rate-limit 100000 | tail -n 1)
}
