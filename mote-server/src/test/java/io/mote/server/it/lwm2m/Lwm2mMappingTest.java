package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.eclipse.leshan.core.request.ContentFormat;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** The profile mapping: observe strategies, live profile changes, Send, shared attributes and attributeLwm2m, transportLog. */
class Lwm2mMappingTest extends Lwm2mTestBase {

    private final String srv = "/1_" + TestClient.MODELS.stream().filter(m -> m.id == 1).findFirst().orElseThrow().version + "/0/";

    private ObjectNode twoObjects(String strategy) {
        return Profiles.transport(Map.of(dev + "9", "batteryLevel", dev + "14", "timezone", srv + "1", "lifetime"),
                new String[] {}, new String[] {dev + "9", dev + "14", srv + "1"},
                new String[] {dev + "9", dev + "14", srv + "1"}, strategy);
    }

    private String observed() {
        return rpc("ObserveReadAll", "{}").get("value").asString();
    }

    @Test
    void compositeAllObservesEverythingInOneObservation() throws Exception {
        setUp(twoObjects("COMPOSITE_ALL"));
        register();
        awaitTelemetry("batteryLevel", "75");
        awaitTelemetry("timezone", "+02");
        awaitTelemetry("lifetime", "300");
        assertThat(observed()).contains("\"/3/0/9\"").contains("\"/3/0/14\"").contains("\"/1/0/1\"");
        client.device.setBattery(61);
        awaitTelemetry("batteryLevel", "61");
        assertThat(rpc("ObserveCancelAll", "{}").get("value").asString()).isEqualTo("1");
    }

    @Test
    void compositeByObjectObservesEachObjectApart() throws Exception {
        setUp(twoObjects("COMPOSITE_BY_OBJECT"));
        register();
        awaitTelemetry("batteryLevel", "75");
        awaitTelemetry("lifetime", "300");
        client.device.setBattery(62);
        awaitTelemetry("batteryLevel", "62");
        assertThat(rpc("ObserveCancelAll", "{}").get("value").asString()).isEqualTo("2");
    }

    @Test
    void aProfileChangeAppliesLiveWithoutReconnecting() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
        String registration = client.registered.get();
        assertThat(observed()).isEqualTo("[\"/3/0/9\"]");

        // Observe the timezone instead of the battery, as telemetry.
        updateProfile(Profiles.transport(Map.of(dev + "9", "batteryLevel", dev + "14", "timezone"), new String[] {},
                new String[] {dev + "9", dev + "14"}, new String[] {dev + "14"}, "SINGLE"));
        awaitTrue(() -> observed().equals("[\"/3/0/14\"]"), "observations follow the profile");
        awaitTelemetry("timezone", "+02");
        // Same registration, no reconnect.
        assertThat(client.client.getRegistrationId(client.client.getRegisteredServers().values().iterator().next()))
                .isEqualTo(registration);

        // A new strategy replaces the observations.
        updateProfile(twoObjects("COMPOSITE_ALL"));
        awaitTrue(() -> observed().contains("\"/1/0/1\"") && observed().contains("\"/3/0/9\""), "composite observation");
        awaitTelemetry("lifetime", "300");
    }

    @Test
    void sendIsMappedLikeNotifications() throws Exception {
        setUp(Profiles.transport(Map.of(dev + "9", "batteryLevel", dev + "0", "manufacturer"), new String[] {dev + "0"},
                new String[] {dev + "9"}, new String[] {}, "SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
        client.device.battery = 19;
        client.send(ContentFormat.SENML_CBOR, "/3/0/9", "/3/0/0");
        awaitTelemetry("batteryLevel", "19");
        client.device.battery = 18;
        client.send(ContentFormat.SENML_JSON, "/3/0/9");
        awaitTelemetry("batteryLevel", "18");
    }

    @Test
    void sharedAttributesAreWrittenAndAttributeLwm2mIsSet() throws Exception {
        ObjectNode tc = deviceMapping("SINGLE");
        ObjectNode attrs = (ObjectNode) tc.get("observeAttr").get("attributeLwm2m");
        attrs.set(dev + "9", Json.object().put("pmin", 5).put("pmax", 60));
        setUp(tc);
        register();
        awaitTelemetry("batteryLevel", "75");
        awaitTrue(() -> rpc("Discover", "{\"id\":\"/3/0/9\"}").get("value").asString().contains("pmin=5"),
                "attributeLwm2m written to the client");
        assertThat(rpc("Discover", "{\"id\":\"/3/0/9\"}").get("value").asString()).contains("pmax=60");

        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"timezone\":\"+07\"}").ok();
        awaitTrue(() -> "+07".equals(client.device.timezone), "the shared attribute written to the device");
        // A key that maps to a read-only resource is not written.
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"batteryLevel\":1}").ok();
        assertThat(rpc("Read", "{\"key\":\"batteryLevel\"}").get("value").asString()).contains("value=75");
    }

    @Test
    void initialReadsFollowTheObserveStrategyWhenAsked() throws Exception {
        ObjectNode tc = Profiles.transport(Map.of(dev + "0", "manufacturer", dev + "1", "modelNumber", dev + "9", "batteryLevel"),
                new String[] {dev + "0", dev + "1"}, new String[] {dev + "9"}, new String[] {dev + "9"}, "COMPOSITE_ALL");
        ((ObjectNode) tc.get("observeAttr")).put("initAttrTelAsObsStrategy", true);
        setUp(tc);
        register();
        await(clientAttributes(), a -> a.toString().contains("Mote Test Device") && a.toString().contains("Model 500"));
        JsonNode log = await(timeseries("transportLog") + "&startTs=0&endTs=" + (System.currentTimeMillis() + 60_000)
                + "&limit=100", t -> t.path("transportLog").toString().contains("ReadComposite"));
        assertThat(log.toString()).contains("ReadComposite [/3/0/0, /3/0/1]");
    }

    @Test
    void transportLogRecordsTheConversationUnlessSwitchedOff() throws Exception {
        setUp(deviceMapping("SINGLE"));
        register();
        awaitTelemetry("batteryLevel", "75");
        rpc("Read", "{\"id\":\"/3/0/9\"}");
        String history = timeseries("transportLog") + "&startTs=0&endTs=" + (System.currentTimeMillis() + 60_000) + "&limit=100";
        // Each line is stored as it happens: the answer's line may land after the RPC has returned.
        JsonNode log = await(history, t -> t.path("transportLog").toString().contains("Read /3/0/9 → CONTENT"));
        assertThat(log.toString()).contains("Registered: endpoint " + endpoint).contains("Observe /3/0/9")
                .contains("RPC Read");
        client.close();
        client = null;

        ObjectNode off = deviceMapping("SINGLE");
        ((ObjectNode) off.get("clientLwM2mSettings")).put("transportLog", false);
        setUp(off);
        register();
        awaitTelemetry("batteryLevel", "75");
        rpc("Read", "{\"id\":\"/3/0/9\"}");
        assertThat(tenant.get(timeseries("transportLog")).ok().path("transportLog").isMissingNode()
                || tenant.get(timeseries("transportLog")).ok().path("transportLog").isEmpty()).isTrue();
    }
}
