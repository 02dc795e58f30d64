# Sourced by the mote-bench scripts: a fresh Mote server from mote-server/target/mote-server.jar with
# the embedded PostgreSQL in a temporary data directory, stopped and removed when the script exits. The SNMP
# trap listener takes a free port, so benches running side by side do not collide on its fixed one.
#   start_server [--extra.server=args ...]   starts it (REST on $PORT) and waits until it is ready;
#                                           sets PID and STARTUP_MS
#   stop_server                             stops it, keeping the data directory
#   rss_mb PID                              resident set of a process, MB
#   pg_pss_mb                               proportional set of the embedded PostgreSQL processes, MB
# MOTE_BENCH_PORT moves the REST port, MOTE_BENCH_SERVER_OPTS passes JVM options to the server,
# MOTE_BENCH_SERVER_JAR runs another build of the server (a before/after comparison).

PORT=${MOTE_BENCH_PORT:-18080}
PASSWORD=bench-tenant-pw
DATA=$(mktemp -d)
LOG="$DATA/server.log"
PID=
STARTUP_MS=
# MOTE_BENCH_KEEP_LOG=file keeps a copy of the server's log there when the script exits.
trap '[ -n "$PID" ] && kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; [ -n "${MOTE_BENCH_KEEP_LOG:-}" ] && cp "$LOG" "$MOTE_BENCH_KEEP_LOG"; rm -rf "$DATA"' EXIT

start_server() {
  local start ready trap_port=(--mote.transport.snmp.trap-port=0)
  # A free trap port unless the caller sets one (Spring joins a property given twice into "0,-1").
  case " $* " in *" --mote.transport.snmp.trap-port="*) trap_port=() ;; esac
  start=$(date +%s%N)
  # shellcheck disable=SC2086
  java ${MOTE_BENCH_SERVER_OPTS:-} -jar "${MOTE_BENCH_SERVER_JAR:-mote-server/target/mote-server.jar}" --server.port="$PORT" \
    --mote.data-dir="$DATA" --mote.tenant.password="$PASSWORD" --mote.sysadmin.password=bench-sys-pw \
    --logging.level.root=WARN "${trap_port[@]}" "$@" >>"$LOG" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/actuator/health" >/dev/null; do
    kill -0 "$PID" 2>/dev/null || { cat "$LOG"; exit 1; }
    sleep 0.1
  done
  ready=$(date +%s%N)
  STARTUP_MS=$(( (ready - start) / 1000000 ))
}

stop_server() {
  kill "$PID"
  wait "$PID" || true
  PID=
}

rss_mb() { awk '/VmRSS/ {printf "%.0f", $2 / 1024}' "/proc/$1/status"; }

pg_pss_mb() {
  local pm
  pm=$(head -1 "$DATA/postgres/postmaster.pid")
  { echo "$pm"; pgrep -P "$pm"; } | while read -r p; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null; done \
    | awk '{s+=$1} END {printf "%.0f", s/1024}'
}
