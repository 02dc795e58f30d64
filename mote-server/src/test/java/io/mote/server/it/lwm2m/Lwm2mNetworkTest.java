package io.mote.server.it.lwm2m;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Plain CoAP on the network: a client whose address changes (a NAT rebinding), and protocol versions. */
class Lwm2mNetworkTest extends Lwm2mTestBase {

    private String registrationId() {
        for (JsonNode a : tenant.get(clientAttributes() + "?keys=lwm2mRegistrationId").ok()) {
            return a.get("value").asString();
        }
        return null;
    }

    @Test
    void registrationUpdateFromANewAddressKeepsTheSession() throws Exception {
        setUp(deviceMapping("SINGLE"));
        try (UdpRelay nat = new UdpRelay(server.lwm2mPort());
             TestClient c = new TestClient(endpoint, Security.noSec("coap://127.0.0.1:" + nat.port(), 123),
                     new Server(123, 300), null)) {
            client = c;
            c.awaitRegistered();
            await(clientAttributes() + "?keys=lwm2mRegistrationId", a -> a.size() == 1);
            String registration = registrationId();
            int registrations = c.registrations.get();

            nat.rebind(); // the client's packets now come from another source port
            int updates = c.updates.get();
            c.client.triggerRegistrationUpdate();
            awaitTrue(() -> c.updates.get() > updates, "registration update through the new address");

            // The server reaches the client at its new address, within the same registration.
            JsonNode read = tenant.post("/api/rpc/twoway/" + deviceId,
                    "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/0\"},\"timeout\":20000}").ok();
            assertThat(read.get("result").asString()).isEqualTo("CONTENT");
            assertThat(c.registrations.get()).as("no new registration").isEqualTo(registrations);
            assertThat(registrationId()).isEqualTo(registration);
        } finally {
            client = null;
        }
    }

    @Test
    void anLwm2m12ClientRegistersAndIsServed() throws Exception {
        setUp(deviceMapping("SINGLE"));
        client = new TestClient(endpoint, server.lwm2mPort(), false, null, "1.2");
        client.awaitRegistered();
        await(clientAttributes(), a -> a.toString().contains("\"lwm2mVersion\"") && a.toString().contains("Mote Test Device"));
        assertThat(tenant.get(clientAttributes() + "?keys=lwm2mVersion").ok().get(0).get("value").asString()).isEqualTo("1.2");
        await(timeseries("batteryLevel"), t -> t.has("batteryLevel"));
        JsonNode read = tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/9\"},\"timeout\":20000}").ok();
        assertThat(read.get("value").asString()).isEqualTo("LwM2mSingleResource [id=9, value=75, type=INTEGER]");
    }
}
