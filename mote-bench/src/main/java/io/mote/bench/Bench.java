package io.mote.bench;

/**
 * Load generators for a running Mote server: {@code java -jar mote-bench.jar <scenario> [--option value…]}.
 * Every scenario talks to the server over its real protocols only (except {@code ts-writer}, which runs the
 * telemetry write path in its own process), and stops by itself.
 */
public final class Bench {

    public static void main(String[] args) throws Exception {
        if (args.length == 0 || args[0].equals("--help")) {
            System.out.println("""
                    usage: java -jar mote-bench.jar <scenario> [--option value ...]
                    scenarios:
                      http-ingest   telemetry through the HTTP device API
                        --url http://127.0.0.1:8080  --username tenant@mote.local  --password <pw>
                        --devices 100  --keys 10  --warmup 10  --duration 30  --max-requests 20000000
                      mqtt-ingest   QoS 1 telemetry over MQTT, one connection per device, closed loop
                        --url http://127.0.0.1:8080 (REST, to create devices)  --mqtt-host 127.0.0.1  --mqtt-port 1883
                        (or 1883,1884,..: devices spread over several transport nodes)
                        --username tenant@mote.local  --password <pw>  --mqtt-version 3|5
                        --devices 1000  --keys 10  --warmup 10  --duration 30  --max-requests 20000000
                        --connect-rate 500 (connections set up per second)  --rest-parallel 16 (device creation)
                        --clean-session true|false (false: persistent sessions)  --in-flight 1 (publishes a device
                        keeps unacknowledged)  --create-devices true|false (false: another broker, no REST)
                      mqtt-reconnect  persistent sessions with an unacknowledged QoS 1 message each, all reconnecting
                        --url ..  --mqtt-host ..  --mqtt-port ..  --username ..  --password ..
                        --devices 10000  --reconnect-window 10 (s)  --connect-rate 1000  --deadline 120 (s)
                      mqtt-failover  devices of a transport node killed (SIGKILL) served again through another
                        --url ..  --mqtt-port <node to kill>  --failover-port <other node>  --kill-pid <its pid>
                        --devices 1000  --connect-rate 500  --deadline 120 (s)
                      mqtt-idle     N idle MQTT 3.1.1 connections; the server's RSS and heap before and after
                        --url ..  --mqtt-host ..  --mqtt-port ..  --username ..  --password ..
                        --connections 10000  --devices min(connections,10000)  --connect-rate 1000
                        --keepalive 60  --hold 10  --server-pid <pid of the server, same machine>
                      coap-ingest   CON telemetry over CoAP (token in the path), closed loop, devices sharing UDP sockets
                        --url http://127.0.0.1:8080 (REST, to create devices)  --coap-host 127.0.0.1  --coap-port 5683
                        --username tenant@mote.local  --password <pw>  --endpoints <devices/20>  --rest-parallel 16
                        --devices 1000  --keys 10  --warmup 10  --duration 30  --max-requests 20000000
                      dtls-handshake  full DTLS handshakes against the LwM2M secure port, closed loop per client
                        --mode psk|ecdhe  --dtls-host 127.0.0.1  --dtls-port 5686  --clients 50
                        --url http://127.0.0.1:8080 --username tenant@mote.local --password <pw> (psk: creates devices)
                        --devices 100  --warmup 5  --duration 20  --max-handshakes 1000000
                      lwm2m-load    many Leshan clients in this process, each observed, each changing its battery level
                        --url http://127.0.0.1:8080  --lwm2m-host 127.0.0.1  --lwm2m-port 5685
                        --username tenant@mote.local  --password <pw>  --clients 1000  --period-ms 1000
                        --registrations-per-second 200  --warmup 10  --duration 30  --server-pid <pid> (memory)
                        --sysadmin-password <pw> (the server's counters on /actuator/prometheus answer SYS_ADMIN only)
                      lwm2m-sim     many simulated LwM2M clients (one UDP socket each) on a few selector threads, each with
                                    3 observed resources: registration storm, memory per client, notifications stored
                        --url ..  --lwm2m-host 127.0.0.1  --lwm2m-port 5685  --username ..  --password ..
                        --clients 10000  --threads 2  --registrations-per-second 0 (unpaced)  --registration-window 1000
                        --lifetime 300  --lwm2m-versions 1.0,1.1  --rate 5000 (notifications/s)  --con-percent 50
                        --idle 5  --warmup 10  --duration 30  --sample 20 (read back)  --server-pid <pid> (memory)
                        --sysadmin-password <pw> (the server's counters)
                      snmp-poll     Mote polls simulated v2c agents (one responder on 127.0.0.2.. loopback addresses)
                        --url http://127.0.0.1:8080  --username tenant@mote.local  --password <pw>
                        --devices 10000  --oids 10  --period-ms 10000  --addresses 10  --ports 5  --base-port 16100
                        --timeout-ms 2000  --warmup 30  --duration 60  --agent-threads 2  --rest-parallel 16
                      lwm2m-ota     a firmware or software update of many Leshan clients (real Objects 5, 9, 19) at once
                        --url ..  --lwm2m-host 127.0.0.1  --lwm2m-port 5685  --username ..  --password ..
                        --kind firmware | software  --clients 100  --size 1048576
                        --strategy 1 (push) | 2 (Package URI) | 3 (firmware through Object 19)  --timeout 900
                        --shared-download-socket false (true: every Package URI download from one socket)
                        --server-pid <pid> (CPU, memory)
                      fault-load    HTTP and MQTT (QoS 1) telemetry in closed loops, surviving server crashes;
                                    writes every acknowledged data point to --acked (mote-bench/fault.sh)
                        --url ..  --mqtt-host ..  --mqtt-port ..  --username ..  --password ..
                        --http-devices 20  --mqtt-devices 20  --duration 40  --acked acked.txt
                      fault-verify  acknowledged, stored and lost data points of a fault-load run
                        --url ..  --username ..  --password ..  --acked acked.txt
                      ts-writer     the telemetry write path alone (TimeseriesWriter) against an embedded PostgreSQL
                                    (fsync on) in a temporary directory, one round per key count
                        --keys 1,3,10,100  --devices 1000  --in-flight 200  --warmup 5  --duration 20
                        --writer-threads 2  --batch-size 5000  --queue-capacity 200000  --jdbc-url (external instead)
                      ts-drop       expiring one day of data points: DROP TABLE of its partition against DELETE (+ VACUUM)
                                    of the same rows, in an embedded PostgreSQL in a temporary directory
                        --points 1000000 (a day)
                      fuzz          mutated and garbage input per protocol, then a valid request on each (mote-bench/fuzz.sh)
                        --url ..  --username ..  --password ..  --host 127.0.0.1  --mqtt-port 1883  --coap-port 5683
                        --lwm2m-port 5685  --inputs 100000 (per protocol)  --seed 12  --protocols http,mqtt,coap,lwm2m
                      queries       REST reads over generated data (mote-bench/queries.sh)
                        --phase generate: --jdbc-url <the server's database> --jdbc-password ..  --points 10000000
                          (one key of one device)  --days 365  --devices 10000 (3 latest values each)
                        --phase measure: --runs 20  --devices 10000  --per-device false (true: 10,000 single requests too)
                          --explain true (with --jdbc-url: PostgreSQL's plan of the aggregation)
                        --url ..  --username ..  --password ..
                    options may also be given as environment variables: MOTE_BENCH_PASSWORD, ...""");
            return;
        }
        BenchArgs options = new BenchArgs(args, 1);
        switch (args[0]) {
            case "http-ingest" -> HttpIngestLoad.run(options);
            case "mqtt-ingest" -> MqttIngestLoad.run(options);
            case "mqtt-idle" -> MqttIdleLoad.run(options);
            case "mqtt-reconnect" -> MqttReconnectLoad.run(options);
            case "mqtt-failover" -> MqttFailoverLoad.run(options);
            case "coap-ingest" -> CoapIngestLoad.run(options);
            case "dtls-handshake" -> DtlsHandshakeLoad.run(options);
            case "lwm2m-load" -> Lwm2mLoad.run(options);
            case "lwm2m-sim" -> Lwm2mSim.run(options);
            case "snmp-poll" -> SnmpPollLoad.run(options);
            case "lwm2m-ota" -> Lwm2mOtaLoad.run(options);
            case "fault-load" -> FaultLoad.load(options);
            case "fault-verify" -> FaultLoad.verify(options);
            case "ts-writer" -> TsWriterLoad.run(options);
            case "ts-drop" -> TsDropLoad.run(options);
            case "fuzz" -> FuzzLoad.run(options);
            case "queries" -> QueriesLoad.run(options);
            default -> {
                System.err.println("unknown scenario " + args[0] + " (see --help)");
                System.exit(2);
            }
        }
    }

    private Bench() {
    }
}
