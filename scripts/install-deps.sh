#!/usr/bin/env bash
# Installs the Debian 12 packages phonebulk needs, and only those missing,
# and the npm packages of the OpenAPI test's validator (tests/openapi), of
# the browser tests (tests/browser: playwright-core drives chromium) and of
# the web console's build (web/: esbuild bundles it, cmake/Console.cmake).
# Every dependency of the project comes from here (see docs/data.md for the
# data packages).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config clang-14 libclang-rt-14-dev
  # libraries
  libphonenumber-dev libboost1.74-dev rapidjson-dev nlohmann-json3-dev
  libspdlog-dev libcli11-dev libcsv-dev libcurl4-openssl-dev libssl-dev
  libsqlite3-dev libpq-dev libabsl-dev libpugixml-dev libmsgpack-cxx-dev
  # the metadata compiler runs ICU's regex, libphonenumber's, at build time
  # (src/phone/engine/compile_parse.cc); libphonenumber-dev does not pull it
  libicu-dev
  # tests and benchmarks (postgresql: the throw-away test cluster,
  # scripts/pg-test-cluster.sh)
  libgtest-dev libgmock-dev libbenchmark-dev postgresql
  # data
  iso-codes mobile-broadband-provider-info python3-phonenumbers
  # the /metrics test parses the exposition with the reference parser
  python3-prometheus-client
  # the browser tests drive Debian's chromium headless (tests/browser)
  chromium
  # tools the README's walk-through uses
  curl sqlite3
  # the .deb (cmake/Packaging.cmake) and its test (scripts/test-package.sh):
  # dpkg-shlibdeps finds the package's library dependencies; systemd brings
  # systemd-analyze, which checks the unit (no running systemd needed)
  dpkg-dev systemd
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# Node.js runs the OpenAPI test's validator (tests/openapi). A machine may
# have it from elsewhere than Debian (with npm inside); only when a command
# is missing are Debian's packages installed.
if ! command -v node >/dev/null; then missing+=(nodejs); fi
if ! command -v npm >/dev/null; then missing+=(npm); fi

if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  echo "Installing: ${missing[*]}"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

# The npm packages of the OpenAPI validator, of the browser tests and of
# the console's build, exactly as each package-lock.json pins them;
# installed again only when a lock file changes, so later runs (and every
# build) need no network.
root="$(cd "$(dirname "$0")/.." && pwd)"
for dir in "$root/tests/openapi" "$root/tests/browser" "$root/web"; do
  stamp="$dir/node_modules/.installed-lock.json"
  if ! cmp -s "$dir/package-lock.json" "$stamp"; then
    echo "Installing the npm packages of ${dir#"$root"/}"
    npm ci --prefix "$dir" --no-audit --no-fund
    cp "$dir/package-lock.json" "$stamp"
  fi
done
