package io.mote.server.it.lwm2m;

import static io.mote.server.it.lwm2m.SecureDevices.b64;
import static io.mote.server.it.lwm2m.SecureDevices.hex;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.leshan.client.object.Security;
import org.eclipse.leshan.client.object.Server;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestCa;
import io.mote.server.it.TestServer;
import io.mote.transport.dtls.DtlsServerCredentials;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;

/** Leshan clients over DTLS: PSK, RPK, X.509 (pinned and through a trusted CA), refusals. */
class Lwm2mSecurityTest {

    private final TestServer server = TestServer.shared();
    private final List<TestClient> clients = new ArrayList<>();
    private Api tenant;
    private String profileId;

    @BeforeEach
    void tenant() {
        tenant = server.api().newTenant();
        profileId = SecureDevices.profile(tenant);
    }

    @AfterEach
    void stop() {
        clients.forEach(TestClient::close);
    }

    private String coaps() {
        return "coaps://127.0.0.1:" + server.lwm2mSecurePort();
    }

    private TestClient start(String endpoint, Security security) {
        TestClient c = new TestClient(endpoint, security, new Server(123, 300), null);
        clients.add(c);
        return c;
    }

    /** A client expected to be refused: it gives up a handshake after one retransmission. */
    private TestClient refusedClient(String endpoint, Security security) {
        TestClient c = new TestClient(endpoint, security, new Server(123, 300), cfg -> {
            cfg.set(DtlsConfig.DTLS_MAX_RETRANSMISSIONS, 1);
            cfg.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 1, TimeUnit.SECONDS);
        });
        clients.add(c);
        return c;
    }

    private JsonNode read(String deviceId, String path) {
        return tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"Read\",\"params\":{\"id\":\"" + path + "\"},\"timeout\":20000}").ok();
    }

    private void assertReads(String deviceId) {
        JsonNode r = read(deviceId, "/3/0/0");
        assertThat(r.get("result").asString()).isEqualTo("CONTENT");
        assertThat(r.get("value").asString()).contains("Mote Test Device");
    }

    /** A PSK device; returns its id. */
    private String pskDevice(String endpoint, String identity, byte[] key) {
        ObjectNode v = SecureDevices.client("PSK", endpoint);
        ((ObjectNode) v.get("client")).put("identity", identity).put("key", hex(key));
        return SecureDevices.create(tenant, profileId, "psk-" + endpoint, v);
    }

    private static byte[] key() {
        byte[] k = new byte[16];
        new java.security.SecureRandom().nextBytes(k);
        return k;
    }

    @Test
    void pskClientRegistersOverDtlsAndAnswersRpc() throws Exception {
        String ep = "psk-" + UUID.randomUUID();
        byte[] key = key();
        String deviceId = pskDevice(ep, "id-" + ep, key);
        start(ep, Security.psk(coaps(), 123, ("id-" + ep).getBytes(StandardCharsets.UTF_8), key)).awaitRegistered();
        assertReads(deviceId);
    }

    @Test
    void rpkClientRegistersOverDtlsAndAnswersRpc() throws Exception {
        String ep = "rpk-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        ObjectNode v = SecureDevices.client("RPK", ep);
        ((ObjectNode) v.get("client")).put("key", b64(keys.getPublic().getEncoded()));
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);
        start(ep, Security.rpk(coaps(), 123, keys.getPublic().getEncoded(), keys.getPrivate().getEncoded(),
                SecureDevices.serverPublicKey(tenant))).awaitRegistered();
        assertReads(deviceId);
    }

    @Test
    void x509ClientWithCertificateInCredentialsRegisters() throws Exception {
        String ep = "x509-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = DtlsServerCredentials.selfSigned(keys, ep, Duration.ofDays(2));
        ObjectNode v = SecureDevices.client("X509", ep);
        ((ObjectNode) v.get("client")).put("cert", b64(cert.getEncoded()));
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);
        start(ep, Security.x509(coaps(), 123, cert.getEncoded(), keys.getPrivate().getEncoded(),
                SecureDevices.serverCertificate(tenant))).awaitRegistered();
        assertReads(deviceId);
    }

    @Test
    void x509ClientTrustedThroughCaIsTheDeviceNamedByItsCn() throws Exception {
        String ep = "ca-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = TestCa.issue(ep, keys);
        String deviceId = SecureDevices.create(tenant, profileId, ep, SecureDevices.client("X509", ep));
        start(ep, Security.x509(coaps(), 123, cert.getEncoded(), keys.getPrivate().getEncoded(),
                SecureDevices.serverCertificate(tenant))).awaitRegistered();
        assertReads(deviceId);
    }

    private double refused(String reason) {
        var c = server.bean(MeterRegistry.class).find("mote.lwm2m.dtls.refused").tag("reason", reason).counter();
        return c == null ? 0 : c.count();
    }

    @Test
    void refusedClientsDoNotDisturbAWorkingDevice() throws Exception {
        // A working device first, kept registered throughout.
        String okEp = "ok-" + UUID.randomUUID();
        byte[] okKey = key();
        String okId = pskDevice(okEp, "id-" + okEp, okKey);
        start(okEp, Security.psk(coaps(), 123, ("id-" + okEp).getBytes(StandardCharsets.UTF_8), okKey)).awaitRegistered();

        // Wrong key.
        String ep1 = "wrongkey-" + UUID.randomUUID();
        pskDevice(ep1, "id-" + ep1, key());
        double keyMismatch = refused("key_mismatch");
        TestClient wrongKey = refusedClient(ep1, Security.psk(coaps(), 123, ("id-" + ep1).getBytes(StandardCharsets.UTF_8), key()));
        // Unknown identity.
        double unknown = refused("unknown_identity");
        TestClient unknownId = refusedClient("nobody-" + UUID.randomUUID(),
                Security.psk(coaps(), 123, ("nobody-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8), key()));
        // Mode mismatch: a NO_SEC device over DTLS, and a PSK device over plain CoAP.
        String ep3 = "nosec-" + UUID.randomUUID();
        SecureDevices.create(tenant, profileId, ep3, SecureDevices.client("NO_SEC", ep3));
        KeyPair rogue = DtlsServerCredentials.generateEcKeyPair();
        double mode = refused("mode_mismatch");
        TestClient noSecOverDtls = refusedClient(ep3, Security.rpk(coaps(), 123, rogue.getPublic().getEncoded(),
                rogue.getPrivate().getEncoded(), SecureDevices.serverPublicKey(tenant)));
        String ep4 = "plain-" + UUID.randomUUID();
        pskDevice(ep4, ep4, key());
        TestClient pskOverPlain = refusedClient(ep4, Security.noSec("coap://127.0.0.1:" + server.lwm2mPort(), 123));
        // Untrusted certificate: self-signed, not in the credentials, not from the trusted CA.
        String ep5 = "untrusted-" + UUID.randomUUID();
        SecureDevices.create(tenant, profileId, ep5, SecureDevices.client("X509", ep5));
        KeyPair k5 = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate self = DtlsServerCredentials.selfSigned(k5, ep5, Duration.ofDays(2));
        double untrusted = refused("untrusted_certificate");
        TestClient untrustedCert = refusedClient(ep5, Security.x509(coaps(), 123, self.getEncoded(), k5.getPrivate().getEncoded(),
                SecureDevices.serverCertificate(tenant)));

        for (TestClient c : List.of(wrongKey, unknownId, noSecOverDtls, pskOverPlain, untrustedCert)) {
            assertThatThrownBy(c::awaitRegistered).isInstanceOf(Exception.class);
        }
        // The working device still answers.
        assertReads(okId);
        assertThat(refused("key_mismatch")).isGreaterThan(keyMismatch);
        assertThat(refused("unknown_identity")).isGreaterThan(unknown);
        assertThat(refused("mode_mismatch")).isGreaterThanOrEqualTo(mode + 2);
        assertThat(refused("untrusted_certificate")).isGreaterThan(untrusted);
    }

    @Test
    void pskKeyMustBeHex() {
        ObjectNode v = SecureDevices.client("PSK", "bad-" + UUID.randomUUID());
        ((ObjectNode) v.get("client")).put("identity", "x").put("key", "abc");
        Api.Res r = tenant.post("/api/device-with-credentials", SecureDevices.body(profileId, "bad", v));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.text()).contains("Key must be HexDec format: 32, 64, 128 characters!");
    }

    @Test
    void restReportsServerKeyMaterialAndPorts() throws Exception {
        JsonNode lwm2m = tenant.get("/api/lwm2m/deviceProfile/bootstrap/false").ok();
        assertThat(lwm2m.get("port").asInt()).isEqualTo(server.lwm2mPort());
        assertThat(lwm2m.get("securityPort").asInt()).isEqualTo(server.lwm2mSecurePort());
        assertThat(lwm2m.get("host").asString()).isEqualTo("127.0.0.1");
        assertThat(lwm2m.get("bootstrapServerIs").asBoolean()).isFalse();
        assertThat(lwm2m.get("shortServerId").asInt()).isEqualTo(123);
        X509Certificate cert = (X509Certificate) java.security.cert.CertificateFactory.getInstance("X.509")
                .generateCertificate(new java.io.ByteArrayInputStream(SecureDevices.serverCertificate(tenant)));
        assertThat(cert.getPublicKey().getEncoded()).isEqualTo(SecureDevices.serverPublicKey(tenant));
        JsonNode bs = tenant.get("/api/lwm2m/deviceProfile/bootstrap/true").ok();
        assertThat(bs.get("port").asInt()).isEqualTo(server.lwm2mBootstrapPort());
        assertThat(bs.get("securityPort").asInt()).isEqualTo(server.lwm2mBootstrapSecurePort());
        assertThat(bs.get("bootstrapServerIs").asBoolean()).isTrue();
        for (String f : List.of("lifetime", "defaultMinPeriod", "notifIfDisabled", "binding",
                "bootstrapServerAccountTimeout", "clientHoldOffTime", "serverPublicKey", "serverCertificate")) {
            assertThat(bs.has(f)).as(f).isTrue();
        }
        assertThat(server.api().sysadmin().get("/api/lwm2m/deviceProfile/bootstrap/true").status()).isEqualTo(403);
    }

    @Test
    void connectionStoreSettingsReachTheDtlsEndpoints() {
        // The shared test server runs with connection-store-size 20000 and stale-connection-threshold 10m.
        var c = new org.eclipse.californium.elements.config.Configuration(DtlsConfig.DEFINITIONS);
        server.bean(Lwm2mSecurity.class).configuration().accept(c);
        assertThat(c.get(DtlsConfig.DTLS_MAX_CONNECTIONS)).isEqualTo(20000);
        assertThat(c.get(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, TimeUnit.SECONDS)).isEqualTo(600L);
        assertThatThrownBy(() -> new Lwm2mSecurity.ConnectionStore(0, Duration.ofMinutes(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Lwm2mSecurity.ConnectionStore(10, Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
