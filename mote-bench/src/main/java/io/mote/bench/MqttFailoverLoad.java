package io.mote.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;

import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * How long the devices of a transport node that dies take to be served again by another. {@code devices}
 * MQTT 3.1.1 clients connect to {@code mqtt-port} and publish one point each; the process {@code kill-pid}
 * (that transport node) is then killed with SIGKILL; every client connects to {@code failover-port} (what a
 * load balancer would do) and publishes again, retrying every 200 ms. Measured per device: from the kill to
 * the PUBACK of that publish through the other node. {@code others} devices (as many by default) are connected
 * to the other node from the start, as a load balancer spreads them, so the node taking over is as warm as in
 * production, and they publish again after the kill: the survivors' own devices must not notice it.
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
        int others = args.integer("others", devices);

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        admin.ensureDevices("bench-failover", "bench-failover-token", devices + others,
                args.integer("rest-parallel", 16));

        List<CompletableFuture<?>> first = new ArrayList<>();
        List<Mqtt3AsyncClient> survivors = new ArrayList<>();
        long connectStart = System.nanoTime();
        for (int i = 0; i < devices + others; i++) {
            long wait = connectStart + i * 1_000_000_000L / connectRate - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            Mqtt3AsyncClient c = client(host, i < devices ? port : failoverPort, i);
            if (i >= devices) {
                survivors.add(c);
            }
            String token = "bench-failover-token-" + i;
            first.add(c.connectWith().simpleAuth().username(token).applySimpleAuth().send().thenCompose(a -> publish(c)));
        }
        CompletableFuture.allOf(first.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        System.out.printf("MQTT failover: %d devices connected to port %d and %d to port %d, all acknowledged; killing pid %d%n",
                devices, port, others, failoverPort, pid);

        ScheduledExecutorService retry = Executors.newSingleThreadScheduledExecutor();
        long killed = System.nanoTime();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Histogram served = new Histogram(3);
        ConcurrentHistogram connacked = new ConcurrentHistogram(3);
        AtomicInteger attempts = new AtomicInteger();
        List<CompletableFuture<Long>> again = new ArrayList<>();
        for (int i = 0; i < devices; i++) {
            CompletableFuture<Long> done = new CompletableFuture<>();
            reconnect(new Reconnect(host, failoverPort, i, killed, deadline, retry, connacked, attempts), done);
            again.add(done);
        }
        List<CompletableFuture<Long>> undisturbed = new ArrayList<>();
        for (Mqtt3AsyncClient c : survivors) {
            undisturbed.add(publish(c).thenApply(a -> System.nanoTime() - killed));
        }
        int failed = record(again, served, deadline);
        Histogram stayed = new Histogram(3);
        int stayedFailed = record(undisturbed, stayed, deadline);
        retry.shutdownNow();
        System.out.printf("served again through port %d after the kill, ms: p50 %.0f  p90 %.0f  p99 %.0f  max %.0f; "
                        + "not served within %d s: %d%n", failoverPort, served.getValueAtPercentile(50) / 1000.0,
                served.getValueAtPercentile(90) / 1000.0, served.getValueAtPercentile(99) / 1000.0,
                served.getMaxValue() / 1000.0, deadline, failed);
        // Where the time goes: the CONNACK (authentication, session open) against the PUBACK (telemetry stored).
        System.out.printf("CONNACK after the kill, ms: p50 %.0f  p90 %.0f  max %.0f; connection attempts: %d%n",
                connacked.getValueAtPercentile(50) / 1000.0, connacked.getValueAtPercentile(90) / 1000.0,
                connacked.getMaxValue() / 1000.0, attempts.get());
        System.out.printf("the other node's own %d devices, PUBACK of a publish sent at the kill, ms: p50 %.0f  max %.0f; failed: %d%n",
                others, stayed.getValueAtPercentile(50) / 1000.0, stayed.getMaxValue() / 1000.0, stayedFailed);
        System.exit(0);
    }

    /** Records each future's nanoseconds in µs; returns how many failed or did not end within the deadline. */
    private static int record(List<CompletableFuture<Long>> futures, Histogram into, int deadline) {
        int failed = 0;
        for (CompletableFuture<Long> f : futures) {
            try {
                into.recordValue(f.get(deadline + 10L, TimeUnit.SECONDS) / 1000);
            } catch (Exception e) {
                failed++;
            }
        }
        return failed;
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

    private record Reconnect(String host, int port, int i, long killed, int deadline, ScheduledExecutorService retry,
            ConcurrentHistogram connacked, AtomicInteger attempts) {
    }

    /** Connects to the other node and publishes; on any failure tries again 200 ms later, until the deadline. */
    private static void reconnect(Reconnect r, CompletableFuture<Long> done) {
        r.attempts().incrementAndGet();
        Mqtt3AsyncClient c = client(r.host(), r.port(), r.i());
        c.connectWith().simpleAuth().username("bench-failover-token-" + r.i()).applySimpleAuth().send()
                .thenCompose(a -> {
                    r.connacked().recordValue((System.nanoTime() - r.killed()) / 1000);
                    return publish(c);
                }).whenComplete((ok, err) -> {
                    if (err == null) {
                        done.complete(System.nanoTime() - r.killed());
                        c.disconnect();
                    } else if (System.nanoTime() - r.killed() > r.deadline() * 1_000_000_000L) {
                        done.completeExceptionally(err);
                    } else {
                        c.disconnect();
                        r.retry().schedule(() -> reconnect(r, done), 200, TimeUnit.MILLISECONDS);
                    }
                });
    }

    private MqttFailoverLoad() {
    }
}
