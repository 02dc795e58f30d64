#!/usr/bin/env bash
# Starts a fresh Mote server and updates many LwM2M clients at once (Leshan clients with real Objects 5, 9
# and 19 in one process, loopback only), once per strategy given, reporting the time to all UPDATED and the
# server's CPU and memory; removes everything.
# Build first: ./mvnw -q -DskipTests package
# Usage: mote-bench/lwm2m-ota.sh [--clients 100 --size 1048576]
#   MOTE_BENCH_STRATEGIES="1 2 3 sw1 sw2": firmware strategies 1-3, software strategies 1-2 (default "1 2")
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

LWM2M_PORT=${MOTE_BENCH_LWM2M_PORT:-15685}

start_server --mote.transport.lwm2m.port="$LWM2M_PORT" --mote.transport.lwm2m.secure-port=0 \
  --mote.transport.lwm2m.bootstrap.enabled=false --mote.transport.mqtt.enabled=false --mote.transport.coap.enabled=false \
  --mote.transport.lwm2m.advertised-host=127.0.0.1 --mote.transport.snmp.trap-port=-1
rc=0
for s in ${MOTE_BENCH_STRATEGIES:-1 2}; do
  kind=firmware
  if [[ $s == sw* ]]; then kind=software; s=${s#sw}; fi
  # shellcheck disable=SC2086
  java ${MOTE_BENCH_CLIENT_OPTS:-} -jar mote-bench/target/mote-bench.jar lwm2m-ota --url "http://127.0.0.1:$PORT" \
    --lwm2m-port "$LWM2M_PORT" --password "$PASSWORD" --server-pid "$PID" --kind "$kind" --strategy "$s" "$@" || rc=1
done
exit $rc
