#!/usr/bin/env bash
# The Debian package, end to end, on this machine: builds the .deb from a
# configured build directory (default build/, the Release build of
# scripts/test.sh, which calls this right after its tests), installs it with
# dpkg, checks `phonebulk --version`, the files, the user and the unit
# (systemd-analyze verify), runs the unit's ExecStart as its User= with the
# environment file's settings on a temporary state directory and a free
# loopback port until /healthz and /readyz answer, stops it with SIGTERM as
# systemd would (after taking the backups docs/operations.md describes of
# the live database), then purges the package and checks that the user,
# the state directory and every file are gone. About 15 s beyond the build.
#
# It refuses to run where phonebulk is already installed (it would replace
# and purge that installation). Uses sudo for dpkg when not run as root.
set -euo pipefail
cd "$(dirname "$0")/.."

BUILD_DIR="${1:-build}"
UNIT=/lib/systemd/system/phonebulk.service
ENV_FILE=/etc/phonebulk/phonebulk.env
STATE_DIR=/var/lib/phonebulk
WANTS_LINK=/etc/systemd/system/multi-user.target.wants/phonebulk.service
started=$SECONDS

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

fail() {
  echo "test-package: FAIL: $*" >&2
  exit 1
}
step() { echo "-- $*"; }

# Whether the server (started through $SUDO, so possibly root's) still runs.
alive() { $SUDO kill -0 "$1" 2>/dev/null; }

installed() {
  dpkg-query -W -f='${Status}' phonebulk 2>/dev/null | grep -q "ok installed"
}

if installed || dpkg-query -W -f='${Status}' phonebulk 2>/dev/null |
  grep -q "config-files"; then
  fail "phonebulk is already installed here; this test would replace and" \
    "purge it (dpkg --purge phonebulk first if it is a leftover)"
fi
if getent passwd phonebulk >/dev/null; then
  fail "a user 'phonebulk' exists without the package; the purge would" \
    "delete it"
fi

version="$(sed -n 's/^CMAKE_PROJECT_VERSION:STATIC=//p' \
  "$BUILD_DIR/CMakeCache.txt")"
[ -n "$version" ] || fail "no project version in $BUILD_DIR/CMakeCache.txt"
deb="$BUILD_DIR/phonebulk_${version}_$(dpkg --print-architecture).deb"

tmp="$(mktemp -d)"
server_pid=""
we_installed=0
cleanup() {
  local rc=$?
  if [ -n "$server_pid" ] && alive "$server_pid"; then
    # Through sudo, $server_pid is sudo's, which cannot pass SIGKILL on:
    # its child (the server) is killed by its own id too, so that the
    # purge below finds no process of the phonebulk user.
    local children
    children="$(ps -o pid= --ppid "$server_pid" 2>/dev/null || true)"
    # shellcheck disable=SC2086  # one id a word
    $SUDO kill -KILL $children "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  if [ "$we_installed" = 1 ] && dpkg-query -W phonebulk >/dev/null 2>&1; then
    echo "-- cleaning up: dpkg --purge phonebulk" >&2
    $SUDO dpkg --purge phonebulk >/dev/null 2>&1 || true
  fi
  $SUDO rm -rf "$tmp"
  if [ "$rc" -ne 0 ]; then
    echo "test-package: failed after $((SECONDS - started)) s" >&2
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

step "building $deb (cpack; the binary is built first if it is stale)"
rm -f "$deb"
# The package target builds `all` first (no-op after scripts/test.sh's build)
# and runs cpack in the build directory.
cmake --build "$BUILD_DIR" --target package >"$tmp/cpack.log" 2>&1 ||
  { cat "$tmp/cpack.log" >&2; fail "cpack failed"; }
[ -f "$deb" ] || { cat "$tmp/cpack.log" >&2; fail "no $deb"; }
dpkg-deb --field "$deb" Package Version Architecture Depends
dpkg-deb --contents "$deb" | awk '{print $6}' >"$tmp/contents"
for path in ./usr/bin/phonebulk ./lib/systemd/system/phonebulk.service \
  ./etc/phonebulk/phonebulk.env ./usr/share/doc/phonebulk/copyright \
  ./usr/share/doc/phonebulk/operations.md; do
  grep -qx "$path" "$tmp/contents" || fail "$path is not in the package"
done
# dpkg-shlibdeps found the libraries (libphonenumber, libpq, sqlite...).
dpkg-deb --field "$deb" Depends | grep -q libphonenumber ||
  fail "Depends lacks libphonenumber: was dpkg-shlibdeps run?"

step "dpkg -i"
we_installed=1
$SUDO dpkg -i "$deb"
installed || fail "dpkg does not list phonebulk as installed"

step "phonebulk --version"
/usr/bin/phonebulk --version | tee "$tmp/version"
[ "$(head -n1 "$tmp/version")" = "phonebulk $version" ] ||
  fail "--version did not print 'phonebulk $version' first"

# The installed binary finds its run-time data (iso-codes, a dependency).
/usr/bin/phonebulk validate +441206250380 --json >"$tmp/validate" ||
  fail "phonebulk validate failed"
grep -q '"country_iso":"GBR"' "$tmp/validate" ||
  fail "phonebulk validate: $(cat "$tmp/validate")"

step "user, state directory, configuration"
getent passwd phonebulk >"$tmp/passwd" || fail "no user phonebulk"
IFS=: read -r _ _ uid _ _ home shell <"$tmp/passwd"
[ "$uid" -lt 1000 ] || fail "phonebulk is not a system user (uid $uid)"
[ "$home" = "$STATE_DIR" ] || fail "home is $home, not $STATE_DIR"
[ "$shell" = /usr/sbin/nologin ] || fail "shell is $shell"
[ "$(stat -c '%U:%G %a' "$STATE_DIR")" = "phonebulk:phonebulk 750" ] ||
  fail "$STATE_DIR is $(stat -c '%U:%G %a' "$STATE_DIR")"
[ "$(stat -c '%U' "$STATE_DIR/phonebulk.db")" = phonebulk ] ||
  fail "no database $STATE_DIR/phonebulk.db of user phonebulk"
[ "$(stat -c '%U:%G %a' "$ENV_FILE")" = "root:phonebulk 640" ] ||
  fail "$ENV_FILE is $(stat -c '%U:%G %a' "$ENV_FILE")"
dpkg-query -W -f='${Conffiles}\n' phonebulk | grep -q " $ENV_FILE " ||
  fail "$ENV_FILE is not a conffile"
# Enabled the way debhelper enables units, also without a running systemd.
[ -L "$WANTS_LINK" ] || fail "the unit is not enabled ($WANTS_LINK)"

step "systemd-analyze verify $UNIT"
# verify exits 0 even when it ignores a bad line of the unit, and in a
# container without systemd as PID 1 it may complain about units that are
# not ours (dependencies it cannot load, missing /run/systemd). So its
# exit code says little both ways: what counts is that none of its lines
# names our unit (every complaint about a unit file starts with its path or
# its name).
systemd-analyze verify "$UNIT" >"$tmp/verify" 2>&1 || true
if grep -q "phonebulk" "$tmp/verify"; then
  cat "$tmp/verify" >&2
  fail "systemd-analyze verify complains about the unit"
fi
if [ -s "$tmp/verify" ]; then sed 's/^/  (not ours) /' "$tmp/verify"; fi
# The hardening as systemd scores it (0 best, 10 worst); informational
# beyond a ceiling that catches a lost block of settings.
exposure="$(systemd-analyze security --offline=yes "$UNIT" 2>/dev/null |
  sed -n 's/.*Overall exposure level for phonebulk.service: \([0-9.]*\).*/\1/p')"
echo "  systemd-analyze security: exposure ${exposure:-?} (0 best, 10 worst)"
if [ -n "$exposure" ] && awk "BEGIN{exit !($exposure > 2.5)}"; then
  fail "exposure $exposure: the unit lost hardening"
fi

step "ExecStart as the unit's User=, on a temporary state directory"
unit_value() { sed -n "s/^$1=//p" "$UNIT" | tail -n1; }
exec_start="$(unit_value ExecStart)"
user="$(unit_value User)"
timeout_stop="$(unit_value TimeoutStopSec)"
timeout_stop="${timeout_stop%s}"
if [ -z "$exec_start" ] || [ -z "$user" ] || [ -z "$timeout_stop" ]; then
  fail "the unit lacks ExecStart, User or TimeoutStopSec"
fi
# Run as systemd would: its word splitting (no quotes in our line), no
# variable expansion (refused here rather than done differently).
case "$exec_start" in
  *'$'* | *'"'* | *"'"* | [-@:+!]*) fail "ExecStart needs systemd's own parsing: $exec_start" ;;
esac
read -r -a argv <<<"$exec_start"
echo "  ExecStart: ${argv[*]} (as $user)"
# The environment systemd gives it: the unit's Environment= lines, then the
# environment file's VAR=value lines over them; then this test's own
# database and a free port (port 0: the server picks one and prints it).
env_args=()
while IFS= read -r line; do env_args+=("$line"); done < <(
  sed -n 's/^Environment=//p' "$UNIT"
  grep -E '^[A-Za-z_][A-Za-z0-9_]*=' "$ENV_FILE"
)
printf '  env (unit, then env file): %s\n' "${env_args[@]}"
listen_default="$(printf '%s\n' "${env_args[@]}" |
  sed -n 's/^PHONEBULK_LISTEN=//p' | tail -n1)"
[ "$listen_default" = 127.0.0.1:8080 ] ||
  fail "the default listen address is '$listen_default'"
db_default="$(printf '%s\n' "${env_args[@]}" |
  sed -n 's/^PHONEBULK_DB=//p' | tail -n1)"
[ "$db_default" = "sqlite:$STATE_DIR/phonebulk.db" ] ||
  fail "the default database is '$db_default'"

state="$tmp/state"
chmod 0755 "$tmp"
$SUDO install -d -o "$user" -g "$user" -m 0750 "$state"
db="sqlite:$state/phonebulk.db"
# The package's postinst creates the database the same way.
$SUDO setpriv --reuid="$user" --regid="$user" --init-groups \
  /usr/bin/phonebulk migrate --create --db "$db" >/dev/null
# Made before the server starts: its redirections happen in the background
# job, and the wait loop's sed must never find the file missing (set -e
# would end the script on a busy machine).
: >"$tmp/server.out"
: >"$tmp/server.err"
$SUDO setpriv --reuid="$user" --regid="$user" --init-groups \
  env -i -C "$state" PATH=/usr/sbin:/usr/bin:/sbin:/bin "${env_args[@]}" \
  PHONEBULK_DB="$db" PHONEBULK_LISTEN=127.0.0.1:0 \
  "${argv[@]}" >"$tmp/server.out" 2>"$tmp/server.err" &
server_pid=$!

deadline=$((SECONDS + 30))
url=""
while [ -z "$url" ]; do
  url="$(sed -n 's/^phonebulk listening on \(http:[^ ]*\)$/\1/p' \
    "$tmp/server.out")"
  if [ -z "$url" ]; then
    alive "$server_pid" ||
      { cat "$tmp/server.err" >&2; fail "the server exited at start"; }
    [ "$SECONDS" -lt "$deadline" ] ||
      { cat "$tmp/server.err" >&2; fail "no 'listening' line in 30 s"; }
    sleep 0.1
  fi
done
echo "  listening on $url"
until curl -fsS -o /dev/null --max-time 2 "$url/healthz"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "/healthz did not answer in 30 s"
  sleep 0.1
done
echo "  /healthz 200"
code="$(curl -sS -o /dev/null -w '%{http_code}' --max-time 5 "$url/readyz")"
[ "$code" = 200 ] || fail "/readyz answered $code"
echo "  /readyz 200"
$SUDO test -f "$state/phonebulk.db" || fail "the server did not use $db"

step "backups of the live database, as docs/operations.md takes them"
as_user() { $SUDO setpriv --reuid="$user" --regid="$user" --init-groups "$@"; }
as_user /usr/bin/phonebulk token create --db "$db" --account acme \
  --credits 10 >/dev/null
as_user sqlite3 "$state/phonebulk.db" ".backup $state/backup.db"
as_user /usr/bin/phonebulk store copy --from "$db" \
  --to "sqlite:$state/copy.db" >/dev/null
for copy in backup copy; do
  as_user /usr/bin/phonebulk account list --db "sqlite:$state/$copy.db" |
    grep -q acme || fail "the $copy of the live database lacks its account"
done
echo "  sqlite3 .backup and phonebulk store copy: both hold the account"

step "SIGTERM (KillSignal=), exit within TimeoutStopSec=${timeout_stop}s"
$SUDO kill -TERM "$server_pid"
deadline=$((SECONDS + timeout_stop))
while alive "$server_pid"; do
  [ "$SECONDS" -lt "$deadline" ] || fail "still running after ${timeout_stop}s"
  sleep 0.1
done
rc=0
wait "$server_pid" || rc=$?
server_pid=""
[ "$rc" -eq 0 ] || { cat "$tmp/server.err" >&2; fail "exit code $rc"; }
grep -q "event=stopped" "$tmp/server.err" || fail "no event=stopped logged"
echo "  drained and exited 0"

step "dpkg --purge phonebulk"
$SUDO dpkg --purge phonebulk
we_installed=0
! installed || fail "phonebulk is still installed"
! getent passwd phonebulk >/dev/null || fail "user phonebulk is left"
! getent group phonebulk >/dev/null || fail "group phonebulk is left"
for path in /usr/bin/phonebulk "$UNIT" "$ENV_FILE" /etc/phonebulk \
  "$STATE_DIR" /usr/share/doc/phonebulk "$WANTS_LINK"; do
  if [ -e "$path" ] || [ -L "$path" ]; then fail "$path is left"; fi
done
echo "  package, user, group, state directory and files gone"

echo "test-package: OK in $((SECONDS - started)) s (cpack included)"
