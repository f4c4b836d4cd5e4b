#!/usr/bin/env bash
# Where the time goes when one phonebulk node works on PostgreSQL, beside the
# same node on SQLite, on the same corpus in the same run (issue 12, item 7).
#
#   bench/pg_profile.sh    # ~3 minutes on 2 cores; bench/out/pg_profile.txt
#
# For each backend: a fresh database (PostgreSQL in a throw-away cluster with
# fsync on, as bench/multinode.sh), one node with --workers $WORKERS, and
# bench/e2e.py sending $NUMBERS numbers while
#   - `perf record` samples the node's threads (user and kernel stacks), and
#   - /proc gives the CPU seconds of the node and of every PostgreSQL process
#     (the postmaster with its reaped children, and its live backends).
#   - PostgreSQL's pg_stat_statements and pg_stat_wal say which statements
#     the database spent its time on and how long commits waited for fsync.
# Prints, per backend: wall seconds, the CPU seconds of the node and of the
# database and what share of the wall each is, CPU per number, the node's
# time by library (perf --sort dso) and its heaviest functions; for
# PostgreSQL also its heaviest statements and its WAL flushes.
# Knobs: NUMBERS (100000), WORKERS (1), BUILD_DIR (build-bench), JOBS (2).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-bench}
OUT=$ROOT/bench/out
NUMBERS=${NUMBERS:-100000}
WORKERS=${WORKERS:-1}
JOBS=${JOBS:-2}
mkdir -p "$OUT"
command -v perf >/dev/null || { echo "needs perf (Debian linux-perf)" >&2; exit 1; }
TMP=$(mktemp -d /tmp/phonebulk-pgprof.XXXXXX)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap bench_cleanup EXIT

bench_build phonebulk phonebulk_corpus
bench_corpus "$NUMBERS" "$TMP/corpus"

log "PostgreSQL cluster (fsync on)"
SERVER_URL=$(PHONEBULK_PG_DURABLE=1 PHONEBULK_PG_EXTRA="-c \
  shared_preload_libraries=pg_stat_statements -c track_wal_io_timing=on" \
  scripts/pg-test-cluster.sh start "$TMP/pg")
psql -q "$SERVER_URL" -c "CREATE DATABASE profile" >/dev/null
PG_URL="${SERVER_URL%/*}/profile"
psql -q "$PG_URL" -c "CREATE EXTENSION pg_stat_statements" >/dev/null
POSTMASTER=$(head -1 "$(cat "$TMP/pg/datadir")/pgdata/postmaster.pid")

# CPU seconds (user + system) of one process; with "reaped", plus those of
# its children that have exited (the postmaster's ended backends).
cpu_of() {
  awk -v hz="$(getconf CLK_TCK)" -v reaped="${2:-}" '{
    sub(/^.*\) /, "");  # fields after the command name
    t = $12 + $13; if (reaped != "") t += $14 + $15; printf "%.2f", t / hz
  }' "/proc/$1/stat" 2>/dev/null || echo 0
}
# CPU seconds of the whole PostgreSQL cluster.
pg_cpu() {
  [[ -z $POSTMASTER ]] && { echo 0; return; }
  local kid
  {
    cpu_of "$POSTMASTER" reaped; echo
    for kid in $(pgrep -P "$POSTMASTER"); do cpu_of "$kid"; echo; done
  } | awk '{ t += $1 } END { printf "%.2f", t }'
}

# profile NAME DB: one node on DB under perf while e2e.py runs.
profile() {
  local name=$1 db=$2 token url pg0 pg1 node1 t0 t1
  "$BIN" migrate --db "$db" >/dev/null 2>&1 || true
  start_node "$db" "$TMP/$name.log"
  url=$NODE_URL
  token=$("$BIN" token create --db "$db" --account bench \
    --credits $((NUMBERS * 3)) --rate-limit 100000 | tail -n1)
  log "$name: $NUMBERS numbers, load $(cut -d' ' -f1 /proc/loadavg)"
  if [[ $name != sqlite ]]; then
    psql -qAt "$PG_URL" -c "SELECT pg_stat_statements_reset(), \
      pg_stat_reset_shared('wal')" >/dev/null
  fi
  perf record -q -F 499 -g -p "$NODE_PID" -o "$TMP/$name.perf" \
    >/dev/null 2>&1 &
  local perf_pid=$!
  pg0=$(pg_cpu)
  local node0
  node0=$(cpu_of "$NODE_PID")
  t0=$(date +%s.%N)
  python3 bench/e2e.py --url "$url" --token "$token" \
    --bodies "$TMP/corpus.bodies.jsonl" --numbers "$NUMBERS" \
    >"$OUT/pg_profile_$name.json"
  t1=$(date +%s.%N)
  node1=$(cpu_of "$NODE_PID")
  pg1=$(pg_cpu)
  kill -INT "$perf_pid"; wait "$perf_pid" 2>/dev/null || true
  stop_nodes
  python3 - "$name" "$NUMBERS" "$t0" "$t1" "$node0" "$node1" "$pg0" "$pg1" \
    "$([[ $name == sqlite ]] && echo 0 || echo 1)" <<'EOF'
import sys
name, n, t0, t1, c0, c1, p0, p1, has_pg = sys.argv[1:]
n = int(n); wall = float(t1) - float(t0)
node = float(c1) - float(c0); pg = float(p1) - float(p0)
print(f"\n## {name}: {n:,} numbers in {wall:.1f} s ({n / wall:,.0f}/s)")
print(f"node CPU      {node:7.1f} s  {100 * node / wall:5.0f}% of wall  "
      f"{1e6 * node / n:6.1f} us/number")
if has_pg == "1":
    print(f"database CPU  {pg:7.1f} s  {100 * pg / wall:5.0f}% of wall  "
          f"{1e6 * pg / n:6.1f} us/number")
EOF
  echo "node time by library:"
  perf report -i "$TMP/$name.perf" --stdio --no-children --sort dso \
    2>/dev/null | grep -E '^ +[0-9]' | head -8 || true  # head closes the pipe
  echo "node's heaviest functions (self):"
  perf report -i "$TMP/$name.perf" --stdio --no-children --sort dso,sym \
    -g none 2>/dev/null | grep -E '^ +[0-9]' | head -15 |
    cut -c1-110 || true
  [[ $name == sqlite ]] && return 0
  echo "database's heaviest statements (ms in all, calls, ms a call):"
  psql -qAt -F' | ' "$PG_URL" -c "SELECT round(total_exec_time)::bigint,
      calls, round(mean_exec_time::numeric, 3),
      left(regexp_replace(query, '\s+', ' ', 'g'), 90)
    FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database
      WHERE datname = 'profile') ORDER BY total_exec_time DESC LIMIT 10"
  echo "WAL (records, fsyncs, ms waiting for fsync):"
  psql -qAt -F' | ' "$PG_URL" -c "SELECT wal_records, wal_sync,
      round(wal_sync_time) FROM pg_stat_wal"
}

{
  echo "bench/pg_profile.sh: $(date -u '+%Y-%m-%d %H:%M UTC'), commit" \
    "$(git rev-parse --short HEAD), $(nproc) cores, --workers $WORKERS"
  profile sqlite "sqlite:$TMP/db.sqlite"
  profile postgresql "$PG_URL"
} | tee "$OUT/pg_profile.txt"
