#!/usr/bin/env bash
# The playground in a real browser: starts acegate (development mode, a temporary SQLite file, a free port), opens
# `/` in headless Chromium from Debian's packages (never a downloaded browser), signs in with the panel's helper,
# opens and runs the partner-pipeline example, and checks that the result pane shows records; also that nothing
# was loaded from another origin and that the Content-Security-Policy blocked nothing. Exits non-zero on failure.
#
#   ci/playground-check.sh                      # builds and checks target/debug/acegate
#   ACEGATE_BIN=target/release/acegate ci/playground-check.sh
#   PLAYGROUND_SCREENSHOT=/tmp/playground.png ci/playground-check.sh
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  echo "installing Debian's chromium package"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
command -v node >/dev/null && command -v npm >/dev/null || { echo "node and npm are required" >&2; exit 1; }

if [[ -z "${ACEGATE_BIN:-}" ]]; then
  cargo build --quiet --bin acegate
  ACEGATE_BIN="$PWD/target/debug/acegate"
fi
source ci/lib.sh

tmp="$(mktemp -d)"
cleanup() { stop_server; rm -rf "$tmp"; }
trap cleanup EXIT

# playwright-core only drives a browser; it never downloads one.
npm install --prefix "$tmp/npm" --no-audit --no-fund --silent playwright-core@1 >/dev/null

start_server "$tmp/acegate.log" "sqlite://$tmp/acegate.db" ACEGATE_ENV=development

status=0
ACEGATE_URL="$SERVER_URL" \
PLAYWRIGHT_MODULES="$tmp/npm/node_modules" \
CHROMIUM="$CHROMIUM" \
PROFILE_DIR="$tmp/profile" \
  node ci/playground-check.mjs || status=$?
if ((status != 0)); then
  echo "--- acegate log ---" >&2
  tail -n 50 "$tmp/acegate.log" >&2 || true
fi
exit "$status"
