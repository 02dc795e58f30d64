package io.mote.server.it.lwm2m;

import static io.mote.server.it.lwm2m.SecureDevices.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** Leshan clients that start with only a bootstrap account, over plain CoAP and over DTLS with PSK. */
class Lwm2mBootstrapTest {

    private final TestServer server = TestServer.shared();
    private Api tenant;
    private String profileId;
    private TestClient client;

    @BeforeEach
    void tenant() {
        tenant = server.api().newTenant();
        profileId = SecureDevices.profile(tenant);
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
    }

    private JsonNode rpc(String deviceId, String method, String id) {
        return tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"" + method + "\",\"params\":{\"id\":\"" + id + "\"},\"timeout\":20000}").ok();
    }

    private void awaitTrue(java.util.function.BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 300 && !cond.getAsBoolean(); i++) {
            Thread.sleep(100);
        }
        assertThat(cond.getAsBoolean()).isTrue();
    }

    @Test
    void plainBootstrapThenRegistrationAndReBootstrapByRpc() throws Exception {
        String ep = "bs-" + UUID.randomUUID();
        String deviceId = SecureDevices.create(tenant, profileId, ep, SecureDevices.client("NO_SEC", ep));
        client = new TestClient(ep, Security.noSecBootstrap("coap://127.0.0.1:" + server.lwm2mBootstrapPort()), null, null);
        client.awaitRegistered();
        assertThat(client.bootstraps.get()).isEqualTo(1);
        JsonNode read = rpc(deviceId, "Read", "/3/0/0");
        assertThat(read.get("value").asString()).contains("Mote Test Device");

        // The server account's "Bootstrap-Request Trigger" makes the client bootstrap again, then register.
        int registrations = client.registrations.get();
        JsonNode trigger = rpc(deviceId, "Execute", "/1/0/9");
        assertThat(trigger.get("result").asString()).as(trigger.toString()).isEqualTo("CHANGED");
        awaitTrue(() -> client.bootstraps.get() == 2 && client.registrations.get() > registrations);
        assertThat(rpc(deviceId, "Read", "/3/0/0").get("result").asString()).isEqualTo("CONTENT");
    }

    @Test
    void pskBootstrapGivesThePskLwm2mAccount() throws Exception {
        String ep = "bspsk-" + UUID.randomUUID();
        byte[] key = new byte[32];
        new java.security.SecureRandom().nextBytes(key);
        String identity = "id-" + ep;
        ObjectNode v = SecureDevices.client("PSK", ep);
        ((ObjectNode) v.get("client")).put("identity", identity).put("key", hex(key));
        ObjectNode bs = (ObjectNode) v.get("bootstrap");
        bs.putObject("bootstrapServer").put("securityMode", "PSK").put("clientPublicKeyOrId", identity)
                .put("clientSecretKey", hex(key));
        bs.putObject("lwm2mServer").put("securityMode", "PSK").put("clientPublicKeyOrId", identity)
                .put("clientSecretKey", hex(key));
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);
        client = new TestClient(ep, Security.pskBootstrap("coaps://127.0.0.1:" + server.lwm2mBootstrapSecurePort(),
                identity.getBytes(StandardCharsets.UTF_8), key), null, null);
        client.awaitRegistered();
        assertThat(client.bootstraps.get()).isEqualTo(1);
        // Registered over DTLS: the server account written by bootstrap points at the secure port.
        assertThat(client.client.getRegisteredServers().values().iterator().next().getUri().toString())
                .isEqualTo("coaps://127.0.0.1:" + server.lwm2mSecurePort());
        assertThat(rpc(deviceId, "Read", "/3/0/0").get("value").asString()).contains("Mote Test Device");
    }

    @Test
    void unknownEndpointGetsNoBootstrap() throws Exception {
        client = new TestClient("nobody-" + UUID.randomUUID(),
                Security.noSecBootstrap("coap://127.0.0.1:" + server.lwm2mBootstrapPort()), null, null);
        Thread.sleep(3000);
        assertThat(client.bootstraps.get()).isZero();
        assertThat(client.registrations.get()).isZero();
    }
}
