#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests: initdb in a fresh temporary
# directory, listening on loopback only, on a free port, run as an
# unprivileged user (initdb and postgres refuse to run as root; as root the
# cluster runs as the Debian package's "postgres" user, or "nobody").
#
#   scripts/pg-test-cluster.sh start STATE_DIR   # prints the URL
#   scripts/pg-test-cluster.sh stop STATE_DIR    # stops it, deletes its data
#   scripts/pg-test-cluster.sh url STATE_DIR     # prints the URL again
#   scripts/pg-test-cluster.sh restart STATE_DIR # pg_ctl restart -m fast
#                                                # (tests/integration/fault_test.cc)
#
# STATE_DIR keeps the URL (STATE_DIR/url, read by the tests through
# PHONEBULK_TEST_PG_URL_FILE) and where the data lives. The cluster trusts
# loopback logins and runs without fsync: it holds test data only
# (PHONEBULK_PG_DURABLE=1: with fsync, for benchmarks).
set -euo pipefail

cmd="${1:-}"
state="${2:-}"
if [[ -z "$cmd" || -z "$state" ]]; then
  echo "usage: $0 start|stop|url|restart STATE_DIR" >&2
  exit 2
fi

bindir="$(pg_config --bindir 2>/dev/null || true)"
for d in /usr/lib/postgresql/*/bin; do
  [[ -x "$bindir/initdb" ]] || bindir="$d"
done
if [[ ! -x "$bindir/initdb" ]]; then
  echo "initdb not found: install the Debian package postgresql" >&2
  exit 1
fi

run_as=()
owner=""
if [[ "$(id -u)" -eq 0 ]]; then
  owner=postgres
  getent passwd postgres >/dev/null || owner=nobody
  run_as=(runuser -u "$owner" --)
fi

stop_cluster() {
  [[ -f "$state/datadir" ]] || return 0
  local data
  data="$(cat "$state/datadir")"
  if [[ -f "$data/pgdata/postmaster.pid" ]]; then
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data/pgdata" -m immediate -w stop \
      >/dev/null 2>&1 || true
  fi
  rm -rf "$data"
  rm -f "$state/datadir" "$state/url"
}

case "$cmd" in
  start)
    mkdir -p "$state"
    stop_cluster  # a cluster left by an interrupted run
    data="$(mktemp -d /tmp/phonebulk-pg.XXXXXX)"
    echo "$data" >"$state/datadir"
    [[ -n "$owner" ]] && chown "$owner" "$data"
    "${run_as[@]}" "$bindir/initdb" -D "$data/pgdata" -U postgres \
      --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$data/initdb.log" 2>&1 || {
      cat "$data/initdb.log" >&2
      exit 1
    }
    # A free port: bind port 0 and let the kernel choose. Another process
    # could take it before postgres does; then pg_ctl fails and we retry.
    # Test data needs no durability; a benchmark that compares with SQLite
    # does (PHONEBULK_PG_DURABLE=1 keeps fsync and synchronous commits).
    speed="-c fsync=off -c synchronous_commit=off -c full_page_writes=off"
    [[ "${PHONEBULK_PG_DURABLE:-0}" == 1 ]] && speed=""
    # PHONEBULK_PG_EXTRA: more server settings, e.g. bench/pg_profile.sh's
    # statement statistics.
    speed="$speed ${PHONEBULK_PG_EXTRA:-}"
    for attempt in 1 2 3 4 5; do
      port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
      if "${run_as[@]}" "$bindir/pg_ctl" -D "$data/pgdata" -l "$data/server.log" -w -t 30 \
          -o "-c listen_addresses=127.0.0.1 -p $port -k $data $speed \
              -c max_connections=300 -c shared_buffers=32MB" \
          start >/dev/null; then
        url="postgresql://postgres@127.0.0.1:$port/postgres"
        echo "$url" >"$state/url"
        echo "$url"
        exit 0
      fi
    done
    cat "$data/server.log" >&2 || true
    exit 1
    ;;
  stop)
    stop_cluster
    ;;
  url)
    cat "$state/url"
    ;;
  restart)
    # Same port and options: pg_ctl takes them from postmaster.opts. A fast
    # shutdown ends every session, as a real restart does.
    data="$(cat "$state/datadir")"
    "${run_as[@]}" "$bindir/pg_ctl" -D "$data/pgdata" -l "$data/server.log" \
      -m fast -w -t 60 restart >/dev/null
    ;;
  *)
    echo "usage: $0 start|stop|url|restart STATE_DIR" >&2
    exit 2
    ;;
esac
