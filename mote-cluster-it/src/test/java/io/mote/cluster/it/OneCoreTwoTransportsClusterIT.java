package io.mote.cluster.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;

import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;

import io.mote.server.it.Api;
import io.mote.server.it.lwm2m.Profiles;
import io.mote.server.it.lwm2m.TestClient;

/** One core node and two transport nodes: every device API on a transport node reaches the core and back. */
@EnabledIf("io.mote.cluster.it.ClusterRoles#built")
class OneCoreTwoTransportsClusterIT {

    private static Cluster cluster;

    @BeforeAll
    static void start() {
        cluster = Cluster.start("c1t2", 1, 2);
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void mqttOnOneTransportAndHttpOnTheOtherStoreTelemetryReadBackOnTheCore() {
        Api tenant = cluster.api(1).newTenant();
        Devices.Device mqttDevice = Devices.create(tenant, "mqtt-a");
        Devices.Device httpDevice = Devices.create(tenant, "http-b");

        Mqtt5AsyncClient client = Devices.mqtt(cluster.transport(1), mqttDevice);
        try {
            // A PUBACK / 200 comes only once the core has committed the point, so it reads back at once.
            Devices.publishAcked(client, 1_000, "temp", 21.5);
            cluster.transport(2).api().post("/api/v1/" + httpDevice.token() + "/telemetry", Devices.point(2_000, "hum", 40))
                    .ok();
            assertThat(Devices.latest(tenant, mqttDevice.id(), "temp")).isEqualTo("21.5");
            assertThat(Devices.latest(tenant, httpDevice.id(), "hum")).isEqualTo("40");
            assertThat(Devices.storedTs(tenant, mqttDevice.id(), "temp")).containsExactly(1_000L);
            assertThat(Devices.storedTs(tenant, httpDevice.id(), "hum")).containsExactly(2_000L);
        } finally {
            client.disconnect();
        }
    }

    @Test
    void wrongTokenOnATransportNodeIsRefusedByTheCore() {
        Api.Res r = cluster.transport(2).api().post("/api/v1/no-such-token-" + UUID.randomUUID() + "/telemetry",
                Devices.point(1, "x", 1));
        assertThat(r.status()).isEqualTo(401);
    }

    @Test
    void transportNodeActuatorIsHealthOnlyOnTheDevicePort() {
        // The device port is what a load balancer exposes: health for its checks, metrics for nobody.
        assertThat(cluster.transport(1).api().get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        for (String path : new String[] {"/actuator/prometheus", "/actuator", "/actuator;x=1/prometheus", "/actuator/metrics"}) {
            Api.Res r = cluster.transport(1).api().get(path);
            assertThat(r.status()).as(path).isEqualTo(403);
            assertThat(r.json().get("errorCode").asInt()).isEqualTo(20);
            assertThat(r.json().get("message").asString()).contains("management.server.port");
            assertThat(r.text()).doesNotContain("jvm_");
        }
        // A core node keeps them for a SYS_ADMIN.
        assertThat(cluster.api(1).get("/actuator/prometheus").status()).isEqualTo(401);
        assertThat(cluster.api(1).sysadmin().get("/actuator/prometheus").status()).isEqualTo(200);
    }

    @Test
    void sharedAttributeSetOnTheCoreReachesAnHttpDeviceOnTheSecondTransport() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        Devices.Device device = Devices.create(tenant, "attr-b");
        Api deviceApi = cluster.transport(2).api();
        AtomicReference<CompletableFuture<Api.Res>> poll = new AtomicReference<>();
        // The HTTP device long-polls for updates on transport 2 (a new poll whenever the last one ended).
        Devices.setSharedUntil(tenant, device.id(), "target", () -> {
            CompletableFuture<Api.Res> p = poll.get();
            if (p == null || (p.isDone() && !p.join().text().contains("target"))) {
                poll.set(CompletableFuture.supplyAsync(() -> deviceApi.get(
                        "/api/v1/" + device.token() + "/attributes/updates?timeout=3000")));
                return null;
            }
            return p.isDone() ? p.join().text() : null;
        });
        // The device's own read of its shared attributes goes through transport 2 to the core as well.
        assertThat(deviceApi.get("/api/v1/" + device.token() + "/attributes?sharedKeys=target").ok()
                .path("shared").path("target").asString()).startsWith("v");
    }

    @Test
    void twoWayRpcOverRestReachesTheMqttDeviceAndReturnsItsAnswer() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        Devices.Device device = Devices.create(tenant, "rpc-a");
        Mqtt5AsyncClient client = Devices.mqtt(cluster.transport(1), device);
        try {
            Devices.answerRpc(client);
            Api.Res r = Devices.rpcUntilAnswered(tenant, device.id(),
                    "{\"method\":\"echo\",\"params\":{\"n\":7,\"s\":\"x\"},\"timeout\":5000}");
            assertThat(r.json().toString()).isEqualTo("{\"echo\":{\"n\":7,\"s\":\"x\"}}");
        } finally {
            client.disconnect();
        }
    }

    @Test
    void lwm2mClientRegistersThroughATransportNodeAndAnswersAnRpcRead() throws Exception {
        Api tenant = cluster.api(1).newTenant();
        String dev = "/3_" + TestClient.deviceVersion() + "/0/";
        var transport = Profiles.transport(Map.of(dev + "9", "batteryLevel"), new String[0], new String[] {dev + "9"},
                new String[] {dev + "9"}, "SINGLE");
        String profileId = Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m-" + UUID.randomUUID(), transport)).ok());
        String endpoint = "ep-" + UUID.randomUUID();
        String deviceId = Api.id(Profiles.device(tenant, "lwm2m-" + endpoint, profileId, endpoint));
        try (TestClient client = new TestClient(endpoint, cluster.transport(2).lwm2mPort())) {
            client.awaitRegistered();
            // The observed battery level travels transport 2 -> core like any telemetry.
            for (int i = 0; i < 100 && !Devices.latest(tenant, deviceId, "batteryLevel").equals("75"); i++) {
                Thread.sleep(200);
            }
            assertThat(Devices.latest(tenant, deviceId, "batteryLevel")).isEqualTo("75");
            String answer = tenant.post("/api/rpc/twoway/" + deviceId,
                    "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/9\"},\"timeout\":20000}").ok().toString();
            assertThat(answer).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        }
    }
}
