#!/usr/bin/env bash
# Start-up time and memory at rest. Times, for N runs each, a first start (empty data directory: the
# embedded database is created, keys generated, accounts made) and a restart on that data directory,
# from launching the JVM to the first login answered 200 (POST /api/auth/login); prints every run and
# the median. Then leaves the last server idle and reports the JVM's resident set and the embedded
# PostgreSQL's proportional set (all its processes) separately.
# Build first: ./mvnw -B -q -o -pl mote-server,mote-bench -am package -DskipTests
# Usage: mote-bench/startup.sh [--runs 5] [--idle 30] [-- server args...]
# Starts the README's start command's jar (the extracted layout, mote-server/target/mote/).
# MOTE_BENCH_PORT: REST port; MOTE_BENCH_SERVER_OPTS: JVM options; MOTE_BENCH_SERVER_JAR: another jar (the
# self-contained mote-server/target/mote-server.jar, another build).
# Every other listener takes a free port, so the script runs beside other benches.
set -euo pipefail
cd "$(dirname "$0")/.."
. mote-bench/bench-server.sh

RUNS=5
IDLE=30
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) RUNS=$2; shift 2 ;;
    --idle) IDLE=$2; shift 2 ;;
    --) shift; break ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
EXTRA=("$@")

OTHER_PORTS=(--mote.transport.mqtt.port=0 --mote.transport.mqtt.ssl-port=0 --mote.transport.coap.port=0
  --mote.transport.coap.dtls-port=0 --mote.transport.lwm2m.port=0 --mote.transport.lwm2m.secure-port=0
  --mote.transport.lwm2m.bootstrap.port=0 --mote.transport.lwm2m.bootstrap.secure-port=0
  --mote.transport.snmp.trap-port=0)
LOGIN="{\"username\":\"tenant@mote.local\",\"password\":\"$PASSWORD\"}"

# CPU seconds (user + system) the JVM $1 has used: on a shared machine a steadier measure than wall time.
cpu_s() { awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($14 + $15) / hz}' "/proc/$1/stat"; }

# Starts the server on $1 (data directory) and waits for a successful login; sets PID, LOGIN_MS and CPU.
start_and_login() {
  local dir=$1 start code
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  java ${MOTE_BENCH_SERVER_OPTS:-} -jar "${MOTE_BENCH_SERVER_JAR:-mote-server/target/mote/mote-server.jar}" \
    --server.port="$PORT" --mote.data-dir="$dir" --mote.tenant.password="$PASSWORD" \
    --mote.sysadmin.password=bench-sys-pw --logging.level.root=WARN "${OTHER_PORTS[@]}" "${EXTRA[@]}" \
    >>"$LOG" 2>&1 &
  PID=$!
  while :; do
    code=$(curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' -d "$LOGIN" \
      "http://127.0.0.1:$PORT/api/auth/login" || true)
    [ "$code" = 200 ] && break
    kill -0 "$PID" 2>/dev/null || { tail -50 "$LOG"; exit 1; }
    sleep 0.02
  done
  LOGIN_MS=$(( ($(date +%s%N) - start) / 1000000 ))
  CPU=$(cpu_s "$PID")
}

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

FIRST=()
RESTART=()
FIRST_CPU=()
RESTART_CPU=()
for i in $(seq 1 "$RUNS"); do
  dir="$DATA/run$i"
  start_and_login "$dir"
  FIRST+=("$LOGIN_MS")
  FIRST_CPU+=("$CPU")
  stop_server
  start_and_login "$dir"
  RESTART+=("$LOGIN_MS")
  RESTART_CPU+=("$CPU")
  echo "run $i: first start ${FIRST[-1]} ms (JVM CPU ${FIRST_CPU[-1]} s), restart ${RESTART[-1]} ms" \
    "(JVM CPU ${RESTART_CPU[-1]} s) (load $(cut -d' ' -f1-3 /proc/loadavg))"
  if [ "$i" -lt "$RUNS" ]; then
    stop_server
    rm -rf "$dir"
  fi
done
echo "median of $RUNS: first start $(printf '%s\n' "${FIRST[@]}" | median) ms" \
  "(JVM CPU $(printf '%s\n' "${FIRST_CPU[@]}" | median) s), restart $(printf '%s\n' "${RESTART[@]}" | median) ms" \
  "(JVM CPU $(printf '%s\n' "${RESTART_CPU[@]}" | median) s)"

DATA_SAVED=$DATA
DATA="$dir"
sleep "$IDLE"
echo "at rest after ${IDLE} s: server JVM RSS $(rss_mb "$PID") MB, threads $(awk '/Threads/ {print $2}' "/proc/$PID/status"),\
 embedded PostgreSQL PSS $(pg_pss_mb) MB (load $(cut -d' ' -f1-3 /proc/loadavg))"
DATA=$DATA_SAVED
