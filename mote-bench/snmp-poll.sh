#!/usr/bin/env bash
# Starts a fresh Mote server (REST API and the SNMP transport only), lets it poll the simulated agents of
# the snmp-poll scenario, reports the server's CPU over the measured window and its memory, and removes
# everything. Build first: ./mvnw -q -DskipTests -pl mote-server,mote-bench -am package
# Usage: mote-bench/snmp-poll.sh [--devices 10000 --oids 10 --period-ms 10000 --warmup 30 --duration 60]
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
WARMUP=30
args=("$@")
for i in "${!args[@]}"; do [ "${args[$i]}" = "--warmup" ] && WARMUP=${args[$((i + 1))]}; done

start_server --mote.transport.snmp.trap-port=-1 --mote.transport.mqtt.enabled=false \
  --mote.transport.coap.enabled=false --mote.transport.lwm2m.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
OUT="$DATA/bench.out"
java -jar mote-bench/target/mote-bench.jar snmp-poll --url "http://127.0.0.1:$PORT" --password "$PASSWORD" "$@" \
  > >(tee "$OUT") 2>&1 &
BENCH=$!
until grep -q "devices ensured" "$OUT" 2>/dev/null || ! kill -0 "$BENCH" 2>/dev/null; do sleep 1; done
sleep "$WARMUP"
T0=$(date +%s%N); C0=$(cpu_ticks "$PID")
wait "$BENCH"
T1=$(date +%s%N); C1=$(cpu_ticks "$PID")
awk -v c=$((C1 - C0)) -v t=$((T1 - T0)) -v hz="$(getconf CLK_TCK)" \
  'BEGIN {printf "server CPU over the measured window: %.0f %% of one core\n", 100 * c / hz / (t / 1e9)}'
echo "server JVM RSS after the run: $(rss_mb "$PID") MB; embedded PostgreSQL: $(pg_pss_mb) MB"
