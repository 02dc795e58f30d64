#!/usr/bin/env bash
# Starts a fresh Mote server, drives the lwm2m-sim scenario against it (thousands of simulated LwM2M clients
# on a few threads, one UDP socket each, loopback only), reporting the registration storm, the server's
# memory per registered client and the notifications it stores, and removes everything.
# Build first: ./mvnw -B -q -o -pl mote-server,mote-bench -am package -DskipTests
# Usage: mote-bench/lwm2m-sim.sh [--clients 10000 --rate 5000 --con-percent 50 --warmup 10 --duration 30]
# MOTE_BENCH_LWM2M_PORT moves the LwM2M port, MOTE_BENCH_CLIENT_OPTS passes JVM options to the load process.
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

LWM2M_PORT=${MOTE_BENCH_LWM2M_PORT:-15685}
# One socket per simulated client: raise the open-files limit as far as allowed.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

start_server --mote.transport.lwm2m.port="$LWM2M_PORT" --mote.transport.lwm2m.secure-port=0 \
  --mote.transport.lwm2m.bootstrap.enabled=false --mote.transport.mqtt.enabled=false --mote.transport.coap.enabled=false
echo "server ready in $STARTUP_MS ms (pid $PID); load: $(uptime | sed 's/.*load average/load average/')"
# shellcheck disable=SC2086
java ${MOTE_BENCH_CLIENT_OPTS:-} -jar mote-bench/target/mote-bench.jar lwm2m-sim --url "http://127.0.0.1:$PORT" \
  --lwm2m-port "$LWM2M_PORT" --password "$PASSWORD" --sysadmin-password bench-sys-pw --server-pid "$PID" "$@"
echo "load at the end: $(uptime | sed 's/.*load average/load average/')"
