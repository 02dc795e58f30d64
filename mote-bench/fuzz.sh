#!/usr/bin/env bash
# Starts a fresh Mote server, sends it --inputs mutated and garbage inputs per device protocol (HTTP
# device API, MQTT 3.1.1 and 5, CoAP, LwM2M registration) and to the operator REST API, --parallel
# connections at once (each worker its own sub-seed), checks every protocol still serves a valid
# request, and reports the server's memory before and after and what it logged.
# Build first: ./mvnw -B -q -o -pl mote-server,mote-bench -am package -DskipTests
# Usage: mote-bench/fuzz.sh [--inputs 100000 --seed 12 --parallel 8 --max-minutes 10 --protocols http,mqtt,coap,lwm2m,rest]
# MOTE_BENCH_JAR runs another build of the load generator. Ports: MOTE_BENCH_PORT (REST, default 18080), MOTE_BENCH_MQTT_PORT, MOTE_BENCH_COAP_PORT, MOTE_BENCH_LWM2M_PORT.
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

MQTT_PORT=${MOTE_BENCH_MQTT_PORT:-$((PORT + 1))}
COAP_PORT=${MOTE_BENCH_COAP_PORT:-$((PORT + 2))}
LWM2M_PORT=${MOTE_BENCH_LWM2M_PORT:-$((PORT + 3))}

start_server --logging.level.io.mote=INFO \
  --mote.transport.mqtt.port="$MQTT_PORT" --mote.transport.mqtt.bind-address=127.0.0.1 --mote.transport.mqtt.ssl.enabled=false \
  --mote.transport.coap.port="$COAP_PORT" --mote.transport.coap.bind-address=127.0.0.1 --mote.transport.coap.dtls.enabled=false \
  --mote.transport.lwm2m.port="$LWM2M_PORT" --mote.transport.lwm2m.host=127.0.0.1 --mote.transport.lwm2m.secure-port=0 \
  --mote.transport.lwm2m.bootstrap.enabled=false --mote.transport.snmp.enabled=false
echo "server JVM RSS at rest: $(rss_mb "$PID") MB"
lines_before=$(wc -l <"$LOG")
status=0
java -jar "${MOTE_BENCH_JAR:-mote-bench/target/mote-bench.jar}" fuzz --url "http://127.0.0.1:$PORT" --password "$PASSWORD" \
  --mqtt-port "$MQTT_PORT" --coap-port "$COAP_PORT" --lwm2m-port "$LWM2M_PORT" "$@" || status=$?
echo "server JVM RSS after the run: $(rss_mb "$PID") MB"
echo "server log lines during the run: $(( $(wc -l <"$LOG") - lines_before )), stack trace lines: $(tail -n +$((lines_before + 1)) "$LOG" | grep -c '^\s*at ' || true)"
echo "log lines by logger:"
tail -n +$((lines_before + 1)) "$LOG" | sed -nE 's/^[0-9T:.-]+Z +(INFO|WARN|ERROR) .*\] ([^ ]+) +:.*/\1 \2/p' | sort | uniq -c | sort -rn | head -20
exit $status
