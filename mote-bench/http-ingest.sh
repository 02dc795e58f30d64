#!/usr/bin/env bash
# Starts a fresh Mote server (embedded PostgreSQL in a temporary data directory), reports its start-up
# time to ready and its memory at rest, drives the HTTP ingest scenario against it, and stops it.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/http-ingest.sh [--devices 100 --keys 10 --warmup 10 --duration 30]
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MOTE_BENCH_PORT:-18080}
PASSWORD=bench-tenant-pw
DATA=$(mktemp -d)
LOG="$DATA/server.log"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

start_server() {
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  java ${MOTE_BENCH_SERVER_OPTS:-} -jar mote-server/target/mote-server.jar --server.port="$PORT" \
    --mote.data-dir="$DATA" --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw \
    --logging.level.root=WARN >>"$LOG" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s%N)
}

start_server
echo "start-up to ready (first start, new embedded database): $(( (ready - start) / 1000000 )) ms"
sleep 15
# Proportional set size of the postmaster and every backend it forked, so shared buffers count once.
pg_pss_mb() {
  local pm; pm=$(pgrep -f -- "-D $DATA/postgres" | head -1)
  { echo "$pm"; pgrep -P "$pm"; } | while read -r p; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done \
    | awk '{s+=$1} END {printf "%.0f", s/1024}'
}
echo "memory at rest: server JVM RSS $(rss_mb "$PID") MB, embedded PostgreSQL PSS $(pg_pss_mb) MB"

java -jar mote-bench/target/mote-bench.jar http-ingest --url "http://127.0.0.1:$PORT" --password "$PASSWORD" "$@"
echo "memory after the run: server JVM RSS $(rss_mb "$PID") MB, embedded PostgreSQL PSS $(pg_pss_mb) MB"

kill "$PID"; wait "$PID" || true
start_server
echo "start-up to ready (restart on the existing database): $(( (ready - start) / 1000000 )) ms"
