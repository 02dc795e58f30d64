package io.mote.bench;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import tools.jackson.databind.JsonNode;

/**
 * The fault scenario's two halves (mote-bench/fault.sh kills and restarts the server between them).
 * {@code fault-load}: HTTP and MQTT QoS 1 devices send telemetry in closed loops for {@code --duration}
 * seconds, whatever happens to the server meanwhile; every data point the server acknowledged (HTTP 200,
 * PUBACK) is written to {@code --acked}. {@code fault-verify}: reads back every device's stored data
 * points and prints acknowledged, stored and lost (acknowledged but not stored; must be 0).
 */
final class FaultLoad {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** One device's acknowledged timestamps (one value per request, key {@code v}). */
    private record Device(String name, String token, Set<Long> acked) {
    }

    static void load(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("mqtt-host", "127.0.0.1");
        int port = args.integer("mqtt-port", 1883);
        int httpDevices = args.integer("http-devices", 20);
        int mqttDevices = args.integer("mqtt-devices", 20);
        int duration = args.integer("duration", 40);
        Path ackedFile = Path.of(args.string("acked", "acked.txt"));

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        admin.ensureDevices("fault-http", "fault-http-token", httpDevices, 8);
        admin.ensureDevices("fault-mqtt", "fault-mqtt-token", mqttDevices, 8);
        // Timestamps from a day ago on, one apart, so every request's data point is distinct.
        AtomicLong nextTs = new AtomicLong(System.currentTimeMillis() - 86_400_000L);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(duration);
        List<Device> devices = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < httpDevices; i++) {
            Device d = new Device("fault-http-" + i, "fault-http-token-" + i, ConcurrentHashMap.newKeySet());
            devices.add(d);
            threads.add(start(() -> http(url, d, nextTs, end)));
        }
        for (int i = 0; i < mqttDevices; i++) {
            Device d = new Device("fault-mqtt-" + i, "fault-mqtt-token-" + i, ConcurrentHashMap.newKeySet());
            devices.add(d);
            threads.add(start(() -> mqtt(host, port, d, nextTs, end)));
        }
        for (Thread t : threads) {
            t.join();
        }
        List<String> lines = new ArrayList<>();
        for (Device d : devices) {
            d.acked().forEach(ts -> lines.add(d.name() + " " + ts));
        }
        Files.write(ackedFile, lines);
        System.out.printf("load: %d HTTP and %d MQTT (QoS 1) devices, %d s, %d data points acknowledged%n",
                httpDevices, mqttDevices, duration, lines.size());
        System.exit(0);
    }

    private static void http(String url, Device d, AtomicLong nextTs, long end) {
        while (System.nanoTime() < end) {
            long ts = nextTs.incrementAndGet();
            try {
                HttpResponse<Void> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/" + d.token()
                                + "/telemetry")).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body(ts))).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    d.acked().add(ts);
                    continue;
                }
            } catch (IOException e) {
                // Down or restarting: not acknowledged.
            } catch (InterruptedException e) {
                return;
            }
            sleep(100);
        }
    }

    /** One connection at a time, QoS 1, the next publish after the PUBACK; reconnects after a failure. */
    private static void mqtt(String host, int port, Device d, AtomicLong nextTs, long end) {
        while (System.nanoTime() < end) {
            Mqtt3AsyncClient c = Mqtt3Client.builder().identifier(d.name()).serverHost(host).serverPort(port).buildAsync();
            try {
                c.connectWith().simpleAuth().username(d.token()).applySimpleAuth().keepAlive(30).send()
                        .get(10, TimeUnit.SECONDS);
                while (System.nanoTime() < end) {
                    long ts = nextTs.incrementAndGet();
                    c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                            .payload(body(ts).getBytes(StandardCharsets.UTF_8)).send().get(20, TimeUnit.SECONDS);
                    d.acked().add(ts);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // Connection lost or refused: what was not PUBACKed is not owed.
                sleep(200);
            } finally {
                c.disconnect();
            }
        }
    }

    static void verify(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        java.util.Map<String, Set<Long>> acked = new java.util.TreeMap<>();
        for (String line : Files.readAllLines(Path.of(args.string("acked", "acked.txt")))) {
            String[] f = line.split(" ");
            acked.computeIfAbsent(f[0], k -> new HashSet<>()).add(Long.parseLong(f[1]));
        }
        long total = 0;
        long stored = 0;
        long lost = 0;
        for (var e : acked.entrySet()) {
            String id = admin.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8))
                    .path("id").path("id").asString();
            JsonNode values = admin.get("/api/plugins/telemetry/DEVICE/" + id
                    + "/values/timeseries?keys=v&startTs=0&endTs=" + (System.currentTimeMillis() + 86_400_000L)
                    + "&limit=10000000").path("v");
            Set<Long> have = new HashSet<>();
            values.forEach(v -> have.add(v.path("ts").asLong()));
            for (long ts : e.getValue()) {
                total++;
                if (have.contains(ts)) {
                    stored++;
                } else {
                    lost++;
                }
            }
        }
        System.out.printf("acknowledged %d, stored %d, lost %d%n", total, stored, lost);
        System.exit(lost == 0 ? 0 : 1);
    }

    private static String body(long ts) {
        return "{\"ts\":" + ts + ",\"values\":{\"v\":" + ts + "}}";
    }

    private static Thread start(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private FaultLoad() {
    }
}
