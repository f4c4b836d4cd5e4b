# Shared by the bench scripts that start phonebulk nodes (multinode.sh,
# pg_profile.sh); sourced, not run. The caller sets ROOT, BUILD_DIR, OUT,
# JOBS, WORKERS and TMP (a scratch directory), and traps EXIT with
# bench_cleanup.

log() { printf '== %s\n' "$*" >&2; }

# bench_build TARGET...: a Release build without tests in $BUILD_DIR (made
# when missing) of TARGETs; sets BIN to the phonebulk binary.
bench_build() {
  if [[ ! -f $BUILD_DIR/build.ninja ]]; then
    cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
      -DPHONEBULK_TESTS=OFF >"$OUT/cmake.log"
  fi
  log "building (-j$JOBS)"
  cmake --build "$BUILD_DIR" -j"$JOBS" --target "$@" >"$OUT/build.log" ||
    { tail -30 "$OUT/build.log"; exit 1; }
  BIN=$ROOT/$BUILD_DIR/phonebulk
}

# bench_corpus N PREFIX: N rows of the seeded corpus as PREFIX.tsv and the
# create bodies PREFIX.bodies.jsonl.
bench_corpus() {
  log "corpus: $1 rows"
  "$ROOT/$BUILD_DIR/bench/phonebulk_corpus" --seed=1 --count="$1" \
    --out="$2" 2>/dev/null
}

# start_node DB LOG: starts `phonebulk serve` on DB with --workers $WORKERS,
# logging to LOG; sets NODE_URL and NODE_PID and adds the pid to PIDS.
# Called directly, never in $(...): a subshell would keep the pid to
# itself and stop_nodes could not stop the node.
PIDS=()
start_node() {
  local db=$1 log=$2 out
  out=$(mktemp "$TMP/out.XXXXXX")
  "$BIN" serve --create --listen 127.0.0.1:0 --db "$db" --workers "$WORKERS" \
    >"$out" 2>"$log" &
  NODE_PID=$!
  PIDS+=("$NODE_PID")
  NODE_URL=
  for _ in $(seq 200); do
    NODE_URL=$(sed -n 's/^phonebulk listening on //p' "$out")
    [[ -n $NODE_URL ]] && return 0
    sleep 0.1
  done
  cat "$log" >&2
  return 1
}

# Stops (SIGTERM) and waits for every node start_node started.
stop_nodes() {
  local pid
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  PIDS=()
}

# The EXIT trap: stops the nodes and the PostgreSQL cluster in $TMP/pg (if
# one was started) and deletes $TMP.
bench_cleanup() {
  stop_nodes
  "$ROOT/scripts/pg-test-cluster.sh" stop "$TMP/pg" >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
