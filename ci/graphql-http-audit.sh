#!/usr/bin/env bash
# The graphql-http conformance audit (GraphQL over HTTP) against a running acegate, in development mode and in
# production mode with introspection on (the audit asks `__type`). Fails on any MUST failure or SHOULD warning.
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh

tmp="$(mktemp -d)"
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

npm install --silent --no-audit --no-fund --prefix "$tmp" graphql-http graphql >/dev/null
cp ci/graphql-http-audit.mjs "$tmp/audit.mjs"

status=0
for mode in development production; do
  extra=(ACEGATE_ENV="$mode")
  if [[ "$mode" == production ]]; then
    extra+=(ACEGATE_JWT_SECRET="ci-audit-secret-0123456789abcdef0123456789" ACEGATE_INTROSPECTION=true)
  fi
  start_server "$tmp/server-$mode.log" "sqlite://$tmp/audit-$mode.db" "${extra[@]}"
  echo "--- graphql-http audit, $mode mode"
  node "$tmp/audit.mjs" "$SERVER_URL/graphql" --json --verbose >"$tmp/audit.out" || true
  grep -v '^{' "$tmp/audit.out"
  summary="$(grep '^{' "$tmp/audit.out" | tail -n 1)"
  read -r failed warned crashed < <(node -e 'const s = JSON.parse(process.argv[1]); console.log(s.error, s.warn, s.crashed)' "$summary")
  if ((failed + warned + crashed > 0)); then
    echo "graphql-http audit ($mode): $failed MUST failures, $warned SHOULD warnings, $crashed crashed" >&2
    status=1
  fi
  stop_server
done
exit "$status"
