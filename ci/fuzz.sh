#!/usr/bin/env bash
# Schemathesis (GraphQL mode) against a running acegate, signed in as the demo admin so that resolvers and
# mutations run, not only the authentication check: no 5xx response, and the server is alive and ready afterwards.
# FUZZ_SECONDS bounds the run (default 90).
set -euo pipefail
cd "$(dirname "$0")/.."
source ci/lib.sh

tmp="$(mktemp -d)"
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

python3 -m venv "$tmp/venv"
"$tmp/venv/bin/pip" install --quiet --disable-pip-version-check schemathesis
start_server "$tmp/server.log" "sqlite://$tmp/fuzz.db" \
  ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE=1000000 ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE=1000000 \
  ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=1000000
token="$(curl -fsS "$SERVER_URL/graphql" -H 'content-type: application/json' \
  -d '{"query":"mutation { login(input: {email: \"admin@acegate.example.com\", password: \"demo-password\"}) { accessToken } }"}' |
  python3 -c 'import json, sys; print(json.load(sys.stdin)["data"]["login"]["accessToken"])')"

"$tmp/venv/bin/schemathesis" run "$SERVER_URL/graphql" \
  --checks not_a_server_error \
  --header "Authorization: Bearer $token" \
  --max-time "${FUZZ_SECONDS:-90}" \
  --workers 2 \
  --seed 20261128 \
  --suppress-health-check all \
  --no-color

kill -0 "$SERVER_PID"
wait_ready "$SERVER_URL" 10
if grep -q '"status":5\|panicked' "$tmp/server.log"; then
  echo "the server log shows a 5xx or a panic" >&2
  exit 1
fi
echo "fuzz: no 5xx response; acegate is alive and ready"
