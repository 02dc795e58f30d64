package io.mote.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt3.Mqtt3AsyncClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAck;

/**
 * A reconnect storm of persistent MQTT 3.1.1 sessions. Phase 1: {@code devices} clients connect with
 * {@code cleanSession=false}, subscribe to attribute responses at QoS 1, ask for their attributes, and
 * receive the answer without acknowledging it (manual acknowledgement, never given), so each session holds
 * one unacknowledged message; then they all disconnect. Phase 2: new clients with the same client ids
 * reconnect, spread over {@code reconnect-window} seconds; measured is the time from the first reconnect
 * until every device has received its message again, and how many CONNACKs said Session Present.
 */
final class MqttReconnectLoad {

    private static final String RESPONSES = "v1/devices/me/attributes/response/+";

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String host = args.string("mqtt-host", "127.0.0.1");
        int port = args.integer("mqtt-port", 1883);
        int devices = args.integer("devices", 10000);
        int window = args.integer("reconnect-window", 10);
        int connectRate = args.integer("connect-rate", 1000);
        int deadline = args.integer("deadline", 120);

        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        admin.ensureDevices("bench-recon", "bench-recon-token", devices, args.integer("rest-parallel", 16));

        // Phase 1: one unacknowledged attribute response per session.
        CountDownLatch queued = new CountDownLatch(devices);
        List<Mqtt3AsyncClient> first = new ArrayList<>(devices);
        long t0 = System.nanoTime();
        List<CompletableFuture<?>> setups = new ArrayList<>(devices);
        for (int i = 0; i < devices; i++) {
            pace(t0, i, connectRate);
            Mqtt3AsyncClient c = client(host, port, i);
            c.publishes(MqttGlobalPublishFilter.ALL, p -> queued.countDown(), true);
            first.add(c);
            setups.add(connect(c, i).thenCompose(a -> c.subscribeWith().topicFilter(RESPONSES).qos(MqttQos.AT_LEAST_ONCE)
                    .send()).thenCompose(a -> c.publishWith().topic("v1/devices/me/attributes/request/1")
                    .qos(MqttQos.AT_LEAST_ONCE).payload("{}".getBytes(StandardCharsets.UTF_8)).send()));
        }
        CompletableFuture.allOf(setups.toArray(CompletableFuture[]::new)).get(300, TimeUnit.SECONDS);
        if (!queued.await(deadline, TimeUnit.SECONDS)) {
            System.out.printf("only %d of %d devices got their first message%n", devices - queued.getCount(), devices);
        }
        System.out.printf("phase 1: %d persistent sessions connected, each holding one unacknowledged QoS 1 "
                + "message, in %d ms%n", devices, (System.nanoTime() - t0) / 1_000_000);
        List<CompletableFuture<?>> gone = new ArrayList<>(devices);
        first.forEach(c -> gone.add(c.disconnect()));
        CompletableFuture.allOf(gone.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        first.clear();

        // Phase 2: everyone reconnects within the window; count each device's first redelivered message.
        int rate = Math.max(1, Math.min(connectRate, devices / Math.max(1, window)));
        CountDownLatch delivered = new CountDownLatch(devices);
        AtomicIntegerArray got = new AtomicIntegerArray(devices);
        LongAdder present = new LongAdder();
        LongAdder refused = new LongAdder();
        List<Mqtt3AsyncClient> second = new ArrayList<>(devices);
        long t1 = System.nanoTime();
        for (int i = 0; i < devices; i++) {
            pace(t1, i, rate);
            int n = i;
            Mqtt3AsyncClient c = client(host, port, i);
            c.publishes(MqttGlobalPublishFilter.ALL, p -> {
                if (got.compareAndSet(n, 0, 1)) {
                    delivered.countDown();
                }
            });
            second.add(c);
            connect(c, i).whenComplete((ack, err) -> {
                if (err != null) {
                    refused.increment();
                } else if (ack.isSessionPresent()) {
                    present.increment();
                }
            });
        }
        long connectsIssued = (System.nanoTime() - t1) / 1_000_000;
        boolean all = delivered.await(deadline, TimeUnit.SECONDS);
        long t2 = System.nanoTime();
        System.out.printf("phase 2: %d reconnects issued over %d ms (%d/s); Session Present: %d, refused: %d%n",
                devices, connectsIssued, rate, present.sum(), refused.sum());
        System.out.printf("every queued message delivered again: %s, %d of %d, %d ms after the first reconnect%n",
                all ? "yes" : "no", devices - delivered.getCount(), devices, (t2 - t1) / 1_000_000);
        second.forEach(Mqtt3AsyncClient::disconnect);
        System.exit(0);
    }

    private static Mqtt3AsyncClient client(String host, int port, int i) {
        return Mqtt3Client.builder().identifier("bench-recon-" + i).serverHost(host).serverPort(port).buildAsync();
    }

    private static CompletableFuture<Mqtt3ConnAck> connect(Mqtt3AsyncClient c, int i) {
        return c.connectWith().cleanSession(false).simpleAuth().username("bench-recon-token-" + i).applySimpleAuth()
                .keepAlive(60).send();
    }

    private static void pace(long start, int i, int perSecond) throws InterruptedException {
        long wait = start + i * 1_000_000_000L / perSecond - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private MqttReconnectLoad() {
    }
}
