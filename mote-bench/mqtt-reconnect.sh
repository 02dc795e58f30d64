#!/usr/bin/env bash
# Starts a fresh Mote server, runs the MQTT reconnect storm of persistent sessions against it over
# loopback, reports the server's memory before and after, and removes everything.
# Build first (reactor only): ./mvnw -q -o -pl mote-server,mote-bench -am package -DskipTests
# Usage: mote-bench/mqtt-reconnect.sh [--devices 10000 --reconnect-window 10 --connect-rate 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-18830}
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

start_server --mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.ssl.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
java -jar mote-bench/target/mote-bench.jar mqtt-reconnect --url "http://127.0.0.1:$PORT" --mqtt-port "$MQTT_PORT" \
  --password "$PASSWORD" "$@"
echo "server JVM RSS after the run: $(rss_mb "$PID") MB"
