#!/usr/bin/env bash
# Starts a fresh Mote server (embedded PostgreSQL in a temporary data directory), drives the LwM2M load
# scenario against it (many Leshan clients in one process, loopback only), reporting the server's memory
# per registered client, and stops it. Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/lwm2m-load.sh [--clients 1000 --period-ms 1000 --warmup 10 --duration 30]
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MOTE_BENCH_PORT:-18080}
LWM2M_PORT=${MOTE_BENCH_LWM2M_PORT:-15685}
PASSWORD=bench-tenant-pw
DATA=$(mktemp -d)
LOG="$DATA/server.log"
PID=
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

# shellcheck disable=SC2086
java ${MOTE_BENCH_SERVER_OPTS:-} -jar mote-server/target/mote-server.jar --server.port="$PORT" \
  --mote.transport.lwm2m.port="$LWM2M_PORT" --mote.transport.lwm2m.secure-port=0 --mote.transport.lwm2m.bootstrap.enabled=false \
  --mote.transport.mqtt.enabled=false --mote.transport.coap.enabled=false \
  --mote.data-dir="$DATA" --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw \
  --logging.level.root=WARN >>"$LOG" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done

# shellcheck disable=SC2086
java ${MOTE_BENCH_CLIENT_OPTS:-} -jar mote-bench/target/mote-bench.jar lwm2m-load --url "http://127.0.0.1:$PORT" \
  --lwm2m-port "$LWM2M_PORT" --password "$PASSWORD" --server-pid "$PID" "$@"
