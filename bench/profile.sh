#!/usr/bin/env bash
# Where the time of one scenario goes: CPU milliseconds per request of the server (acegate, or PostGraphile on its
# port) and of the PostgreSQL backends of the benchmark database during one wrk run, and a `perf` profile of the
# server (software clock: this VM has no hardware counters).
#
#   bench/profile.sh BODY_FILE [AUTH_HEADER] [URL] [SECONDS]
#     e.g. bench/profile.sh bench/out/<run>/bodies/acegate-pipeline.json "Bearer $TOKEN" http://127.0.0.1:18080 15
#
# Profiles the process listening on URL's port. Writes perf.data and the reports next to BODY_FILE's run
# directory (or $PROFILE_OUT). PERF=0 skips perf (CPU split only). PostgreSQL's share counts the backends connected
# to $BENCH_DB (default acegate_bench). Other load on the machine changes req/s, hardly the CPU per request.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
body=${1:?BODY_FILE}
auth=${2:-}
url=${3:-http://127.0.0.1:18080}
secs=${4:-15}
out=${PROFILE_OUT:-$(dirname "$(dirname "$body")")/profile-$(basename "$body" .json)}
mkdir -p "$out"
port=${url##*:}
pid=$(ss -ltnpH "sport = :$port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
[[ -n $pid ]] || { echo "nothing listens on port $port" >&2; exit 1; }
tck=$(getconf CLK_TCK)

cpu_of() { # summed utime+stime (ticks) of the given pids
  local total=0 p
  for p in "$@"; do
    [[ -r /proc/$p/stat ]] || continue
    total=$((total + $(awk '{print $14 + $15}' "/proc/$p/stat")))
  done
  echo "$total"
}
# The backends serving the benchmark database only (other databases on the server may be busy).
pg_pids() { psql -h "${PGHOST:-127.0.0.1}" -U "${PGUSER:-postgres}" -d "${BENCH_DB:-acegate_bench}" -Atc \
  "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()" | paste -sd' '; }

wrk_args=(-t2 -c32 -d"${secs}s" -s "$here/lua/post.lua" "$url/graphql")
BODY_FILE=$body AUTH=$auth wrk -t2 -c32 -d3s -s "$here/lua/post.lua" "$url/graphql" >/dev/null # warm-up

ace0=$(cpu_of "$pid")
# shellcheck disable=SC2046
pg0=$(cpu_of $(pg_pids))
if [[ ${PERF:-1} == 1 ]]; then
  perf record -e cpu-clock -F 999 -g --call-graph dwarf,16384 -p "$pid" -o "$out/perf.data" -- sleep "$secs" \
    >/dev/null 2>"$out/perf-record.log" &
  perf_pid=$!
fi
started=$(date +%s%N)
result=$(BODY_FILE=$body AUTH=$auth wrk "${wrk_args[@]}" | grep '^RESULT')
elapsed_ms=$((($(date +%s%N) - started) / 1000000))
ace1=$(cpu_of "$pid")
# shellcheck disable=SC2046
pg1=$(cpu_of $(pg_pids))
[[ ${PERF:-1} == 1 ]] && wait "$perf_pid" || true
requests=$(sed 's/.*requests=\([0-9]*\).*/\1/' <<<"$result")
{
  echo "$result"
  awk -v a=$((ace1 - ace0)) -v p=$((pg1 - pg0)) -v c="$(nproc)" -v t="$tck" -v n="$requests" -v ms="$elapsed_ms" 'BEGIN {
    printf "wall %.1f s on %d cores: server %.2f CPU-s (%.0f%% of one core), PostgreSQL %.2f CPU-s (%.0f%%)\n",
      ms / 1000, c, a / t, 100 * a / t / (ms / 1000), p / t, 100 * p / t / (ms / 1000)
    printf "per request: server %.3f ms CPU, PostgreSQL %.3f ms CPU\n", 1000 * a / t / n, 1000 * p / t / n
  }'
} | tee "$out/cpu.txt"

if [[ ${PERF:-1} == 1 ]]; then
  perf report -i "$out/perf.data" --no-children --sort dso,symbol --percent-limit 0.7 --stdio 2>/dev/null |
    grep -v '^$' | grep -v '^#' | grep '%' | head -60 >"$out/self.txt" || true
  perf report -i "$out/perf.data" --children --sort symbol --percent-limit 2 --stdio -g none 2>/dev/null |
    grep -v '^$' | grep -v '^#' | grep '%' | head -80 >"$out/children.txt" || true
  echo "perf: $out/self.txt (self time by symbol), $out/children.txt (inclusive time)"
fi
