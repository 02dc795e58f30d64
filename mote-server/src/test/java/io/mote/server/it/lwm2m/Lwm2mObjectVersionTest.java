package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;

/**
 * A client announcing Device (3) as 1.1 and Connectivity Monitoring (4) as 1.2 against the README's Getting
 * Started profile, which names 3 in 1.2 and 4 in 1.3: under objectVersionPolicy COMPATIBLE what both versions
 * define is read, observed and mapped; under STRICT nothing of those objects is; either way transportLog says so.
 */
class Lwm2mObjectVersionTest extends Lwm2mTestBase {

    /** Object 1 in the version the client announces: the control that shows the profile was applied. */
    private final String srv = "/1_" + TestClient.MODELS.stream().filter(m -> m.id == 1).findFirst().orElseThrow().version
            + "/0/";
    private VersionedClient versioned;

    @AfterEach
    void stopVersioned() {
        if (versioned != null) {
            versioned.close();
        }
    }

    /**
     * The README's Getting Started mapping (manufacturer, batteryLevel and rssi), plus linkQuality, Coverage
     * Enhancement Level (only in 4 version 1.3) and the lifetime of object 1 (announced as the profile names it).
     */
    private ObjectNode gettingStarted(String policy) {
        ObjectNode tc = Profiles.transport(Map.of("/3_1.2/0/0", "manufacturer", "/3_1.2/0/9", "batteryLevel",
                        "/4_1.3/0/2", "rssi", "/4_1.3/0/3", "linkQuality", "/4_1.3/0/13", "coverageLevel",
                        srv + "1", "lifetime"),
                new String[] {"/3_1.2/0/0"}, new String[] {"/3_1.2/0/9", "/4_1.3/0/2", "/4_1.3/0/3", "/4_1.3/0/13", srv + "1"},
                new String[] {"/3_1.2/0/9", "/4_1.3/0/2", "/4_1.3/0/13"}, "SINGLE");
        if (policy != null) {
            ((ObjectNode) tc.get("clientLwM2mSettings")).put("objectVersionPolicy", policy);
        }
        return tc;
    }

    private void registerOlderVersions() throws Exception {
        versioned = new VersionedClient(endpoint, server.lwm2mPort(), "3-1_1.xml", "4-1_2.xml");
        versioned.awaitRegistered();
    }

    private String observed() {
        return rpc("ObserveReadAll", "{}").get("value").asString();
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    @Test
    void compatibleMapsWhatBothVersionsDefine() throws Exception {
        setUp(gettingStarted(null)); // COMPATIBLE is the default
        registerOlderVersions();
        await(clientAttributes(), a -> a.toString().contains("\"lwm2mObjects\"") && a.toString().contains("Mote Test Device"));
        awaitTelemetry("batteryLevel", "75");
        awaitTelemetry("rssi", "-70");
        awaitTelemetry("linkQuality", "42");
        awaitTrue(() -> observed().contains("\"/4/0/2\"") && observed().contains("\"/3/0/9\""), "both objects observed");
        versioned.connectivity.setRssi(-81);
        awaitTelemetry("rssi", "-81");
        versioned.device.setBattery(64);
        awaitTelemetry("batteryLevel", "64");

        // The versions the client announced are in its client attributes.
        JsonNode objects = null;
        for (JsonNode a : tenant.get(clientAttributes()).ok()) {
            if (a.path("key").asString("").equals("lwm2mObjects")) {
                objects = a.get("value");
            }
        }
        assertThat(objects).as("lwm2mObjects").isNotNull();
        assertThat(objects.toString().replace("\\", "")).contains("\"3\":\"1.1\"").contains("\"4\":\"1.2\"");

        String log = awaitLog("/4/0/13 skipped");
        assertThat(count(log, "Object 3: the profile names version 1.2, the client announced 1.1; mapping the resources"
                + " both versions define alike (objectVersionPolicy COMPATIBLE)")).isEqualTo(1);
        assertThat(count(log, "Object 4: the profile names version 1.3, the client announced 1.2; mapping")).isEqualTo(1);
        assertThat(count(log, "Object 4: resource 13 (Coverage Enhancement Level) is not defined by the client's"
                + " version 1.2; /4/0/13 skipped")).isEqualTo(1);
        assertThat(log).doesNotContain("Observe /4/0/13").doesNotContain("Read /4/0/13");
        assertThat(observed()).doesNotContain("/4/0/13");

        // A profile change (here: attributes on the battery) does not repeat the lines.
        ObjectNode changed = gettingStarted(null);
        ((ObjectNode) changed.get("observeAttr").get("attributeLwm2m")).putObject("/3_1.2/0/9").put("pmax", 60);
        updateProfile(changed);
        log = awaitLog("WriteAttributes /3/0/9");
        assertThat(count(log, "/4/0/13 skipped")).isEqualTo(1);
    }

    @Test
    void strictMapsNothingOfAMismatchedObject() throws Exception {
        setUp(gettingStarted("STRICT"));
        registerOlderVersions();
        // Object 1 is announced as the profile names it: its read shows the profile was applied.
        awaitTelemetry("lifetime", "300");
        String log = awaitLog("objectVersionPolicy STRICT");
        assertThat(log).contains("Object 3: the profile names version 1.2, the client announced 1.1; nothing of object 3"
                        + " is read, observed or mapped (objectVersionPolicy STRICT)")
                .contains("Object 4: the profile names version 1.3, the client announced 1.2; nothing of object 4"
                        + " is read, observed or mapped (objectVersionPolicy STRICT)")
                .doesNotContain("Read /3/0").doesNotContain("Observe /3/0").doesNotContain("Read /4/0")
                .doesNotContain("Observe /4/0");
        // The decision came before the read of object 1 went out: the client was asked nothing of 3 and 4.
        assertThat(versioned.device.requests.get()).isZero();
        assertThat(versioned.connectivity.requests.get()).isZero();
        assertThat(observed()).isEqualTo("[]");
        JsonNode ts = tenant.get(timeseries("batteryLevel,rssi,linkQuality")).ok();
        assertThat(ts.path("batteryLevel").path(0).path("value").isMissingNode()).as(ts.toString()).isTrue();
        assertThat(ts.path("rssi").path(0).path("value").isMissingNode()).as(ts.toString()).isTrue();
        assertThat(tenant.get(clientAttributes()).ok().toString()).doesNotContain("\"manufacturer\"");
        // One more round trip to the client: still nothing asked of object 3.
        rpcText("Read", "{\"id\":\"/1/0/1\"}");
        assertThat(versioned.device.requests.get()).isZero();

        // Switching the policy to COMPATIBLE applies at once.
        updateProfile(gettingStarted("COMPATIBLE"));
        awaitTelemetry("batteryLevel", "75");
        awaitTelemetry("rssi", "-70");
        await(clientAttributes(), a -> a.toString().contains("Mote Test Device"));
    }

    @Test
    void anObjectAnnouncedInARegistrationUpdateGetsMapped() throws Exception {
        setUp(gettingStarted(null));
        versioned = new VersionedClient(endpoint, server.lwm2mPort(), "3-1_1.xml", "4-1_2.xml", false);
        versioned.awaitRegistered();
        awaitTelemetry("batteryLevel", "75");
        awaitLog("Object 4 (version 1.3 in the profile) is not announced by the client: its paths are skipped");

        versioned.addConnectivity();
        awaitTelemetry("rssi", "-70");
        awaitTelemetry("linkQuality", "42");
        awaitTrue(() -> observed().contains("\"/4/0/2\""), "object 4 observed");
        assertThat(awaitLog("/4/0/13 skipped")).contains("Objects now ").contains("the client announced 1.2; mapping");
        await(clientAttributes(), a -> a.toString().replace("\\", "").contains("\"4\":\"1.2\""));
    }

    @Test
    void anUnknownPolicyIsRefusedOnSave() {
        tenant = server.api().newTenant();
        Api.Res r = tenant.post("/api/deviceProfile", Profiles.profile("p-" + System.nanoTime(), gettingStarted("LOOSE")));
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("message").asString()).isEqualTo(
                "Unsupported clientLwM2mSettings.objectVersionPolicy 'LOOSE'; use COMPATIBLE or STRICT");
        ObjectNode number = gettingStarted(null);
        ((ObjectNode) number.get("clientLwM2mSettings")).put("objectVersionPolicy", 1);
        assertThat(tenant.post("/api/deviceProfile", Profiles.profile("p-" + System.nanoTime(), number)).status())
                .isEqualTo(400);
        tenant.post("/api/deviceProfile", Profiles.profile("p-" + System.nanoTime(), gettingStarted("STRICT"))).ok();
    }
}
