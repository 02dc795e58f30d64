#!/usr/bin/env bash
# Starts a fresh Mote server (embedded PostgreSQL in a temporary data directory), drives the CoAP ingest
# scenario against it over loopback, reports the server's memory before and after, and stops it.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/coap-ingest.sh [--devices 1000 --keys 10 --warmup 10 --duration 30 --endpoints 50]
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MOTE_BENCH_PORT:-18080}
COAP_PORT=${MOTE_BENCH_COAP_PORT:-15683}
PASSWORD=bench-tenant-pw
DATA=$(mktemp -d)
LOG="$DATA/server.log"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# shellcheck disable=SC2086
java ${MOTE_BENCH_SERVER_OPTS:-} -jar mote-server/target/mote-server.jar --server.port="$PORT" \
  --mote.transport.coap.port="$COAP_PORT" --mote.transport.coap.bind-address=127.0.0.1 \
  --mote.transport.coap.dtls.enabled=false --mote.transport.mqtt.enabled=false --mote.transport.lwm2m.enabled=false \
  --mote.data-dir="$DATA" --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw \
  --logging.level.root=WARN >>"$LOG" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
java -jar mote-bench/target/mote-bench.jar coap-ingest --url "http://127.0.0.1:$PORT" --coap-port "$COAP_PORT" \
  --password "$PASSWORD" "$@"
echo "server JVM RSS after the run: $(rss_mb "$PID") MB"
