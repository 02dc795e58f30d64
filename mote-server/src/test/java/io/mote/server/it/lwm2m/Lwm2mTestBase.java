package io.mote.server.it.lwm2m;

import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterEach;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** A tenant, an LWM2M profile and a device per test, a Leshan client, and ways to wait for what the server stores. */
abstract class Lwm2mTestBase {

    protected final TestServer server = TestServer.shared();
    protected Api tenant;
    protected String profileId;
    protected String deviceId;
    protected String endpoint;
    protected TestClient client;
    /** Object 3 as the profile names it: {@code /3_1.x/0/}. */
    protected final String dev = "/3_" + TestClient.deviceVersion() + "/0/";

    /** Creates the tenant, a profile with this transport configuration, and a device with NO_SEC credentials. */
    protected void setUp(ObjectNode transport) {
        tenant = server.api().newTenant();
        profileId = Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m-" + UUID.randomUUID(), transport)).ok());
        endpoint = "ep-" + UUID.randomUUID();
        deviceId = Api.id(Profiles.device(tenant, "lwm2m-" + endpoint, profileId, endpoint));
    }

    /** The usual mapping: manufacturer, model and timezone attributes, batteryLevel telemetry (observed). */
    protected ObjectNode deviceMapping(String strategy) {
        return Profiles.transport(Map.of(dev + "0", "manufacturer", dev + "1", "modelNumber", dev + "9", "batteryLevel",
                        dev + "14", "timezone"), new String[] {dev + "0", dev + "1", dev + "14"}, new String[] {dev + "9"},
                new String[] {dev + "9"}, strategy);
    }

    @AfterEach
    void stopClient() {
        if (client != null) {
            client.close();
        }
    }

    protected void register() throws Exception {
        client = new TestClient(endpoint, server.lwm2mPort());
        client.awaitRegistered();
    }

    protected JsonNode await(String path, Predicate<JsonNode> ready) throws InterruptedException {
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

    protected static void awaitTrue(java.util.function.BooleanSupplier ready, String what) throws InterruptedException {
        for (int i = 0; i < 200; i++) {
            if (ready.getAsBoolean()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("not reached: " + what);
    }

    protected String timeseries(String keys) {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + keys;
    }

    protected String clientAttributes() {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/CLIENT_SCOPE";
    }

    /** Waits until telemetry key {@code key}'s latest value is {@code value}. */
    protected void awaitTelemetry(String key, String value) throws InterruptedException {
        await(timeseries(key), t -> t.path(key).path(0).path("value").asString("").equals(value));
    }

    /** The device's transportLog lines, oldest last, once one of them contains {@code text}. */
    protected String awaitLog(String text) throws InterruptedException {
        String history = timeseries("transportLog") + "&startTs=0&endTs=" + (System.currentTimeMillis() + 600_000)
                + "&limit=1000";
        return await(history, t -> t.path("transportLog").toString().contains(text)).path("transportLog").toString();
    }

    protected JsonNode rpc(String method, String params) {
        String body = "{\"method\":\"" + method + "\",\"params\":" + params + ",\"timeout\":20000}";
        return tenant.post("/api/rpc/twoway/" + deviceId, body).ok();
    }

    protected String rpcText(String method, String params) {
        return rpc(method, params).toString();
    }

    /** Replaces the profile's transport configuration (the devices of the profile get it live). */
    protected void updateProfile(ObjectNode transport) {
        JsonNode profile = tenant.get("/api/deviceProfile/" + profileId).ok();
        ((ObjectNode) profile.get("profileData")).set("transportConfiguration", transport);
        tenant.post("/api/deviceProfile", profile).ok();
    }
}
