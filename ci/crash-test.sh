#!/usr/bin/env bash
# Crash durability on SQLite and PostgreSQL: acknowledged writes survive `kill -9` (ci/crash_test.py), and the
# database's integrity check is clean afterwards (PRAGMA integrity_check; amcheck on every B-tree index).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh

tmp="$(mktemp -d)"
pg_db="acegate_crash_$$_$RANDOM"
cleanup() {
  psql "$PG_ADMIN_URL" -qc "DROP DATABASE IF EXISTS $pg_db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT

echo "--- SQLite"
python3 ci/crash_test.py "$ACEGATE_BIN" "sqlite://$tmp/crash.db" "$tmp/sqlite.log" || { tail -n 30 "$tmp/sqlite.log"; exit 1; }
integrity="$(python3 -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA integrity_check").fetchone()[0])' "$tmp/crash.db")"
echo "PRAGMA integrity_check: $integrity"
[[ "$integrity" == ok ]]

echo "--- PostgreSQL"
psql "$PG_ADMIN_URL" -qc "CREATE DATABASE $pg_db" >/dev/null
pg_url="${PG_ADMIN_URL%/*}/$pg_db"
python3 ci/crash_test.py "$ACEGATE_BIN" "$pg_url" "$tmp/pg.log" || { tail -n 30 "$tmp/pg.log"; exit 1; }
checked="$(psql "$pg_url" -Atq -v ON_ERROR_STOP=1 <<'SQL'
CREATE EXTENSION IF NOT EXISTS amcheck;
SELECT count(bt_index_check(c.oid, true))
FROM pg_index i
JOIN pg_class c ON c.oid = i.indexrelid
JOIN pg_am am ON am.oid = c.relam
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE am.amname = 'btree' AND n.nspname = 'public';
SQL
)"
echo "amcheck: $checked B-tree indexes (with their heaps) verified"
