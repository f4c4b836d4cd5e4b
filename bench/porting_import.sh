#!/usr/bin/env bash
# bench/porting_import.sh: how long `phonebulk porting import` takes for a
# large portability file (issue 6: 1,000,000 rows in under 30 s).
#
# Writes a deterministic CSV (python3 standard library; same bytes for the
# same ROWS and SEED), then times with /usr/bin/time -v (wall clock, peak
# RSS):
#   1. merge  into a fresh database (every row an insert),
#   2. replace on that database (staging table + swap; the old table holds
#      the same numbers, so the swap drops a full table),
#   3. merge  again on that database (every row an update).
# Everything lands in bench/out/porting/ (git-ignored); the summary is
# bench/out/porting/summary.txt.
#
# Environment: ROWS (1000000), SEED (1), BUILD_DIR (build-bench: built if
# the binary is missing), PHONEBULK_BINARY (use this binary instead), JOBS
# (2), COMMIT (what to record; default: git rev-parse).
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
ROWS=${ROWS:-1000000}
SEED=${SEED:-1}
BUILD_DIR=${BUILD_DIR:-build-bench}
JOBS=${JOBS:-2}
OUT=$ROOT/bench/out/porting
mkdir -p "$OUT"

BIN=${PHONEBULK_BINARY:-$ROOT/$BUILD_DIR/phonebulk}
if [[ ! -x $BIN ]]; then
  cmake -S "$ROOT" -B "$ROOT/$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    >"$OUT/build.log"
  cmake --build "$ROOT/$BUILD_DIR" -j"$JOBS" --target phonebulk >>"$OUT/build.log"
fi

CSV=$OUT/porting_${ROWS}.csv
if [[ ! -s $CSV ]]; then
  # UK-style mobile numbers from a seeded generator, in random order (the
  # slow case for a b-tree; providers' exports are often sorted), with
  # about 0.5% rows that must be rejected (bad dates, bad MCC/MNC, bad
  # numbers) so the rejection path is part of the figure.
  python3 - "$ROWS" "$SEED" "$CSV" <<'EOF'
import datetime, random, sys
rows, seed, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rng = random.Random(seed)
ops = [("Vodafone", "23415"), ("O2", "23410"), ("EE", "23430"),
       ("Three", "23420"), ("Sky Mobile", "23457"), ("Lyca, UK", "234026")]
epoch = datetime.date(2005, 1, 1)
with open(path, "w", newline="") as f:
    f.write("number,operator_name,mccmnc,ported_date\n")
    for _ in range(rows):
        number = "+4474%08d" % rng.randrange(100_000_000)
        name, mccmnc = ops[rng.randrange(len(ops))]
        if '"' in name or "," in name:
            name = '"%s"' % name.replace('"', '""')
        day = epoch + datetime.timedelta(days=rng.randrange(7000))
        date = day.isoformat() if rng.random() < 0.7 else day.isoformat() + "T00:00:00Z"
        bad = rng.random()
        if bad < 0.002:
            date = "2019-13-01"
        elif bad < 0.004:
            mccmnc = "234"
        elif bad < 0.005:
            number = number[:6] + "x" + number[7:]
        f.write("%s,%s,%s,%s\n" % (number, name, mccmnc, date))
EOF
fi

DB=$OUT/porting.sqlite
rm -f "$DB" "$DB-wal" "$DB-shm"

# run NAME ARGS...: times one import, keeps its stdout/stderr and the
# /usr/bin/time report, and prints "NAME wall_s peak_rss_mib".
run() {
  local name=$1
  shift
  /usr/bin/time -v -o "$OUT/$name.time" "$BIN" porting import --create --db "sqlite:$DB" \
    "$@" "$CSV" >"$OUT/$name.out" 2>"$OUT/$name.err"
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
           n = split($2, p, ":"); s = 0
           for (i = 1; i <= n; i++) s = s * 60 + p[i]
           printf "%.1f", s }' "$OUT/$name.time")
  rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' \
          "$OUT/$name.time")
  echo "$name $wall $rss"
}

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
R1=$(run merge_fresh)
R2=$(run replace --replace)
R3=$(run merge_update --merge)
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

if [[ -z ${COMMIT:-} ]]; then
  COMMIT=$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)
  git -C "$ROOT" diff --quiet 2>/dev/null || COMMIT="$COMMIT + uncommitted changes"
fi
CPU=$(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo)
{
  echo "porting import, $ROWS rows ($(du -h "$CSV" | cut -f1) CSV), seed $SEED"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')  commit: $COMMIT"
  echo "machine: $(nproc) cores, $CPU; load average before $LOAD_BEFORE, after $LOAD_AFTER"
  echo "accepted/rejected (first run): $(grep -E '^(accepted|rejected):' "$OUT/merge_fresh.out" | tr '\n' ' ')"
  echo "database: $(du -h "$DB" | cut -f1)"
  printf '%-14s %8s %14s\n' run wall_s peak_rss_MiB
  for r in "$R1" "$R2" "$R3"; do
    # shellcheck disable=SC2086
    printf '%-14s %8s %14s\n' $r
  done
} | tee "$OUT/summary.txt"
