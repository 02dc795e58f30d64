#!/usr/bin/env bash
# MQTT ingest against a Mote cluster on this machine: 1, 2 and 3 transport nodes with 1 and 2 core nodes, the
# same scenario against one role=all process for the added latency of the Kafka hop, and the time the devices
# of a killed transport node take to be served again by another. Starts a Kafka broker (from mote-test-kafka's
# class path), the nodes from the built jar, and removes everything at the end.
# Build first: ./mvnw -q -o -pl mote-server,mote-bench,mote-test-kafka -am package -DskipTests
# The cores need a PostgreSQL: MOTE_BENCH_DB_URL (+ MOTE_BENCH_DB_USERNAME, MOTE_BENCH_DB_PASSWORD) to an
# empty database, else Debian's is started and a fresh database made in it (and dropped at the end).
# Ports: MOTE_BENCH_PORT and the 39 after it (defaults 18620..18659).
# Usage: mote-bench/cluster.sh [--devices 1000 --keys 10 --warmup 10 --duration 30]  (passed to mqtt-ingest)
#        CLUSTER_TOPOLOGIES="1:1 1:2 1:3 2:1 2:2 2:3" (cores:transports), CLUSTER_FAILOVER_DEVICES=1000,
#        CLUSTER_PARTS="baseline topologies failover" (which parts run)
set -euo pipefail
cd "$(dirname "$0")/.."

BASE=${MOTE_BENCH_PORT:-18620}
JAR=mote-server/target/mote-server.jar
KAFKA_JAR=mote-test-kafka/target/mote-test-kafka.jar
PASSWORD=bench-tenant-pw
WORK=$(mktemp -d)
PIDS=()
DB_MADE=
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

cleanup() {
  for p in "${PIDS[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -n "$DB_MADE" ] && su postgres -c "dropdb --if-exists $DB_MADE" >/dev/null 2>&1 || true
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_s() { awk '{printf "%.1f", ($14 + $15) / 100}' "/proc/$1/stat"; }
# busy and total jiffies of the whole machine, for the share of its CPU a run kept busy
machine() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8}' /proc/stat; }
busy_since() { read -r b1 t1 <<<"$1"; read -r b2 t2 <<<"$(machine)"; awk -v b="$((b2 - b1))" -v t="$((t2 - t1))" 'BEGIN {printf "%.0f%%", 100 * b / t}'; }
await_port() { for _ in $(seq 1 600); do (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.2; done; return 1; }
await_health() {
  until curl -sf "http://127.0.0.1:$1/actuator/health" >/dev/null; do
    kill -0 "$2" 2>/dev/null || { tail -50 "$3"; exit 1; }
    sleep 0.2
  done
}

# --- PostgreSQL for the cores
if [ -n "${MOTE_BENCH_DB_URL:-}" ]; then
  DB_URL=$MOTE_BENCH_DB_URL; DB_USER=${MOTE_BENCH_DB_USERNAME:-}; DB_PW=${MOTE_BENCH_DB_PASSWORD:-}
else
  PG_VERSION=$(ls /etc/postgresql | sort -V | tail -1)
  pg_ctlcluster "$PG_VERSION" main start 2>/dev/null || true
  until su postgres -c "pg_isready -q"; do sleep 0.5; done
  DB_MADE="mote_bench_cluster_$$"
  su postgres -c "psql -q -c \"DO \\\$\\\$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'mote_bench') THEN CREATE ROLE mote_bench LOGIN PASSWORD 'mote_bench'; END IF; END \\\$\\\$;\""
  su postgres -c "createdb -O mote_bench $DB_MADE"
  PG_PORT=$(su postgres -c "psql -tAc 'SHOW port'")
  DB_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/$DB_MADE"; DB_USER=mote_bench; DB_PW=mote_bench
fi

# --- Kafka, KRaft combined mode
KPORT=$((BASE + 1)); KCPORT=$((BASE + 2))
mkdir -p "$WORK/kafka"
cat >"$WORK/kafka/server.properties" <<P
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KCPORT
listeners=PLAINTEXT://127.0.0.1:$KPORT,CONTROLLER://127.0.0.1:$KCPORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KPORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$WORK/kafka/data
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
P
java -cp "$KAFKA_JAR" kafka.tools.StorageTool format --cluster-id "$(java -cp "$KAFKA_JAR" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -1)" \
  --config "$WORK/kafka/server.properties" >"$WORK/kafka/format.log" 2>&1
java -Xmx512m -cp "$KAFKA_JAR" kafka.Kafka "$WORK/kafka/server.properties" >"$WORK/kafka/broker.log" 2>&1 &
KAFKA_PID=$!; PIDS+=("$KAFKA_PID")
await_port "$KPORT"; sleep 3
echo "Kafka 4.3.1 on 127.0.0.1:$KPORT"

# start_node <core|transport> <name> <http port> <mqtt port> <topic prefix>; sets NODE_PID
start_node() {
  local role=$1 name=$2 http=$3 mqtt=$4 prefix=$5 log="$WORK/$2.log"
  local args=(--mote.role="$role" --mote.cluster.node-id="$name" --mote.kafka.bootstrap-servers="127.0.0.1:$KPORT"
    --mote.kafka.topic-prefix="$prefix" --mote.data-dir="$WORK/$name" --server.port="$http" --logging.level.root=WARN
    --mote.transport.mqtt.port="$mqtt" --mote.transport.mqtt.ssl.enabled=false --mote.transport.mqtt.ssl-port=0
    --mote.transport.coap.port=0 --mote.transport.coap.dtls-port=0 --mote.transport.lwm2m.port=0
    --mote.transport.lwm2m.secure-port=0 --mote.transport.lwm2m.bootstrap.port=0
    --mote.transport.lwm2m.bootstrap.secure-port=0 --mote.transport.snmp.trap-port=0)
  if [ "$role" = core ]; then
    args+=(--mote.db.url="$DB_URL" --mote.db.username="$DB_USER" --mote.db.password="$DB_PW"
      --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw)
  fi
  # shellcheck disable=SC2086
  java ${MOTE_BENCH_SERVER_OPTS:-} -jar "$JAR" "${args[@]}" >>"$log" 2>&1 &
  NODE_PID=$!; PIDS+=("$NODE_PID")
  await_health "$http" "$NODE_PID" "$log"
}

ingest() { java -jar mote-bench/target/mote-bench.jar mqtt-ingest --url "http://127.0.0.1:$1" --mqtt-port "$2" --password "$PASSWORD" "${@:3}"; }

PARTS=" ${CLUSTER_PARTS:-baseline topologies failover} "
part() { [[ "$PARTS" == *" $1 "* ]]; }

# --- role=all, the same scenario (embedded PostgreSQL, no Kafka)
if part baseline; then
echo "=== role=all (one process), load: $(cut -d' ' -f1-3 /proc/loadavg)"
java ${MOTE_BENCH_SERVER_OPTS:-} -jar "$JAR" --server.port=$((BASE + 3)) --mote.data-dir="$WORK/all" \
  --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw --logging.level.root=WARN \
  --mote.transport.mqtt.port=$((BASE + 4)) --mote.transport.mqtt.ssl.enabled=false --mote.transport.snmp.trap-port=0 \
  --mote.transport.coap.port=0 --mote.transport.coap.dtls-port=0 --mote.transport.lwm2m.port=0 \
  --mote.transport.lwm2m.secure-port=0 --mote.transport.lwm2m.bootstrap.port=0 --mote.transport.lwm2m.bootstrap.secure-port=0 \
  >"$WORK/all.log" 2>&1 &
ALL_PID=$!; PIDS+=("$ALL_PID")
await_health $((BASE + 3)) "$ALL_PID" "$WORK/all.log"
c0=$(cpu_s "$ALL_PID"); m0=$(machine)
ingest $((BASE + 3)) $((BASE + 4)) "$@"
echo "CPU s (machine busy $(busy_since "$m0")): all $(awk -v a="$c0" -v b="$(cpu_s "$ALL_PID")" 'BEGIN {printf "%.1f", b - a}')"
kill "$ALL_PID"; wait "$ALL_PID" 2>/dev/null || true
fi

# --- the topologies, each on topics of its own, the cores on the one database
run=0
part topologies || CLUSTER_TOPOLOGIES=" "
for topo in ${CLUSTER_TOPOLOGIES:-1:1 1:2 1:3 2:1 2:2 2:3}; do
  cores=${topo%%:*}; transports=${topo##*:}; run=$((run + 1))
  prefix="bench$run."; node_pids=(); names=(); mqtt_ports=()
  for c in $(seq 1 "$cores"); do
    start_node core "r$run-core$c" $((BASE + 10 + c)) 0 "$prefix"; node_pids+=("$NODE_PID"); names+=("core$c")
  done
  for t in $(seq 1 "$transports"); do
    start_node transport "r$run-transport$t" $((BASE + 20 + t)) $((BASE + 30 + t)) "$prefix"
    node_pids+=("$NODE_PID"); names+=("transport$t"); mqtt_ports+=($((BASE + 30 + t)))
  done
  echo "=== $cores core(s), $transports transport(s), load: $(cut -d' ' -f1-3 /proc/loadavg)"
  before=(); for p in "${node_pids[@]}"; do before+=("$(cpu_s "$p")"); done
  k0=$(cpu_s "$KAFKA_PID"); m0=$(machine)
  ingest $((BASE + 11)) "$(IFS=,; echo "${mqtt_ports[*]}")" "$@"
  line="CPU s (machine busy $(busy_since "$m0")): kafka $(awk -v a="$k0" -v b="$(cpu_s "$KAFKA_PID")" 'BEGIN {printf "%.1f", b - a}')"
  for i in "${!node_pids[@]}"; do
    line+=" ${names[$i]} $(awk -v a="${before[$i]}" -v b="$(cpu_s "${node_pids[$i]}")" 'BEGIN {printf "%.1f", b - a}')"
  done
  echo "$line"
  for p in "${node_pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${node_pids[@]}"; do wait "$p" 2>/dev/null || true; done
done

# --- failover: 1 core, 2 transports; transport 1 killed with SIGKILL under its devices
part failover || exit 0
run=$((run + 1)); prefix="bench$run."
start_node core "r$run-core1" $((BASE + 11)) 0 "$prefix"
start_node transport "r$run-transport1" $((BASE + 21)) $((BASE + 31)) "$prefix"; T1=$NODE_PID
start_node transport "r$run-transport2" $((BASE + 22)) $((BASE + 32)) "$prefix"
echo "=== failover, load: $(cut -d' ' -f1-3 /proc/loadavg)"
java -jar mote-bench/target/mote-bench.jar mqtt-failover --url "http://127.0.0.1:$((BASE + 11))" --password "$PASSWORD" \
  --mqtt-port $((BASE + 31)) --failover-port $((BASE + 32)) --kill-pid "$T1" --devices "${CLUSTER_FAILOVER_DEVICES:-1000}"
