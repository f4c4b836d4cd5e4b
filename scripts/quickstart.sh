#!/usr/bin/env bash
# The README's first command: install what is missing, build, and start the
# server on the embedded default (a SQLite file under ./var/). On first start
# a demo account is created and its token printed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)" --target phonebulk
mkdir -p var
exec build/phonebulk serve --demo \
  --listen "${PHONEBULK_LISTEN:-127.0.0.1:8080}" \
  --db "${PHONEBULK_DB:-sqlite:var/phonebulk.db}"
