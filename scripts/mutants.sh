#!/usr/bin/env bash
# Mutation testing on demand (not in CI): does the test suite notice when a
# rule is broken? Each line of the catalog (default tests/mutants.tsv) is one
# realistic defect; this script applies them one at a time, rebuilds
# incrementally, runs the tests against the mutant, restores the file, and
# prints per mutant
#   killed     a test failed: the rule is pinned;
#   survived   every test passed: no test pins the rule (write one);
#   stillborn  the mutant does not compile (fix the catalog line);
#   invalid    its exact text is not found exactly once in the file;
# and the score = killed / (killed + survived). docs/testing.md explains it.
#
#   scripts/mutants.sh [CATALOG]
#
# Environment:
#   BUILD_DIR   build directory (default build-mutants: a Release build of
#               its own, so the mutants never touch build/)
#   JOBS        build and test parallelism (default nproc)
#   TESTS       a ctest -R regex of the tests to run against each mutant
#               (default: the whole suite but the fault harness, -LE fault)
#   ONLY        run only the catalog lines whose line number matches this
#               regex entirely (e.g. ONLY='23|41'), to try one mutant
#   BASELINE=0  skip the unmutated run of the tests before the mutants
#   CHECK_ONLY=1  apply, compile and restore each mutant without running
#               any test: checks that every line is valid and compiles. Only
#               the objects of the mutated file are compiled (no linking, a
#               body change cannot break a link), so a check of the whole
#               catalog takes minutes, not the hour of full rebuilds
#   TEST_TIMEOUT  seconds per test (default 600); a mutant that hangs a test
#               is killed by the timeout
#
# Exits 0 whatever the mutants do; 2 on a usage or catalog error, 1 when the
# unmutated tree does not build or its tests fail (the score would mean
# nothing).
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ $# -gt 1 || "${1:-}" == -h || "${1:-}" == --help ]]; then
  sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
fi
catalog="${1:-tests/mutants.tsv}"
if [[ ! -f "$catalog" ]]; then
  echo "error: no catalog $catalog" >&2
  exit 2
fi
build_dir="${BUILD_DIR:-build-mutants}"
jobs="${JOBS:-$(nproc)}"
tests="${TESTS:-}"
only="${ONLY:-}"
baseline="${BASELINE:-1}"
check_only="${CHECK_ONLY:-0}"
test_timeout="${TEST_TIMEOUT:-600}"
log_dir="$build_dir/mutant-logs"

# The catalog is read and applied by python3, byte for byte: bash `read`
# with a TAB IFS would merge the empty field of a deleting mutant, and sed
# would treat the exact text as a pattern.
#   list CATALOG            -> "LINE<TAB>PATH<TAB>WHY" per mutant; exits 2
#                              on a malformed line
#   apply CATALOG LINE      -> replaces the text in place; exits 3 when it
#                              is not found exactly once (nothing written)
catalog_tool() {
  python3 - "$@" <<'PY'
import sys

def rows(catalog):
    with open(catalog, "rb") as f:
        for n, raw in enumerate(f.read().split(b"\n"), start=1):
            line = raw[:-1] if raw.endswith(b"\r") else raw
            if not line.strip() or line.lstrip().startswith(b"#"):
                continue
            fields = line.split(b"\t")
            if len(fields) != 4 or not fields[0] or not fields[1] or not fields[3]:
                sys.stderr.write(
                    f"{catalog}:{n}: want 4 TAB-separated fields (path, exact "
                    f"text, replacement, why), text and why not empty\n")
                sys.exit(2)
            yield n, fields

cmd, catalog = sys.argv[1], sys.argv[2]
if cmd == "list":
    for n, (path, _, _, why) in rows(catalog):
        sys.stdout.write(f"{n}\t{path.decode()}\t{why.decode()}\n")
elif cmd == "apply":
    want = int(sys.argv[3])
    for n, (path, text, replacement, _) in rows(catalog):
        if n != want:
            continue
        try:
            with open(path, "rb") as f:
                source = f.read()
        except OSError as e:
            sys.stderr.write(f"{e}\n")
            sys.exit(3)
        found = source.count(text)
        if found != 1:
            sys.stderr.write(f"the text occurs {found} times in {path.decode()}\n")
            sys.exit(3)
        # Rewritten in place (same inode, mode kept); the new mtime makes
        # the build recompile it.
        with open(path, "r+b") as f:
            f.truncate(0)
            f.write(source.replace(text, replacement, 1))
        sys.exit(0)
    sys.stderr.write(f"no mutant on line {want}\n")
    sys.exit(2)
PY
}

mutants="$(catalog_tool list "$catalog")" || exit 2
if [[ -z "$mutants" ]]; then
  echo "error: $catalog holds no mutant" >&2
  exit 2
fi

# The file being mutated and its pristine copy. Whatever ends the script
# (Ctrl-C, an error, a normal end), the EXIT trap puts the file back, so the
# tree is never left mutated.
mutated=""
backup="$(mktemp "${TMPDIR:-/tmp}/phonebulk-mutant.XXXXXX")"
restore() {
  if [[ -n "$mutated" ]]; then
    # Content only, with a fresh mtime: restoring the old mtime would make
    # the mutant's object files look newer than the source, and the build
    # would keep the mutant.
    cat "$backup" >"$mutated"
    mutated=""
  fi
}
stop_pg_cluster() {
  # ctest --stop-on-failure can end before the pg_cluster fixture's cleanup
  # test: stop a throw-away cluster left behind rather than leak it.
  if [[ -f "$build_dir/pg-test/datadir" ]]; then
    scripts/pg-test-cluster.sh stop "$build_dir/pg-test" || true
  fi
}
# shellcheck disable=SC2317  # reached through the EXIT trap
on_exit() {
  local rc=$?
  restore
  rm -f "$backup"
  stop_pg_cluster
  exit "$rc"
}
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

configure() {
  local launcher=()
  # ccache makes the rebuild after each restore nearly free: the restored
  # file's objects are already in the cache.
  if command -v ccache >/dev/null; then
    launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  fi
  cmake -S . -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release \
    -DPHONEBULK_BENCH=OFF "${launcher[@]}" >/dev/null
}
build() { cmake --build "$build_dir" -j"$jobs"; }
# Compiles only the object files built from source file $1 (what ninja
# says depends on it directly).
compile_objects() {
  local objects=()
  mapfile -t objects < <(ninja -C "$build_dir" -t query "$PWD/$1" |
    sed -n '/^  outputs:/,/^  [a-z]*:/{/^    /s/^ *//p}')
  if [[ ${#objects[@]} -eq 0 ]]; then
    echo "no object is built from $1" >&2
    return 1
  fi
  ninja -C "$build_dir" -j"$jobs" "${objects[@]}"
}
run_tests() {
  local select=(-LE fault)
  [[ -n "$tests" ]] && select=(-R "$tests")
  ctest --test-dir "$build_dir" --output-on-failure --stop-on-failure \
    --timeout "$test_timeout" -j"$jobs" "${select[@]}"
}
build_mutant() {
  if [[ "$check_only" == 1 ]]; then compile_objects "$1"; else build; fi
}
# The first failed test of a ctest log, to say what killed the mutant.
first_failure() {
  sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) .*\*\*\*.*/\1/p' "$1" |
    head -n 1
}

mkdir -p "$log_dir"
echo "== configure and build the unmutated tree ($build_dir)"
configure
if ! build >"$log_dir/baseline.build.log" 2>&1; then
  tail -n 40 "$log_dir/baseline.build.log" >&2
  echo "error: the unmutated tree does not build" >&2
  exit 1
fi
if [[ "$baseline" == 1 && "$check_only" != 1 ]]; then
  echo "== baseline: the tests on the unmutated tree"
  if ! run_tests >"$log_dir/baseline.test.log" 2>&1; then
    tail -n 40 "$log_dir/baseline.test.log" >&2
    echo "error: the tests fail without any mutant; fix that first" >&2
    exit 1
  fi
  stop_pg_cluster
fi

declare -a results=()
killed=0 survived=0 stillborn=0 invalid=0 compiled=0
total="$(grep -c . <<<"$mutants")"
i=0
# The list comes in on fd 3: a build or a test reading stdin must not eat it.
while IFS=$'\t' read -r -u 3 line path why; do
  i=$((i + 1))
  if [[ -n "$only" && ! "$line" =~ ^($only)$ ]]; then
    continue
  fi
  detail=""
  if ! cp "$path" "$backup" 2>"$log_dir/line-$line.apply.log"; then
    outcome=invalid
    detail="$(cat "$log_dir/line-$line.apply.log")"
    invalid=$((invalid + 1))
  elif mutated="$path" && ! catalog_tool apply "$catalog" "$line" 2>"$log_dir/line-$line.apply.log"; then
    mutated=""  # nothing was written
    outcome=invalid
    detail="$(cat "$log_dir/line-$line.apply.log")"
    invalid=$((invalid + 1))
  elif ! build_mutant "$path" >"$log_dir/line-$line.build.log" 2>&1; then
    outcome=stillborn
    detail="$(grep -m1 'error' "$log_dir/line-$line.build.log" || true)"
    stillborn=$((stillborn + 1))
  elif [[ "$check_only" == 1 ]]; then
    outcome=compiles
    compiled=$((compiled + 1))
  elif run_tests >"$log_dir/line-$line.test.log" 2>&1; then
    outcome=survived
    survived=$((survived + 1))
  else
    outcome=killed
    detail="by $(first_failure "$log_dir/line-$line.test.log")"
    killed=$((killed + 1))
  fi
  restore
  stop_pg_cluster
  printf '[%d/%d] line %-4s %-9s %s: %s %s\n' "$i" "$total" "$line" \
    "$outcome" "$path" "$why" "$detail"
  results+=("$(printf '%-5s %-9s %-40s %s' "$line" "$outcome" "$path" "$why")")
done 3<<<"$mutants"

# The last mutant's objects are still in the build: rebuild the restored
# tree so build-mutants ends as the source is.
echo "== rebuilding the restored tree"
if ! build >"$log_dir/final.build.log" 2>&1; then
  echo "warning: the restored tree did not rebuild; see $log_dir/final.build.log" >&2
fi

echo
echo "== mutants (logs in $log_dir)"
printf '%-5s %-9s %-40s %s\n' line result file "why it matters"
for r in "${results[@]}"; do echo "$r"; done
echo
if [[ "$check_only" == 1 ]]; then
  echo "checked: $compiled compile, $stillborn stillborn, $invalid invalid"
else
  echo "killed $killed, survived $survived, stillborn $stillborn, invalid $invalid"
  if ((killed + survived > 0)); then
    echo "score: $killed / $((killed + survived)) = $((100 * killed / (killed + survived)))%"
  else
    echo "score: n/a (no mutant ran)"
  fi
fi
exit 0
