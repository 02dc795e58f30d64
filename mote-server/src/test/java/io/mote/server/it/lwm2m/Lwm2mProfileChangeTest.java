package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;

/**
 * Applying a changed profile to a registered client leaves it as a fresh registration with that profile would:
 * every mapped path is read again (also those the old profile had, under another version or key), observations
 * follow the new lists and strategy. The client's values change quietly (no notification) before each change,
 * so only a new read can bring them.
 */
class Lwm2mProfileChangeTest extends Lwm2mTestBase {

    /** Manufacturer and model attributes, battery (observed) and timezone telemetry, object 3 named in {@code version}. */
    private static ObjectNode mapping(String version) {
        String d = "/3_" + version + "/0/";
        return Profiles.transport(Map.of(d + "0", "manufacturer", d + "1", "modelNumber", d + "9", "batteryLevel",
                        d + "14", "timezone"), new String[] {d + "0", d + "1"}, new String[] {d + "9", d + "14"},
                new String[] {d + "9"}, "SINGLE");
    }

    private String observed() {
        return rpc("ObserveReadAll", "{}").get("value").asString();
    }

    private void awaitAttribute(String key, String value) throws InterruptedException {
        await(clientAttributes(), a -> {
            for (var e : a) {
                if (e.path("key").asString("").equals(key) && e.path("value").asString("").equals(value)) {
                    return true;
                }
            }
            return false;
        });
    }

    private void quietlyChangeTheClient(String manufacturer, long battery, String timezone) {
        client.device.manufacturer = manufacturer;
        client.device.battery = battery; // no fireResourceChange: the observation does not notify
        client.device.timezone = timezone;
    }

    @Test
    void anotherObjectVersionOfTheSamePathsReadsThemAgain() throws Exception {
        setUp(mapping(TestClient.deviceVersion()));
        register();
        awaitAttribute("manufacturer", "Mote Test Device");
        awaitTelemetry("batteryLevel", "75");
        awaitTelemetry("timezone", "+02");

        quietlyChangeTheClient("Acme", 50, "+05");
        updateProfile(mapping("1.1")); // the client has 1.2: the same resources, so all of them map
        awaitAttribute("manufacturer", "Acme");
        awaitTelemetry("batteryLevel", "50"); // observed before and after: the observation stays, the value is read
        awaitTelemetry("timezone", "+05");
        assertThat(observed()).isEqualTo("[\"/3/0/9\"]");
        assertThat(awaitLog("the profile names version 1.1, the client announced " + TestClient.deviceVersion()))
                .contains("objectVersionPolicy COMPATIBLE");
    }

    @Test
    void movingToAnotherProfileSharingResourcesLeavesWhatAFreshRegistrationWould() throws Exception {
        setUp(mapping(TestClient.deviceVersion()));
        register();
        awaitAttribute("manufacturer", "Mote Test Device");
        awaitTelemetry("batteryLevel", "75");
        assertThat(observed()).isEqualTo("[\"/3/0/9\"]");

        // Profile B shares manufacturer and battery, renames the model key, observes the timezone instead.
        String d = dev;
        ObjectNode b = Profiles.transport(Map.of(d + "0", "manufacturer", d + "1", "model", d + "9", "batteryLevel",
                        d + "14", "timezone"), new String[] {d + "0", d + "1"}, new String[] {d + "9", d + "14"},
                new String[] {d + "14"}, "SINGLE");
        String other = Api.id(tenant.post("/api/deviceProfile", Profiles.profile("lwm2m-" + UUID.randomUUID(), b)).ok());
        quietlyChangeTheClient("Other", 40, "+06");
        ObjectNode device = (ObjectNode) tenant.get("/api/device/" + deviceId).ok();
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", other);
        tenant.post("/api/device", device).ok();

        awaitAttribute("manufacturer", "Other");
        awaitAttribute("model", "Model 500");
        awaitTelemetry("batteryLevel", "40");
        awaitTelemetry("timezone", "+06");
        awaitTrue(() -> observed().equals("[\"/3/0/14\"]"), "the battery observation cancelled, the timezone observed");
        assertThat(awaitLog("Observation of /3/0/9 cancelled")).contains("Observe /3/0/14");

        // A fresh registration with profile B ends in the same observations.
        client.close();
        client = null;
        register();
        awaitTrue(() -> observed().equals("[\"/3/0/14\"]"), "a fresh registration observes the same");
    }
}
