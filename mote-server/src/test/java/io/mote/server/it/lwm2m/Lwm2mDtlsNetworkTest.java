package io.mote.server.it.lwm2m;

import static io.mote.server.it.lwm2m.SecureDevices.hex;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestServer;

/** DTLS on the network: a Connection ID session surviving an address change; a PSK handshake from libcoap. */
class Lwm2mDtlsNetworkTest {

    private final TestServer server = TestServer.shared();
    private Api tenant;
    private String profileId;

    @BeforeEach
    void tenant() {
        tenant = server.api().newTenant();
        profileId = SecureDevices.profile(tenant);
    }

    private String pskDevice(String ep, String identity, byte[] key) {
        ObjectNode v = SecureDevices.client("PSK", ep);
        ((ObjectNode) v.get("client")).put("identity", identity).put("key", hex(key));
        return SecureDevices.create(tenant, profileId, ep, v);
    }

    @Test
    void connectionIdKeepsTheSessionWhenTheClientAddressChanges() throws Exception {
        String ep = "cid-" + UUID.randomUUID();
        byte[] key = new byte[16];
        new java.security.SecureRandom().nextBytes(key);
        String deviceId = pskDevice(ep, ep, key);
        try (UdpRelay nat = new UdpRelay(server.lwm2mSecurePort());
             TestClient client = new TestClient(ep, Security.psk("coaps://127.0.0.1:" + nat.port(), 123,
                     ep.getBytes(StandardCharsets.UTF_8), key), new Server(123, 300), null)) {
            client.awaitRegistered();
            int handshakes = nat.clientHandshakeRecords.get();
            assertThat(handshakes).isPositive();

            nat.rebind(); // the "NAT" now uses another source port; the old one is gone
            int updates = client.updates.get();
            client.client.triggerRegistrationUpdate();
            for (int i = 0; i < 100 && client.updates.get() == updates; i++) {
                Thread.sleep(100);
            }
            assertThat(client.updates.get()).isGreaterThan(updates);
            JsonNode r = tenant.post("/api/rpc/twoway/" + deviceId,
                    "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/0\"},\"timeout\":20000}").ok();
            assertThat(r.get("value").asString()).contains("Mote Test Device");
            assertThat(nat.clientHandshakeRecords.get()).as("no new handshake").isEqualTo(handshakes);
        }
    }

    private static Optional<Path> onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir, name);
            if (Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    @Test
    void libcoapClientRegistersWithPsk() throws Exception {
        Optional<Path> tool = onPath("coap-client-openssl");
        Assumptions.assumeTrue(tool.isPresent(), "libcoap's OpenSSL client is not installed");
        String ep = "libcoap-" + UUID.randomUUID();
        String identity = "id-" + ep;
        String secret = "mote-psk-key-016"; // 16 bytes; libcoap takes the key as text
        String deviceId = pskDevice(ep, identity, secret.getBytes(StandardCharsets.US_ASCII));
        Process p = new ProcessBuilder(tool.get().toString(), "-m", "post", "-u", identity, "-k", secret,
                "-t", "40", "-e", "</3/0>", "-B", "10",
                "coaps://127.0.0.1:" + server.lwm2mSecurePort() + "/rd?ep=" + ep + "&lt=60&lwm2m=1.1&b=U")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        String attrs = "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/CLIENT_SCOPE";
        JsonNode last = null;
        for (int i = 0; i < 100; i++) {
            last = tenant.get(attrs).ok();
            if (last.toString().contains(ep)) {
                break;
            }
            Thread.sleep(100);
        }
        assertThat(last.toString()).as(out).contains("lwm2mEndpoint").contains(ep);
    }
}
