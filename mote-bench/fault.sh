#!/usr/bin/env bash
# The fault scenario: a fresh server under sustained HTTP and MQTT (QoS 1) telemetry is crashed once at a
# random moment, then (when the crash took the JVM) started again once; afterwards every data point the
# server acknowledged must be stored. Prints acknowledged, stored and lost (must be 0) per run.
#   KILL=jvm        kill -9 of the server JVM
#   KILL=postmaster kill -9 of the embedded PostgreSQL's postmaster (the server starts it again itself)
#   KILL=both       both at once
# Build first: ./mvnw -q -o -pl mote-server,mote-bench -am package -DskipTests
# Usage: [KILL=jvm|postmaster|both] mote-bench/fault.sh [--http-devices 20 --mqtt-devices 20 --duration 40]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

KILL=${KILL:-jvm}
MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-18830}
DURATION=40
for ((i = 1; i <= $#; i++)); do [ "${!i}" = --duration ] && { j=$((i + 1)); DURATION=${!j}; }; done
SERVER_ARGS=(--mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.ssl.enabled=false
  --mote.transport.coap.enabled=false --mote.transport.lwm2m.enabled=false)

start_server "${SERVER_ARGS[@]}"
java -jar mote-bench/target/mote-bench.jar fault-load --url "http://127.0.0.1:$PORT" --mqtt-port "$MQTT_PORT" \
  --password "$PASSWORD" --acked "$DATA/acked.txt" --duration "$DURATION" "$@" &
LOAD=$!
# Device creation and connection take a few seconds; the crash comes in the middle half of the run.
sleep $(( 5 + DURATION / 4 + RANDOM % (DURATION / 2) ))
PM=$(head -1 "$DATA/postgres/postmaster.pid")
case "$KILL" in
  jvm) kill -9 "$PID" ;;
  postmaster) kill -9 "$PM" ;;
  both) kill -9 "$PM" "$PID" ;;
  *) echo "KILL must be jvm, postmaster or both" >&2; exit 2 ;;
esac
echo "killed ($KILL) at $(date +%T)"
if [ "$KILL" != postmaster ]; then
  wait "$PID" 2>/dev/null || true
  PID=
  start_server "${SERVER_ARGS[@]}"
  echo "started again once: ready in $STARTUP_MS ms"
fi
wait "$LOAD"
java -jar mote-bench/target/mote-bench.jar fault-verify --url "http://127.0.0.1:$PORT" --password "$PASSWORD" \
  --acked "$DATA/acked.txt"
