#!/usr/bin/env bash
# Builds a class-data-sharing archive for a faster start: starts the server once from the extracted layout
# the build writes (target/mote: the application jar beside its libraries, the layout the JVM can share
# classes from) on a throw-away data directory until its context is refreshed, recording the classes it
# loaded. Run after the build; start the server with the archive:
#   java -XX:SharedArchiveFile=mote-server/target/mote/mote.jsa -jar mote-server/target/mote/mote-server.jar
# The archive belongs to this build and this JDK: build it again after either changes (a mismatched
# archive is ignored by the JVM, with a warning, and the server starts without it).
set -euo pipefail
# The JVM accepts an archive only with the class path it was made with, character for character: train with
# the path the README starts (from the repository's root).
cd "$(dirname "$0")/.."
out=mote-server/target/mote
[ -f "$out/mote-server.jar" ] || { echo "build first: $out/mote-server.jar is missing" >&2; exit 1; }
rm -f "$out/mote.jsa"
data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
# spring.context.exit=onRefresh: the training run stops once every bean is created, before listeners open.
java -XX:ArchiveClassesAtExit="$out/mote.jsa" -Dspring.context.exit=onRefresh -jar "$out/mote-server.jar" \
  --mote.data-dir="$data" --logging.level.root=WARN --server.port=0 --mote.transport.mqtt.port=0 \
  --mote.transport.mqtt.ssl-port=0 --mote.transport.coap.port=0 --mote.transport.coap.dtls-port=0 \
  --mote.transport.lwm2m.port=0 --mote.transport.lwm2m.secure-port=0 --mote.transport.lwm2m.bootstrap.port=0 \
  --mote.transport.lwm2m.bootstrap.secure-port=0 --mote.transport.snmp.trap-port=0
echo "CDS archive: $out/mote.jsa"
