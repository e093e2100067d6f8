#!/usr/bin/env bash
# Graceful shutdown of the real process: on SIGTERM readiness fails first (during the drain period) while a slow
# request in flight still gets its answer, and the process exits 0.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh

tmp="$(mktemp -d)"
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

start_server "$tmp/server.log" "sqlite://$tmp/shutdown.db" ACEGATE_SHUTDOWN_DRAIN_SECONDS=2
# A request whose body trickles in over about four seconds.
python3 -c 'import json; print(json.dumps({"query": "{ __typename }"}) + " " * 4000)' >"$tmp/body.json"
curl -sS --limit-rate 1000 -H 'content-type: application/json' --data-binary "@$tmp/body.json" \
  -o "$tmp/answer.json" -w '%{http_code}' "$SERVER_URL/graphql" >"$tmp/status" &
client=$!
sleep 1
kill -TERM "$SERVER_PID"
sleep 0.3
ready="$(curl -s -o /dev/null -w '%{http_code}' "$SERVER_URL/readyz" || true)"
alive="$(curl -s -o /dev/null -w '%{http_code}' "$SERVER_URL/healthz" || true)"
echo "after SIGTERM: /readyz $ready, /healthz $alive"
[[ "$ready" == 503 && "$alive" == 200 ]]
wait "$client"
echo "request in flight: HTTP $(cat "$tmp/status") $(cat "$tmp/answer.json")"
[[ "$(cat "$tmp/status")" == 200 ]] && grep -q '"__typename":"Query"' "$tmp/answer.json"
code=0
wait "$SERVER_PID" || code=$?
SERVER_PID=""
echo "acegate exited with $code"
[[ "$code" == 0 ]]
