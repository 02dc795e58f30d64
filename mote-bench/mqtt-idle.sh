#!/usr/bin/env bash
# Starts a fresh Mote server (embedded PostgreSQL in a temporary data directory), opens idle MQTT
# connections to it over loopback, reports the server's memory (RSS, heap after GC) before and after, and
# stops it.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/mqtt-idle.sh [--connections 10000 --devices 10000 --connect-rate 1000 --hold 10]
# Past ~25,000 connections the client uses further loopback source addresses (127.0.0.3, ...); the
# ceiling is the open-files limit of the server process (ulimit -n).
set -euo pipefail
cd "$(dirname "$0")/.."

PORT=${MOTE_BENCH_PORT:-18080}
MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-18830}
PASSWORD=bench-tenant-pw
DATA=$(mktemp -d)
LOG="$DATA/server.log"
PID=
# One file descriptor per connection on both sides: as many as this shell may have.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$DATA"' EXIT

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

# shellcheck disable=SC2086
java ${MOTE_BENCH_SERVER_OPTS:-} -jar mote-server/target/mote-server.jar --server.port="$PORT" \
  --mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.ssl.enabled=false \
  --mote.data-dir="$DATA" --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw \
  --logging.level.root=WARN >>"$LOG" 2>&1 &
PID=$!
until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do
  kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
  sleep 0.1
done
echo "server JVM RSS at rest: $(rss_mb "$PID") MB, open files limit $(ulimit -n)"
java -jar mote-bench/target/mote-bench.jar mqtt-idle --url "http://127.0.0.1:$PORT" --mqtt-port "$MQTT_PORT" \
  --password "$PASSWORD" --server-pid "$PID" "$@"
