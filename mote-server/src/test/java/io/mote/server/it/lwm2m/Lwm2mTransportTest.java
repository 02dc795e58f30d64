package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.DeviceStateTest;
import io.mote.server.it.TestServer;

/** A real Leshan client registering over UDP: sessions, mapping of the profile, RPC commands. */
class Lwm2mTransportTest {

    private final TestServer server = TestServer.shared();
    private Api tenant;
    private String deviceId;
    private String endpoint;
    private TestClient client;
    private String v;

    @BeforeEach
    void device() {
        tenant = server.api().newTenant();
        v = TestClient.deviceVersion();
        String p = "/3_" + v + "/0/";
        var tc = Profiles.transport(Map.of(p + "0", "manufacturer", p + "1", "modelNumber", p + "9", "batteryLevel",
                        p + "14", "timezone"), new String[] {p + "0", p + "1", p + "14"}, new String[] {p + "9"},
                new String[] {p + "9"}, "SINGLE");
        String profileId = Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m", tc)).ok());
        endpoint = "ep-" + UUID.randomUUID();
        deviceId = Api.id(Profiles.device(tenant, "lwm2m-" + endpoint, profileId, endpoint));
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    private JsonNode await(String path, Predicate<JsonNode> ready) throws InterruptedException {
        JsonNode last = null;
        for (int i = 0; i < 200; i++) {
            last = tenant.get(path).ok();
            if (ready.test(last)) {
                return last;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not ready: " + path + " -> " + last);
    }

    private JsonNode rpc(String method, String params) {
        String body = "{\"method\":\"" + method + "\",\"params\":" + params + ",\"timeout\":20000}";
        return tenant.post("/api/rpc/twoway/" + deviceId, body).ok();
    }

    private void register() throws Exception {
        client = new TestClient(endpoint, server.lwm2mPort());
        client.awaitRegistered();
    }

    @Test
    void unknownEndpointIsRefused() {
        client = new TestClient("unknown-" + UUID.randomUUID(), server.lwm2mPort());
        assertThatThrownBy(client::awaitRegistered).isInstanceOf(ExecutionException.class)
                .hasMessageContaining("FORBIDDEN");
    }

    @Test
    void registrationMapsAttributesAndObservedTelemetry() throws Exception {
        register();
        JsonNode attrs = await("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/CLIENT_SCOPE",
                a -> a.toString().contains("Mote Test Device") && a.toString().contains("Model 500")
                        && a.toString().contains("lwm2mEndpoint"));
        assertThat(attrs.toString()).contains("Mote Test Device").contains("Model 500").contains(endpoint);

        String ts = "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=batteryLevel";
        await(ts, t -> t.path("batteryLevel").path(0).path("value").asString("").equals("75"));
        client.device.setBattery(42);
        await(ts, t -> t.path("batteryLevel").path(0).path("value").asString("").equals("42"));
    }

    @Test
    void registrationAndDeregistrationAreTheDevicesState() throws Exception {
        long before = System.currentTimeMillis();
        register();
        String server = "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/SERVER_SCOPE";
        JsonNode s = await(server, a -> DeviceStateTest.value(a, "active") != null);
        assertThat(DeviceStateTest.value(s, "active").asBoolean()).isTrue();
        assertThat(DeviceStateTest.value(s, "lastConnectTime").asLong()).isGreaterThanOrEqualTo(before);
        long activity = DeviceStateTest.value(s, "lastActivityTime").asLong();
        // A notification is activity.
        Thread.sleep(20);
        client.device.setBattery(43);
        await(server, a -> DeviceStateTest.value(a, "lastActivityTime").asLong() > activity);
        // Deregistering ends the session.
        client.client.stop(true);
        await(server, a -> DeviceStateTest.value(a, "lastDisconnectTime") != null);
    }

    @Test
    void rpcCommandsAnswerInThingsBoardsShape() throws Exception {
        register();
        assertThat(rpc("Read", "{\"id\":\"/3/0/9\"}").toString())
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=9, value=75, type=INTEGER]\"}");
        assertThat(rpc("Read", "{\"id\":\"/3_" + v + "/0/9\"}").get("value").asString()).contains("value=75");
        assertThat(rpc("Read", "{\"key\":\"batteryLevel\"}").get("result").asString()).isEqualTo("CONTENT");
        JsonNode wrongVersion = rpc("Read", "{\"id\":\"/3_9.9/0/9\"}");
        assertThat(wrongVersion.get("result").asString()).isEqualTo("BAD_REQUEST");
        assertThat(wrongVersion.get("error").asString()).contains("version 9.9");

        assertThat(rpc("Discover", "{\"id\":\"/3/0/1\"}").toString()).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"</3/0/1>\"}");

        assertThat(rpc("WriteReplace", "{\"key\":\"timezone\",\"value\":\"+10\"}").toString()).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+10");
        assertThat(rpc("WriteUpdate", "{\"id\":\"/3/0\",\"value\":{\"14\":\"+5\"}}").toString()).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.timezone).isEqualTo("+5");
        JsonNode notWritable = rpc("WriteReplace", "{\"id\":\"/3/0/9\",\"value\":1}");
        assertThat(notWritable.get("result").asString()).isEqualTo("METHOD_NOT_ALLOWED");

        assertThat(rpc("Execute", "{\"id\":\"/3/0/4\"}").toString()).isEqualTo("{\"result\":\"CHANGED\"}");
        assertThat(client.device.reboots).isEqualTo(1);
        assertThat(rpc("Execute", "{\"id\":\"/3/0/9\"}").get("result").asString()).isEqualTo("BAD_REQUEST");
        assertThat(rpc("Delete", "{\"id\":\"/3/0\"}").get("result").asString()).isEqualTo("BAD_REQUEST");

        assertThat(rpc("Observe", "{\"id\":\"/3/0/14\"}").toString())
                .isEqualTo("{\"result\":\"CONTENT\",\"value\":\"LwM2mSingleResource [id=14, value=+5, type=STRING]\"}");
        JsonNode observed = rpc("ObserveReadAll", "{}");
        assertThat(observed.get("value").asString()).contains("\"/3/0/14\"").contains("\"/3/0/9\"");
        assertThat(rpc("ObserveCancel", "{\"id\":\"/3/0/14\"}").toString()).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
        assertThat(rpc("ObserveCancelAll", "{}").toString()).isEqualTo("{\"result\":\"CONTENT\",\"value\":\"1\"}");
        assertThat(rpc("ObserveReadAll", "{}").get("value").asString()).isEqualTo("[]");
        assertThat(rpc("Frobnicate", "{}").get("result").asString()).isEqualTo("BAD_REQUEST");
    }

    @Test
    void changedCredentialsEndTheRegistrationMadeWithTheOldOnes() throws Exception {
        register();
        String ts = "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=batteryLevel";
        await(ts, t -> t.path("batteryLevel").path(0).path("value").asString("").equals("75"));

        tools.jackson.databind.node.ObjectNode creds =
                (tools.jackson.databind.node.ObjectNode) tenant.get("/api/device/" + deviceId + "/credentials").ok();
        creds.put("credentialsValue", "{\"client\":{\"securityConfigClientMode\":\"NO_SEC\",\"endpoint\":\"moved-"
                + UUID.randomUUID() + "\"}}");
        tenant.post("/api/device/credentials", creds).ok();

        // The old registration is gone: its notifications are not stored, its update is refused.
        for (int i = 0; i < 100 && server.bean(io.mote.transport.lwm2m.Lwm2mTransport.class).clientCount() > 0; i++) {
            Thread.sleep(100);
        }
        int updates = client.updates.get();
        client.device.setBattery(11);
        client.client.triggerRegistrationUpdate();
        Thread.sleep(3000);
        assertThat(client.updates.get()).isEqualTo(updates);
        assertThat(tenant.get(ts).ok().path("batteryLevel").path(0).path("value").asString()).isEqualTo("75");
    }
}
