#!/usr/bin/env bash
# Starts a fresh Mote server, drives the LwM2M load scenario against it (many Leshan clients in one
# process, loopback only), reporting the server's memory per registered client, and removes everything.
# Build first: ./mvnw -q -DskipTests install
# Usage: mote-bench/lwm2m-load.sh [--clients 1000 --period-ms 1000 --warmup 10 --duration 30]
# MOTE_BENCH_CLIENT_OPTS passes JVM options to the load process.
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

LWM2M_PORT=${MOTE_BENCH_LWM2M_PORT:-15685}

start_server --mote.transport.lwm2m.port="$LWM2M_PORT" --mote.transport.lwm2m.secure-port=0 \
  --mote.transport.lwm2m.bootstrap.enabled=false --mote.transport.mqtt.enabled=false --mote.transport.coap.enabled=false
# shellcheck disable=SC2086
java ${MOTE_BENCH_CLIENT_OPTS:-} -jar mote-bench/target/mote-bench.jar lwm2m-load --url "http://127.0.0.1:$PORT" \
  --lwm2m-port "$LWM2M_PORT" --password "$PASSWORD" --sysadmin-password bench-sys-pw --server-pid "$PID" "$@"
