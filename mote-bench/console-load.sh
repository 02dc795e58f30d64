#!/usr/bin/env bash
# Console timings from the browser's performance API: page load and first render of the device list
# with DEVICES devices (default 10000), and the latency from a device message to the page showing it.
# Runs the ConsoleBench test (a TestServer on free ports, headless Debian Chromium) and prints its numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
DEVICES="${1:-10000}"
./mvnw -B -q -o -pl mote-server -am verify -Dtest=ConsoleBench -Dsurefire.failIfNoSpecifiedTests=false \
  -Dmote.console.bench="$DEVICES" >/dev/null
grep -h '^BENCH' mote-server/target/surefire-reports/io.mote.server.it.console.ConsoleBench-output.txt
