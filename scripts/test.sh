#!/usr/bin/env bash
# Run the whole suite twice, side by side: on SQLite and on a throw-away
# PostgreSQL server started here on a free local port. Stops what it started; exits
# non-zero if either run fails. Extra arguments go to pytest.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
export CHROMIUM_PATH=${CHROMIUM_PATH:-$(command -v chromium || echo /usr/bin/chromium)}
mkdir -p var

pgdir=$(mktemp -d /tmp/etjanst-pg.XXXXXX)
port=$($PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  # PostgreSQL refuses to run as root: run it as the postgres user.
  chown postgres "$pgdir"
  as_pg=(runuser -u postgres --)
fi
stop_pg() {
  "${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$pgdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$pgdir"
}
trap stop_pg EXIT

echo "== Starting PostgreSQL on 127.0.0.1:$port"
"${as_pg[@]}" "$PG_BIN/initdb" -D "$pgdir/data" -U etjanst --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null || exit 1
"${as_pg[@]}" "$PG_BIN/pg_ctl" -D "$pgdir/data" -l "$pgdir/server.log" -w -o \
  "-p $port -k $pgdir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
  start >/dev/null || { cat "$pgdir/server.log"; exit 1; }
"${as_pg[@]}" "$PG_BIN/createdb" -h "$pgdir" -p "$port" -U etjanst etjanst || exit 1

status=0
echo "== Layer contract (lint-imports, see docs/architecture.md)"
.venv/bin/lint-imports --no-cache || status=1
if [[ -n ${ETJANST_TEST_SERIAL:-} ]]; then
  echo "== Test suite on SQLite"
  DATABASE_URL= $PY -m pytest "$@" || status=1
  echo "== Test suite on PostgreSQL"
  DATABASE_URL="postgres://etjanst@127.0.0.1:$port/etjanst" $PY -m pytest "$@" || status=1
else
  # The two runs share nothing (free ports, their own media folders and
  # databases), so they run side by side: each is one Python process, and
  # the machine has at least two cores. The SQLite run's output follows the
  # PostgreSQL run's. ETJANST_TEST_SERIAL=1 runs them one after the other.
  sqlite_log=$(mktemp /tmp/etjanst-sqlite.XXXXXX)
  DATABASE_URL= $PY -m pytest -p no:cacheprovider "$@" >"$sqlite_log" 2>&1 &
  sqlite_pid=$!
  echo "== Test suite on PostgreSQL (the SQLite run goes on beside it)"
  DATABASE_URL="postgres://etjanst@127.0.0.1:$port/etjanst" $PY -m pytest "$@" || status=1
  wait $sqlite_pid || status=1
  echo "== Test suite on SQLite"
  cat "$sqlite_log"
  rm -f "$sqlite_log"
fi
if [[ $status -ne 0 ]]; then
  echo "FAILED: see above"
fi
exit $status
