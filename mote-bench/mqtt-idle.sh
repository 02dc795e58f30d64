#!/usr/bin/env bash
# Starts a fresh Mote server, opens idle MQTT connections to it over loopback, reports the server's
# memory (RSS, heap after GC) before and after, and removes everything.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/mqtt-idle.sh [--connections 10000 --devices 10000 --connect-rate 1000 --hold 10]
# Past ~25,000 connections the client uses further loopback source addresses (127.0.0.3, ...); the
# ceiling is the open-files limit of the server process (ulimit -n).
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-18830}
# One file descriptor per connection on both sides: as many as this shell may have.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

start_server --mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.ssl.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB, open files limit $(ulimit -n)"
java -jar mote-bench/target/mote-bench.jar mqtt-idle --url "http://127.0.0.1:$PORT" --mqtt-port "$MQTT_PORT" \
  --password "$PASSWORD" --server-pid "$PID" "$@"
