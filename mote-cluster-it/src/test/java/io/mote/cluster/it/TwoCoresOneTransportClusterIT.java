package io.mote.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;

/**
 * Two core nodes sharing the device partitions, one transport node. Each test uses several devices and acts on
 * both cores: whichever core owns a device's partition, the other core's request for it crosses to the owner,
 * so every assertion holds only if the core-to-core paths work (and with fewer devices than partitions owned by
 * both cores, a core cannot own them all).
 */
@EnabledIf("io.mote.cluster.it.ClusterRoles#built")
class TwoCoresOneTransportClusterIT {

    private static final int DEVICES = 8;
    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("c2t1", 2, 1);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    private static List<Devices.Device> devices(Api tenant, String prefix) {
        List<Devices.Device> list = new ArrayList<>();
        for (int i = 0; i < DEVICES; i++) {
            list.add(Devices.create(tenant, prefix + i));
        }
        return list;
    }

    @Test
    void telemetryThroughTheTransportReadsBackOnEitherCore() {
        Api tenant1 = cluster.api(1).newTenant();
        Api tenant2 = cluster.api(2).withToken(tenant1.authToken());
        List<Devices.Device> devices = devices(tenant1, "either");
        for (int i = 0; i < devices.size(); i++) {
            cluster.transport(1).api().post("/api/v1/" + devices.get(i).token() + "/telemetry", Devices.point(1_000 + i, "n", i))
                    .ok();
        }
        for (int i = 0; i < devices.size(); i++) {
            assertThat(Devices.latest(tenant1, devices.get(i).id(), "n")).isEqualTo(String.valueOf(i));
            assertThat(Devices.latest(tenant2, devices.get(i).id(), "n")).isEqualTo(String.valueOf(i));
        }
    }

    /** Collects the WebSocket's messages. */
    static final class Listener implements WebSocket.Listener {
        final LinkedBlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
        private final StringBuilder partial = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                messages.add(Json.MAPPER.readTree(partial.toString()));
                partial.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    private static WebSocket subscribe(MoteNode core, Api tenant, List<Devices.Device> devices, Listener listener)
            throws Exception {
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(core.baseUrl().replace("http", "ws") + "/api/ws/plugins/telemetry?token="
                        + tenant.authToken()), listener).get(20, TimeUnit.SECONDS);
        StringBuilder cmds = new StringBuilder("{\"tsSubCmds\":[");
        for (int i = 0; i < devices.size(); i++) {
            cmds.append(i == 0 ? "" : ",").append("{\"entityType\":\"DEVICE\",\"entityId\":\"").append(devices.get(i).id())
                    .append("\",\"scope\":\"LATEST_TELEMETRY\",\"cmdId\":").append(i + 1).append(",\"keys\":\"temp\"}");
        }
        ws.sendText(cmds.append("]}").toString(), true).get(10, TimeUnit.SECONDS);
        // The first message of each subscription carries the current (no) values.
        for (int i = 0; i < devices.size(); i++) {
            assertThat(listener.messages.poll(20, TimeUnit.SECONDS)).as("subscription reply " + i).isNotNull();
        }
        return ws;
    }

    /** The temp value each subscription got, once all have one (or after 30 s of waiting for them). */
    private static Map<Integer, String> updates(Listener listener, int count) throws InterruptedException {
        Map<Integer, String> got = new HashMap<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (got.size() < count && System.nanoTime() < deadline) {
            JsonNode m = listener.messages.poll(1, TimeUnit.SECONDS);
            if (m != null && m.path("data").has("temp")) {
                got.put(m.get("subscriptionId").asInt(), m.path("data").path("temp").path(0).path(1).asString());
            }
        }
        return got;
    }

    @Test
    void aWebSocketOnEachCoreSeesTelemetryWhicheverCoreProcessedIt() throws Exception {
        Api tenant1 = cluster.api(1).newTenant();
        Api tenant2 = cluster.api(2).withToken(tenant1.authToken());
        List<Devices.Device> devices = devices(tenant1, "ws");
        Listener on1 = new Listener();
        Listener on2 = new Listener();
        WebSocket ws1 = subscribe(cluster.core(1), tenant1, devices, on1);
        WebSocket ws2 = subscribe(cluster.core(2), tenant2, devices, on2);
        try {
            for (int i = 0; i < devices.size(); i++) {
                cluster.transport(1).api().post("/api/v1/" + devices.get(i).token() + "/telemetry",
                        Devices.point(5_000, "temp", 100 + i)).ok();
            }
            Map<Integer, String> expected = new HashMap<>();
            for (int i = 0; i < devices.size(); i++) {
                expected.put(i + 1, String.valueOf(100 + i));
            }
            assertThat(updates(on1, devices.size())).as("updates on core 1").isEqualTo(expected);
            assertThat(updates(on2, devices.size())).as("updates on core 2").isEqualTo(expected);
            // Nothing is delivered twice (a core must not get its own updates back from the broadcast as well).
            Thread.sleep(1000);
            assertThat(on1.messages).as("further messages on core 1").isEmpty();
            assertThat(on2.messages).as("further messages on core 2").isEmpty();
        } finally {
            ws1.abort();
            ws2.abort();
        }
    }

    @Test
    void rpcOverRestOnEitherCoreReachesTheDeviceWhicheverCoreOwnsIt() throws Exception {
        Api tenant1 = cluster.api(1).newTenant();
        Api tenant2 = cluster.api(2).withToken(tenant1.authToken());
        List<Devices.Device> devices = devices(tenant1, "rpc");
        List<Mqtt5AsyncClient> clients = new ArrayList<>();
        try {
            for (Devices.Device d : devices) {
                Mqtt5AsyncClient c = Devices.mqtt(cluster.transport(1), d);
                clients.add(c);
                Devices.answerRpc(c);
            }
            for (int i = 0; i < devices.size(); i++) {
                String id = devices.get(i).id();
                assertThat(Devices.rpcUntilAnswered(tenant1, id, "{\"method\":\"m\",\"params\":{\"core\":1,\"i\":" + i
                        + "},\"timeout\":5000}").json().toString()).isEqualTo("{\"echo\":{\"core\":1,\"i\":" + i + "}}");
                assertThat(Devices.rpcUntilAnswered(tenant2, id, "{\"method\":\"m\",\"params\":{\"core\":2,\"i\":" + i
                        + "},\"timeout\":5000}").json().toString()).isEqualTo("{\"echo\":{\"core\":2,\"i\":" + i + "}}");
            }
        } finally {
            clients.forEach(Mqtt5AsyncClient::disconnect);
        }
    }
}
