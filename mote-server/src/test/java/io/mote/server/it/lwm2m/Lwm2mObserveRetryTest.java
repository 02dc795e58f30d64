package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;
import io.mote.transport.lwm2m.Lwm2mTransportProperties;

/** An Observe the client answers after the server's request time-out is sent again, and then holds. */
class Lwm2mObserveRetryTest {

    private final TestServer server = TestServer.shared();

    @Test
    void anObserveAnsweredTooLateIsSentAgainAndNotificationsAreStored() throws Exception {
        Api tenant = server.api().newTenant();
        Profiles.Lwm2mDevice device = Profiles.batteryLevelDevice(tenant, "late-observe", true);
        long timeoutMs = server.bean(Lwm2mTransportProperties.class).timeoutMs();
        try (TestClient client = new TestClient(device.endpoint(), server.lwm2mPort())) {
            // The first Observe of the battery level is answered 2 s after the server stopped waiting for it.
            client.device.nextBatteryAnswerLateMs = timeoutMs + 2_000;
            client.device.battery = 61;
            client.awaitRegistered();
            // SINGLE observes the mapped path without reading it: only an Observe sent again brings the value.
            // The first retry comes 20-40 s after the time-out.
            assertThat(awaitBattery(tenant, device.id(), "61", timeoutMs + 60_000)).isTrue();
            client.device.setBattery(62);
            assertThat(awaitBattery(tenant, device.id(), "62", 15_000)).as("a notification of the observation").isTrue();
        }
    }

    private static boolean awaitBattery(Api tenant, String deviceId, String value, long withinMs) throws InterruptedException {
        long deadline = System.nanoTime() + withinMs * 1_000_000;
        while (System.nanoTime() < deadline) {
            JsonNode v = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=batteryLevel").ok();
            if (v.has("batteryLevel") && value.equals(v.get("batteryLevel").get(0).get("value").asString())) {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }
}
