package io.mote.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Telemetry ingest over MQTT: {@code devices} connections (one device each, access-token auth), each
 * publishing QoS 1 telemetry of {@code keys} data points with {@code in-flight} publishes unacknowledged at
 * a time, the next publish leaving when a PUBACK is in (closed loop, no thread per device). Counts the measured period only; stops by itself
 * after warm-up + duration or {@code max-requests} publishes.
 */
final class MqttIngestLoad {

    /** One simulated device: publishes, waits for its PUBACK, publishes again. */
    private interface Device {
        CompletableFuture<?> publish(byte[] payload);

        void disconnect();
    }

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("mqtt-host", "127.0.0.1");
        // A comma-separated list spreads the devices over several servers (transport nodes), device i on port i mod n.
        int[] ports = java.util.Arrays.stream(args.string("mqtt-port", "1883").split(",")).map(String::trim)
                .mapToInt(Integer::parseInt).toArray();
        int version = args.integer("mqtt-version", 3);
        int devices = args.integer("devices", 1000);
        int keys = args.integer("keys", 10);
        int warmup = args.integer("warmup", 10);
        int duration = args.integer("duration", 30);
        long maxRequests = Long.parseLong(args.string("max-requests", "20000000"));

        int connectRate = args.integer("connect-rate", 500);
        // false: persistent sessions (3.1.1 cleanSession=false, MQTT 5 a one-hour Session Expiry Interval).
        boolean clean = Boolean.parseBoolean(args.string("clean-session", "true"));
        int restParallel = args.integer("rest-parallel", 16);
        // Publishes each device keeps unacknowledged at a time (the client's send window).
        int inFlight = args.integer("in-flight", 1);
        // false: another broker (Mosquitto) that takes any client, so no devices are created over REST.
        boolean createDevices = Boolean.parseBoolean(args.string("create-devices", "true"));

        if (createDevices) {
            MoteAdmin admin = new MoteAdmin(url);
            admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
            admin.ensureDevices("bench-mqtt", "bench-mqtt-token", devices, restParallel);
        }
        List<Device> clients = new ArrayList<>(devices);
        long connectStart = System.nanoTime();
        List<CompletableFuture<?>> connects = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            String token = "bench-mqtt-token-" + i;
            int port = ports[i % ports.length];
            // Connection setup is paced (--connect-rate per second) so the server's accept queue never overflows.
            long due = connectStart + i * 1_000_000_000L / connectRate;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            if (version == 5) {
                Mqtt5AsyncClient c = Mqtt5Client.builder().identifier("bench-" + i).serverHost(host).serverPort(port)
                        .buildAsync();
                connects.add(c.connectWith().cleanStart(true).sessionExpiryInterval(clean ? 0 : 3600).simpleAuth()
                        .username(token).applySimpleAuth().keepAlive(60).send());
                clients.add(new Device() {
                    public CompletableFuture<?> publish(byte[] p) {
                        return c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload(p).send();
                    }

                    public void disconnect() {
                        c.disconnect();
                    }
                });
            } else {
                Mqtt3AsyncClient c = Mqtt3Client.builder().identifier("bench-" + i).serverHost(host).serverPort(port)
                        .buildAsync();
                connects.add(c.connectWith().cleanSession(clean).simpleAuth().username(token).applySimpleAuth()
                        .keepAlive(60).send());
                clients.add(new Device() {
                    public CompletableFuture<?> publish(byte[] p) {
                        return c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE).payload(p).send();
                    }

                    public void disconnect() {
                        c.disconnect();
                    }
                });
            }
        }
        CompletableFuture.allOf(connects.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        System.out.printf("MQTT %s ingest: %d devices connected in %d ms (%s sessions), %d data points a publish, "
                        + "QoS 1, %d in flight a device, %d s warm-up, %d s measured, %s:%s%n", version == 5 ? "5" : "3.1.1",
                devices, (System.nanoTime() - connectStart) / 1_000_000, clean ? "clean" : "persistent", keys, inFlight,
                warmup, duration, host, args.string("mqtt-port", "1883"));

        Recorder latencies = new Recorder(3);
        LongAdder measuredOk = new LongAdder();
        Map<String, LongAdder> failures = new ConcurrentHashMap<>();
        AtomicLong sent = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(devices * inFlight);
        for (Device d : clients) {
            for (int w = 0; w < inFlight; w++) {
                loop(d, w, inFlight, keys, measureFrom, end, maxRequests, sent, latencies, measuredOk, failures, done);
            }
        }
        done.await(warmup + duration + 60L, TimeUnit.SECONDS);
        clients.forEach(Device::disconnect);

        Histogram h = latencies.getIntervalHistogram();
        long ok = measuredOk.sum();
        System.out.printf("publishes acknowledged: %d (%.0f publishes/s, %.0f data points/s)%n",
                ok, ok / (double) duration, ok * (double) keys / duration);
        System.out.printf("PUBACK latency ms: p50 %.2f  p90 %.2f  p99 %.2f  p99.9 %.2f  max %.2f%n",
                ms(h, 50), ms(h, 90), ms(h, 99), ms(h, 99.9), h.getMaxValue() / 1000.0);
        System.out.println(failures.isEmpty() ? "failures: none" : "failures: " + failures);
        System.exit(0);
    }

    /** One of a device's send windows: publishes {@code n}, {@code n + step}, ... one after the other. */
    private static void loop(Device d, long n, int step, int keys, long measureFrom, long end, long maxRequests, AtomicLong sent,
                             Recorder latencies, LongAdder ok, Map<String, LongAdder> failures, CountDownLatch done) {
        if (System.nanoTime() >= end || sent.incrementAndGet() > maxRequests) {
            done.countDown();
            return;
        }
        byte[] payload = HttpIngestLoad.body(keys, n).getBytes(StandardCharsets.UTF_8);
        long t0 = System.nanoTime();
        d.publish(payload).whenComplete((r, err) -> {
            long t1 = System.nanoTime();
            String outcome = err != null ? err.getClass().getSimpleName() : error(r);
            if (t0 >= measureFrom && t1 <= end) {
                if (outcome == null) {
                    ok.increment();
                    latencies.recordValue((t1 - t0) / 1000);
                } else {
                    failures.computeIfAbsent(outcome, k -> new LongAdder()).increment();
                }
            }
            if (err != null) {
                done.countDown();
                return;
            }
            loop(d, n + step, step, keys, measureFrom, end, maxRequests, sent, latencies, ok, failures, done);
        });
    }

    /** An MQTT 5 PUBACK with an error reason code (pushback) counts as a failure. */
    private static String error(Object result) {
        if (result instanceof com.hivemq.client.mqtt.mqtt5.message.publish.Mqtt5PublishResult r && r.getError().isPresent()) {
            return r.getError().get().getClass().getSimpleName();
        }
        return null;
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private MqttIngestLoad() {
    }
}
