package io.mote.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.TestMethodOrder;

import com.hivemq.client.mqtt.MqttClientState;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import io.mote.server.it.Api;

/**
 * Two core and two transport nodes, and what happens when one of each dies ({@code kill -9}) or Kafka goes away
 * for a few seconds. The tests run in order on the one topology: each leaves one node fewer.
 */
@EnabledIf("io.mote.cluster.it.ClusterRoles#built")
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultsClusterIT {

    private static Cluster cluster;

    @BeforeAll
    static void start() {
        // A short request timeout: push-back while Kafka is away comes after 3 s, not 10.
        cluster = Cluster.start("faults", 2, 2, "--mote.cluster.request-timeout-ms=3000");
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        KafkaBroker.shared().start();
    }

    @Test
    @Order(1)
    void devicesOfAKilledTransportNodeReconnectToTheOtherAndContinue() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        List<Devices.Device> devices = new ArrayList<>();
        List<Mqtt5AsyncClient> onA = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Devices.Device d = Devices.create(tenant, "move" + i);
            devices.add(d);
            Mqtt5AsyncClient c = Devices.mqtt(cluster.transport(1), d);
            onA.add(c);
            Devices.publishAcked(c, 1_000, "n", i);
        }

        cluster.transport(1).kill();
        for (Mqtt5AsyncClient c : onA) {
            for (int i = 0; i < 100 && c.getState() == MqttClientState.CONNECTED; i++) {
                Thread.sleep(100);
            }
            assertThat(c.getState()).as("client sees transport 1 gone").isNotEqualTo(MqttClientState.CONNECTED);
        }

        // What a load balancer does: the devices' next connection goes to the node still alive.
        List<Mqtt5AsyncClient> onB = new ArrayList<>();
        try {
            for (int i = 0; i < devices.size(); i++) {
                Mqtt5AsyncClient c = Devices.mqtt(cluster.transport(2), devices.get(i));
                onB.add(c);
                Devices.publishAcked(c, 2_000, "n", 10 + i);
                assertThat(Devices.storedTs(tenant, devices.get(i).id(), "n")).containsExactlyInAnyOrder(1_000L, 2_000L);
            }
            // Callbacks go to the session on transport 2, not to the dead node: a shared attribute and an RPC.
            Mqtt5AsyncClient c = onB.get(0);
            AtomicReference<String> attrs = new AtomicReference<>();
            Devices.onAttributes(c, p -> attrs.set(new String(p.getPayloadAsBytes(), StandardCharsets.UTF_8)));
            Devices.setSharedUntil(cluster.api(2).withToken(tenant.authToken()), devices.get(0).id(), "mode", attrs::get);
            Devices.answerRpc(c);
            assertThat(Devices.rpcUntilAnswered(tenant, devices.get(0).id(), "{\"method\":\"m\",\"params\":1,\"timeout\":5000}")
                    .json().toString()).isEqualTo("{\"echo\":1}");
        } finally {
            onB.forEach(Mqtt5AsyncClient::disconnect);
        }
    }

    @Test
    @Order(2)
    void aKilledCoreLosesNoAcknowledgedTelemetry() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        int deviceCount = 8;
        List<Devices.Device> devices = new ArrayList<>();
        for (int i = 0; i < deviceCount; i++) {
            devices.add(Devices.create(tenant, "crash" + i));
        }
        List<Set<Long>> acked = new ArrayList<>();
        AtomicBoolean killed = new AtomicBoolean();
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch beforeKill = new CountDownLatch(deviceCount);
        CountDownLatch afterKill = new CountDownLatch(deviceCount);
        List<Thread> publishers = new ArrayList<>();
        for (int d = 0; d < deviceCount; d++) {
            Set<Long> mine = ConcurrentHashMap.newKeySet();
            acked.add(mine);
            Devices.Device device = devices.get(d);
            Thread t = new Thread(() -> publishUntilDone(device, mine, killed, done, beforeKill, afterKill), "publisher-" + d);
            publishers.add(t);
            t.start();
        }
        assertThat(beforeKill.await(60, TimeUnit.SECONDS)).as("every device acknowledged 20 points").isTrue();
        killed.set(true);
        cluster.core(2).kill();
        // Core 2's partitions move to core 1; the devices are served again and go on.
        boolean resumed = afterKill.await(120, TimeUnit.SECONDS);
        done.set(true);
        for (Thread t : publishers) {
            t.join(60_000);
        }
        assertThat(resumed).as("every device acknowledged 20 more points after the kill").isTrue();
        for (int d = 0; d < deviceCount; d++) {
            Set<Long> stored = Devices.storedTs(tenant, devices.get(d).id(), "seq");
            assertThat(stored).as("stored points of device " + d).containsAll(acked.get(d));
        }
    }

    /** Publishes points 1, 2, 3... at QoS 1 one at a time, noting those acknowledged; reconnects when cut off. */
    private static void publishUntilDone(Devices.Device device, Set<Long> acked, AtomicBoolean killed, AtomicBoolean done,
            CountDownLatch beforeKill, CountDownLatch afterKill) {
        Mqtt5AsyncClient client = null;
        int ackedAfterKill = 0;
        long seq = 0;
        try {
            while (!done.get()) {
                if (client == null || client.getState() != MqttClientState.CONNECTED) {
                    try {
                        client = Devices.mqtt(cluster.transport(2), device);
                    } catch (RuntimeException notNow) {
                        Thread.sleep(500);
                        continue;
                    }
                }
                seq++;
                boolean ok;
                try {
                    ok = Devices.publish(client, "v1/devices/me/telemetry", Devices.point(seq, "seq", seq))
                            .get(20, TimeUnit.SECONDS);
                } catch (Exception timeout) {
                    ok = false;
                }
                if (ok) {
                    boolean afterTheKill = killed.get();
                    acked.add(seq);
                    if (!afterTheKill && acked.size() == 20) {
                        beforeKill.countDown();
                    }
                    if (afterTheKill && ++ackedAfterKill == 20) {
                        afterKill.countDown();
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (client != null) {
                client.disconnect();
            }
        }
    }

    @Test
    @Order(3)
    void whileKafkaIsAwayDevicesArePushedBackAndNothingAcknowledgedIsLost() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        Devices.Device mqttDevice = Devices.create(tenant, "away-mqtt");
        Devices.Device httpDevice = Devices.create(tenant, "away-http");
        MoteNode transport = cluster.transport(2);
        Api deviceApi = transport.api();
        Mqtt5AsyncClient client = Devices.mqtt(transport, mqttDevice);
        Set<Long> mqttAcked = ConcurrentHashMap.newKeySet();
        Set<Long> httpAcked = ConcurrentHashMap.newKeySet();
        try {
            Devices.publishAcked(client, 1, "k", 1);
            mqttAcked.add(1L);
            deviceApi.post("/api/v1/" + httpDevice.token() + "/telemetry", Devices.point(1, "k", 1)).ok();
            httpAcked.add(1L);

            cluster.kafka().stop();
            try {
                // Push-back, not acceptance: a 503 over HTTP, a PUBACK with an error reason over MQTT 5.
                Api.Res refused = deviceApi.post("/api/v1/" + httpDevice.token() + "/telemetry", Devices.point(2, "k", 2));
                assertThat(refused.status()).as("HTTP telemetry while Kafka is away").isEqualTo(503);
                boolean pubAcked = Devices.publish(client, "v1/devices/me/telemetry", Devices.point(2, "k", 2))
                        .get(30, TimeUnit.SECONDS);
                assertThat(pubAcked).as("MQTT PUBACK success while Kafka is away").isFalse();
            } finally {
                cluster.kafka().start();
            }

            // Service resumes: the HTTP device is served again within a minute of Kafka's return.
            long ts = 3;
            boolean served = false;
            for (int i = 0; i < 60 && !served; i++, ts++) {
                Api.Res r = deviceApi.post("/api/v1/" + httpDevice.token() + "/telemetry", Devices.point(ts, "k", ts));
                if (r.status() == 200) {
                    httpAcked.add(ts);
                    served = true;
                } else {
                    assertThat(r.status()).as("push-back while Kafka comes back").isEqualTo(503);
                    Thread.sleep(1000);
                }
            }
            assertThat(served).as("HTTP telemetry accepted again after Kafka is back").isTrue();
            if (client.getState() != MqttClientState.CONNECTED) {
                client = Devices.mqtt(transport, mqttDevice);
            }
            Devices.publishAcked(client, 100, "k", 100);
            mqttAcked.add(100L);

            assertThat(Devices.storedTs(tenant, mqttDevice.id(), "k")).containsAll(mqttAcked);
            assertThat(Devices.storedTs(tenant, httpDevice.id(), "k")).containsAll(httpAcked);
        } finally {
            client.disconnect();
        }
    }
}
