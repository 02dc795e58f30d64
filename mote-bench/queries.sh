#!/usr/bin/env bash
# Read queries: generates 10 million points of one key and the latest values of 10,000 devices straight into
# a fresh bench server's embedded database, restarts the server (PostgreSQL's buffers empty, the OS page
# cache not), then times the REST reads: the first run of each (cold) and the median / p95 of the next ones,
# and prints PostgreSQL's plan of the aggregation.
# Build first: ./mvnw -B -q -o -pl mote-server,mote-bench -am package -DskipTests
# MOTE_BENCH_COMPARE_JAR: another build of the server (a before/after comparison) measured on the same data
# right after, then this build once more, so both see the same machine. MOTE_BENCH_COMPARE_OPTS: the same,
# with this build under other JVM options (a setting: -Dmote.ts.aggregate-parallelism=1).
# Usage: MOTE_BENCH_PORT=18670 MOTE_BENCH_DB_PORT=18671 mote-bench/queries.sh [--points 10000000 --devices 10000 --runs 20]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

DB_PORT=${MOTE_BENCH_DB_PORT:-18671}
SERVER_ARGS=(--mote.db.embedded-port="$DB_PORT" --mote.transport.mqtt.port=0 --mote.transport.mqtt.ssl-port=0
  --mote.transport.coap.port=0 --mote.transport.coap.dtls-port=0 --mote.transport.lwm2m.port=0
  --mote.transport.lwm2m.secure-port=0 --mote.transport.lwm2m.bootstrap.port=0
  --mote.transport.lwm2m.bootstrap.secure-port=0)
BENCH=(java -jar mote-bench/target/mote-bench.jar queries --url "http://127.0.0.1:$PORT" --password "$PASSWORD")

start_server "${SERVER_ARGS[@]}"
JDBC=(--jdbc-url "jdbc:postgresql://127.0.0.1:$DB_PORT/postgres" --jdbc-password "$(cat "$DATA/postgres-password")")
"${BENCH[@]}" --phase generate "${JDBC[@]}" "$@"
measure() {
  stop_server
  start_server "${SERVER_ARGS[@]}"
  echo "== ${MOTE_BENCH_SERVER_JAR:-mote-server/target/mote-server.jar}; load before the reads: $(uptime)"
  "${BENCH[@]}" --phase measure "${JDBC[@]}" "$@"
  echo "load after the reads: $(uptime)"
}
measure "$@"
if [ -n "${MOTE_BENCH_COMPARE_JAR:-}" ]; then
  THIS_JAR=${MOTE_BENCH_SERVER_JAR:-}
  MOTE_BENCH_SERVER_JAR=$MOTE_BENCH_COMPARE_JAR measure "$@" --explain false --per-device true
  MOTE_BENCH_SERVER_JAR=$THIS_JAR measure "$@"
elif [ -n "${MOTE_BENCH_COMPARE_OPTS:-}" ]; then
  THIS_OPTS=${MOTE_BENCH_SERVER_OPTS:-}
  MOTE_BENCH_SERVER_OPTS=$MOTE_BENCH_COMPARE_OPTS measure "$@" --explain false
  MOTE_BENCH_SERVER_OPTS=$THIS_OPTS measure "$@" --explain false
fi
