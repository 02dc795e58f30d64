#!/usr/bin/env bash
# Starts a fresh Mote server, drives the MQTT ingest scenario against it over loopback, reports the
# server's memory before and after, and removes everything.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/mqtt-ingest.sh [--devices 1000 --keys 10 --warmup 10 --duration 30 --mqtt-version 3
#        --connect-rate 500 --rest-parallel 16 --in-flight 1]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-18830}
# One file descriptor per connection on both sides: as many as this shell may have.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# MOTE_BENCH_MOSQUITTO_PORT=<port>: first the same scenario against a Mosquitto broker started on that
# port (it stores nothing; the comparison of the issue's target), stopped before Mote starts.
if [ -n "${MOTE_BENCH_MOSQUITTO_PORT:-}" ]; then
  mosquitto -p "$MOTE_BENCH_MOSQUITTO_PORT" >"$DATA/mosquitto.log" 2>&1 &
  MOSQ=$!
  sleep 1
  echo "--- Mosquitto $(mosquitto -h 2>/dev/null | head -1 | awk '{print $3}') on port $MOTE_BENCH_MOSQUITTO_PORT"
  java -jar mote-bench/target/mote-bench.jar mqtt-ingest --mqtt-port "$MOTE_BENCH_MOSQUITTO_PORT" \
    --create-devices false "$@" || true
  kill "$MOSQ"; wait "$MOSQ" 2>/dev/null || true
  echo "--- Mote"
fi

start_server --mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.ssl.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
java -jar mote-bench/target/mote-bench.jar mqtt-ingest --url "http://127.0.0.1:$PORT" --mqtt-port "$MQTT_PORT" \
  --password "$PASSWORD" "$@"
echo "server JVM RSS after the run: $(rss_mb "$PID") MB"
