#!/usr/bin/env bash
# Starts a fresh Mote server, drives the CoAP ingest scenario against it over loopback, reports the
# server's memory before and after, and removes everything.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/coap-ingest.sh [--devices 1000 --keys 10 --warmup 10 --duration 30 --endpoints 50]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

COAP_PORT=${MOTE_BENCH_COAP_PORT:-15683}

start_server --mote.transport.coap.port="$COAP_PORT" --mote.transport.coap.bind-address=127.0.0.1 \
  --mote.transport.coap.dtls.enabled=false --mote.transport.mqtt.enabled=false --mote.transport.lwm2m.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
java -jar mote-bench/target/mote-bench.jar coap-ingest --url "http://127.0.0.1:$PORT" --coap-port "$COAP_PORT" \
  --password "$PASSWORD" "$@"
echo "server JVM RSS after the run: $(rss_mb "$PID") MB"
