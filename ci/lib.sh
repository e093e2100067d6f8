# Helpers shared by the CI scripts that drive a real acegate process: pick a port, start the server, wait for it.
# Source it; ACEGATE_BIN names the binary (default: the release build).

ACEGATE_BIN="${ACEGATE_BIN:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/target/release/acegate}"
PG_ADMIN_URL="${PG_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_ready URL [SECONDS]: polls URL/readyz until it answers 200.
wait_ready() {
  local url="$1" deadline=$((SECONDS + ${2:-60}))
  while ((SECONDS < deadline)); do
    curl -fsS -o /dev/null "$url/readyz" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# start_server LOG DATABASE_URL [VAR=VALUE ...]: starts acegate on a free port (development mode unless the
# variables say otherwise) and waits until it is ready. Sets SERVER_PID and SERVER_URL.
start_server() {
  local log="$1" db="$2"
  shift 2
  local port
  port="$(free_port)"
  env ACEGATE_DATABASE_URL="$db" ACEGATE_LISTEN="127.0.0.1:$port" ACEGATE_LOG="${ACEGATE_LOG:-warn}" "$@" \
    "$ACEGATE_BIN" >>"$log" 2>&1 &
  SERVER_PID=$!
  SERVER_URL="http://127.0.0.1:$port"
  if ! wait_ready "$SERVER_URL" 90; then
    echo "acegate did not become ready; its log:" >&2
    tail -n 50 "$log" >&2
    return 1
  fi
}

stop_server() {
  if [[ -n "${SERVER_PID:-}" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  SERVER_PID=""
}
