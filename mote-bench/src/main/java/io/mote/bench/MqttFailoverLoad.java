package io.mote.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;

import org.HdrHistogram.Histogram;

/**
 * How long the devices of a transport node that dies take to be served again by another. {@code devices}
 * MQTT 3.1.1 clients connect to {@code mqtt-port} and publish one point each; the process {@code kill-pid}
 * (that transport node) is then killed with SIGKILL; every client connects to {@code failover-port} (what a
 * load balancer would do) and publishes again, retrying every 200 ms. Measured per device: from the kill to
 * the PUBACK of that publish through the other node.
 */
final class MqttFailoverLoad {

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("mqtt-host", "127.0.0.1");
        int port = args.integer("mqtt-port", 1883);
        int failoverPort = args.integer("failover-port", 1884);
        int devices = args.integer("devices", 1000);
        int connectRate = args.integer("connect-rate", 500);
        long pid = Long.parseLong(args.string("kill-pid", "0"));
        int deadline = args.integer("deadline", 120);

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        admin.ensureDevices("bench-failover", "bench-failover-token", devices, args.integer("rest-parallel", 16));

        List<CompletableFuture<?>> first = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < devices; i++) {
            long wait = connectStart + i * 1_000_000_000L / connectRate - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Mqtt3AsyncClient c = client(host, port, i);
            String token = "bench-failover-token-" + i;
            first.add(c.connectWith().simpleAuth().username(token).applySimpleAuth().send().thenCompose(a -> publish(c)));
        }
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        System.out.printf("MQTT failover: %d devices connected to port %d and acknowledged; killing pid %d%n", devices,
                port, pid);

        ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
        long killed = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Histogram served = new Histogram(3);
        List<CompletableFuture<Long>> again = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            reconnect(host, failoverPort, i, killed, deadline, retry, done);
            again.add(done);
        }
        int failed = 0;
        for (CompletableFuture<Long> f : again) {
            try {
                served.recordValue(f.get(deadline + 10L, TimeUnit.SECONDS) / 1000);
            } catch (Exception e) {
                failed++;
            }
        }
        retry.shutdownNow();
        System.out.printf("served again through port %d after the kill, ms: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f; "
                        + "not served within %d s: %d%n", failoverPort, served.getValueAtPercentile(50) / 1000.0,
                served.getValueAtPercentile(90) / 1000.0, served.getValueAtPercentile(99) / 1000.0,
                served.getMaxValue() / 1000.0, deadline, failed);
        System.exit(0);
    }

    private static Mqtt3AsyncClient client(String host, int port, int i) {
        return Mqtt3Client.builder().identifier("bench-failover-" + i + "-" + port).serverHost(host).serverPort(port)
                .buildAsync();
    }

    private static CompletableFuture<?> publish(Mqtt3AsyncClient c) {
        return c.publishWith().topic("v1/devices/me/telemetry").qos(MqttQos.AT_LEAST_ONCE)
                .payload(("{\"ts\":" + System.currentTimeMillis() + ",\"values\":{\"up\":1}}").getBytes(StandardCharsets.UTF_8))
                .send();
    }

    /** Connects to the other node and publishes; on any failure tries again 200 ms later, until the deadline. */
    private static void reconnect(String host, int port, int i, long killed, int deadline, ScheduledExecutorService retry,
            CompletableFuture<Long> done) {
        Mqtt3AsyncClient c = client(host, port, i);
        c.connectWith().simpleAuth().username("bench-failover-token-" + i).applySimpleAuth().send()
                .thenCompose(a -> publish(c)).whenComplete((r, err) -> {
                    if (err == null) {
                        done.complete(System.nanoTime() - killed);
                        c.disconnect();
                    } else if (System.nanoTime() - killed > deadline * 1_000_000_000L) {
                        done.completeExceptionally(err);
                    } else {
                        c.disconnect();
                        retry.schedule(() -> reconnect(host, port, i, killed, deadline, retry, done), 200, TimeUnit.MILLISECONDS);
                    }
                });
    }

    private MqttFailoverLoad() {
    }
}
