#!/usr/bin/env bash
# The whole suite: on the embedded SQLite, then on PostgreSQL when one is reachable.
# With OUTSIDEIN_REQUIRE_SERVICES=1 (CI) an unreachable PostgreSQL is a failure, not a skip.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
export OUTSIDEIN_DATA_DIR=${OUTSIDEIN_TEST_DATA_DIR:-$(mktemp -d)}
status=0
# Two workers (pytest-xdist): the machine has two cores, and the browser, Spark and benchmark
# tests wait on other processes. OUTSIDEIN_TEST_WORKERS=0 runs in one process.
WORKERS=${OUTSIDEIN_TEST_WORKERS:-2}
XDIST=()
[ "$WORKERS" != 0 ] && XDIST=(-n "$WORKERS")

echo "== Test suite on SQLite =="
DATABASE_URL= $PY -m pytest "${XDIST[@]}" "$@" || status=$?

if $PY - "$PG_URL" <<'PYCODE'
import sys, psycopg
try:
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://"), connect_timeout=3).close()
except Exception as exc:
    print(f"PostgreSQL not reachable at {sys.argv[1]}: {exc}", file=sys.stderr)
    sys.exit(1)
PYCODE
then
  echo "== Test suite on PostgreSQL =="
  # The Spark tests (local, standalone cluster, Spark Connect) use no database: they ran above.
  DATABASE_URL=$PG_URL $PY -m pytest "${XDIST[@]}" -m "not spark" "$@" || status=$?
else
  case "${OUTSIDEIN_REQUIRE_SERVICES:-}" in
    1|true|yes) echo "FAILED: PostgreSQL is required (OUTSIDEIN_REQUIRE_SERVICES) but not reachable"; status=1 ;;
    *) echo "SKIPPED: the PostgreSQL pass (no server at $PG_URL)" ;;
  esac
fi
exit $status
