#!/usr/bin/env bash
# Starts a fresh Mote server (every transport on, other ports picked freely), reports its start-up time
# to ready and its memory at rest, drives the HTTP ingest scenario against it, times a restart on the
# same database, and removes everything.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/http-ingest.sh [--devices 100 --keys 10 --warmup 10 --duration 30]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

OTHER_PORTS=(--mote.transport.mqtt.port=0 --mote.transport.mqtt.ssl-port=0 --mote.transport.coap.port=0
  --mote.transport.coap.dtls-port=0 --mote.transport.lwm2m.port=0 --mote.transport.lwm2m.secure-port=0
  --mote.transport.lwm2m.bootstrap.port=0 --mote.transport.lwm2m.bootstrap.secure-port=0)

start_server "${OTHER_PORTS[@]}"
echo "start-up to ready (first start, new embedded database): $STARTUP_MS ms"
sleep 15
echo "memory at rest: server JVM RSS $(rss_mb "$PID") MB, embedded PostgreSQL PSS $(pg_pss_mb) MB"

java -jar mote-bench/target/mote-bench.jar http-ingest --url "http://127.0.0.1:$PORT" --password "$PASSWORD" "$@"
echo "memory after the run: server JVM RSS $(rss_mb "$PID") MB, embedded PostgreSQL PSS $(pg_pss_mb) MB"

stop_server
start_server "${OTHER_PORTS[@]}"
echo "start-up to ready (restart on the existing database): $STARTUP_MS ms"
