#!/usr/bin/env bash
# Numbers/s end to end with 1, 2 and 3 phonebulk nodes on one PostgreSQL
# database, beside one node on SQLite and the bare libphonenumber loop, all
# in the same run on the same corpus (issue 12).
#
#   bench/multinode.sh      # ~4 minutes on 2 cores; bench/out/multinode.txt
#
# Each configuration gets a fresh database (SQLite file, or a new database in
# one throw-away PostgreSQL cluster started with fsync on, so the two engines
# are compared at the same durability) and a fresh set of nodes, each with
# --workers $WORKERS; bench/e2e.py creates batch k on node k mod N and reads
# it on the next node. Knobs: NUMBERS (100000), WORKERS (1), NODES ("1 2 3"),
# BUILD_DIR (build-bench), JOBS (2).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD_DIR=${BUILD_DIR:-build-bench}
OUT=$ROOT/bench/out
NUMBERS=${NUMBERS:-100000}
WORKERS=${WORKERS:-1}
NODES=${NODES:-"1 2 3"}
JOBS=${JOBS:-2}
mkdir -p "$OUT"
TMP=$(mktemp -d /tmp/phonebulk-multinode.XXXXXX)
# shellcheck source=bench/lib.sh
source "$ROOT/bench/lib.sh"
trap bench_cleanup EXIT

bench_build phonebulk phonebulk_corpus ceiling_benchmark
bench_corpus "$NUMBERS" "$OUT/multinode_corpus"

log "the bare libphonenumber loop (same corpus)"
"$ROOT/$BUILD_DIR/bench/ceiling_benchmark" \
  --corpus="$OUT/multinode_corpus.tsv" --rows="$NUMBERS" \
  --benchmark_filter='^BM_Ceiling/' \
  --benchmark_out="$OUT/multinode_ceiling.json" \
  --benchmark_out_format=json >/dev/null

log "PostgreSQL cluster (fsync on)"
SERVER_URL=$(PHONEBULK_PG_DURABLE=1 scripts/pg-test-cluster.sh start "$TMP/pg")

# run NAME DB NODES: e2e over NODES fresh nodes on DB, JSON in OUT/mn_NAME.json
run() {
  local name=$1 db=$2 n=$3 urls=() token
  "$BIN" migrate --db "$db" >/dev/null 2>&1 || true
  for i in $(seq "$n"); do
    start_node "$db" "$TMP/$name.$i.log"
    urls+=(--url "$NODE_URL")
  done
  token=$("$BIN" token create --db "$db" --account bench \
    --credits $((NUMBERS * 3)) --rate-limit 100000 | tail -n1)
  log "$name: $NUMBERS numbers over $n node(s), load $(cut -d' ' -f1 /proc/loadavg)"
  python3 bench/e2e.py "${urls[@]}" --token "$token" \
    --bodies "$OUT/multinode_corpus.bodies.jsonl" --numbers "$NUMBERS" \
    >"$OUT/mn_$name.json"
  stop_nodes
}

run sqlite_1 "sqlite:$TMP/db.sqlite" 1
for n in $NODES; do
  psql -q "$SERVER_URL" -c "CREATE DATABASE bench_$n" >/dev/null
  run "pg_$n" "${SERVER_URL%/*}/bench_$n" "$n"
done

python3 - "$OUT" "$NODES" "$WORKERS" <<'EOF' | tee "$OUT/multinode.txt"
import json, sys
out, nodes, workers = sys.argv[1], sys.argv[2].split(), sys.argv[3]
ceiling = {b["threads"]: b["items_per_second"]
           for b in json.load(open(f"{out}/multinode_ceiling.json"))["benchmarks"]
           if b.get("run_type", "iteration") == "iteration"}
base = ceiling.get(1)
print(f"bare libphonenumber loop: {base:,.0f}/s (1 thread)"
      + (f", {ceiling[2]:,.0f}/s (2 threads)" if 2 in ceiling else ""))
print(f"{'configuration':<22}{'end to end /s':>15}{'server /s':>12}"
      f"{'vs loop':>9}  errors")
for name in ["sqlite_1"] + [f"pg_{n}" for n in nodes]:
    r = json.load(open(f"{out}/mn_{name}.json"))
    label = (f"SQLite, 1 node" if name == "sqlite_1"
             else f"PostgreSQL, {name[3:]} node(s)")
    label += f" x{workers}w"
    server = r["server_processing_numbers_per_second"] or 0
    print(f"{label:<22}{r['numbers_per_second']:>15,.0f}{server:>12,.0f}"
          f"{r['numbers_per_second'] / base:>9.2f}  {len(r['errors'])}")
EOF
