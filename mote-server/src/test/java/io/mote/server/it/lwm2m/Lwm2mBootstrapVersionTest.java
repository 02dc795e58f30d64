package io.mote.server.it.lwm2m;

import static io.mote.server.it.lwm2m.SecureDevices.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/**
 * Bootstrap of clients whose Bootstrap-Discover answer announces LwM2M 1.0 (no Bootstrap-Read), 1.1 and 1.2
 * (Bootstrap-Read of the Server object before the configuration is written), over plain CoAP and DTLS (PSK).
 */
class Lwm2mBootstrapVersionTest {

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

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.2"})
    void plainBootstrap(String version) throws Exception {
        String ep = "bsv-" + UUID.randomUUID();
        String deviceId = SecureDevices.create(tenant, profileId, ep, SecureDevices.client("NO_SEC", ep));
        client = new TestClient(ep, Security.noSecBootstrap("coap://127.0.0.1:" + server.lwm2mBootstrapPort()), null,
                null, java.util.function.UnaryOperator.identity(), version);
        assertBootstrappedAndRegistered(deviceId, version);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.0", "1.1", "1.2"})
    void pskBootstrap(String version) throws Exception {
        String ep = "bsvpsk-" + UUID.randomUUID();
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
                identity.getBytes(StandardCharsets.UTF_8), key), null, null, java.util.function.UnaryOperator.identity(),
                version);
        assertBootstrappedAndRegistered(deviceId, version);
        assertThat(client.client.getRegisteredServers().values().iterator().next().getUri().toString())
                .isEqualTo("coaps://127.0.0.1:" + server.lwm2mSecurePort());
    }

    private void assertBootstrappedAndRegistered(String deviceId, String version) throws Exception {
        client.awaitRegistered();
        assertThat(client.bootstraps.get()).isEqualTo(1);
        // 1.1 introduced Bootstrap-Read: the server asks for the Server object first, a 1.0 client is not asked.
        if ("1.0".equals(version)) {
            assertThat(client.announced.received).doesNotContain("GET /1");
        } else {
            assertThat(client.announced.received).contains("GET /1");
        }
        JsonNode read = tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/0\"},\"timeout\":20000}").ok();
        assertThat(read.get("value").asString()).contains("Mote Test Device");
        // The registration's facts are stored after the registration is answered: wait for them.
        String path = "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/CLIENT_SCOPE?keys=lwm2mVersion";
        JsonNode attrs = tenant.get(path).ok();
        for (int i = 0; i < 100 && attrs.size() == 0; i++) {
            Thread.sleep(100);
            attrs = tenant.get(path).ok();
        }
        assertThat(attrs.get(0).get("value").asString()).isEqualTo(version);
    }
}
