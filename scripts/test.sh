#!/usr/bin/env bash
# The whole suite on SQLite, then again on PostgreSQL when TEST_DATABASE_URL is set.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python

echo "== Lint (ruff)"
.venv/bin/ruff check . || { echo "ruff found problems: .venv/bin/ruff check --fix . mends most of them"; exit 1; }

echo "== Types (mypy): vocab/, search/, matching/ and the services (the files listed in pyproject.toml)"
.venv/bin/mypy || { echo "mypy found type errors: fix them, or explain a needed ignore beside it"; exit 1; }

echo "== Test suite on SQLite"
MARKET_TEST_DB= $PY -m pytest "$@"
status=$?
[ $status -ne 0 ] && exit $status

if [ -n "${TEST_DATABASE_URL:-}" ]; then
  # The library suites (search/, matching/) and the browser tests do not touch this database: run once.
  echo "== Test suite on PostgreSQL (${TEST_DATABASE_URL%%@*}@…), the tests that use the database"
  MARKET_TEST_DB="$TEST_DATABASE_URL" $PY -m pytest --ignore=tests/search --ignore=tests/matching -m "not browser" "$@"
  exit $?
else
  echo "== TEST_DATABASE_URL is not set: skipping the PostgreSQL run (set it to a scratch database to run it)."
fi
