package io.mote.server.it.lwm2m;

import static io.mote.server.it.lwm2m.SecureDevices.b64;
import static org.assertj.core.api.Assertions.assertThat;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.UUID;

import org.eclipse.leshan.client.object.Security;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.server.it.Api;
import io.mote.server.it.TestCa;
import io.mote.server.it.TestServer;
import io.mote.transport.dtls.DtlsServerCredentials;

/**
 * Leshan clients that start with an RPK or X.509 bootstrap account on the bootstrap server's DTLS port,
 * then register with the LwM2M account they were given and answer an RPC Read.
 */
class Lwm2mBootstrapDtlsTest {

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

    private String bootstrapUri() {
        return "coaps://127.0.0.1:" + server.lwm2mBootstrapSecurePort();
    }

    private void assertRegisteredSecurelyAndReads(String deviceId) {
        assertThat(client.bootstraps.get()).isEqualTo(1);
        assertThat(client.client.getRegisteredServers().values().iterator().next().getUri())
                .isEqualTo("coaps://127.0.0.1:" + server.lwm2mSecurePort());
        JsonNode read = tenant.post("/api/rpc/twoway/" + deviceId,
                "{\"method\":\"Read\",\"params\":{\"id\":\"/3/0/0\"},\"timeout\":20000}").ok();
        assertThat(read.get("result").asString()).isEqualTo("CONTENT");
        assertThat(read.get("value").asString()).contains("Mote Test Device");
    }

    /** A bootstrap or LwM2M server account holding the client's key pair (or certificate) and private key. */
    private static void account(ObjectNode v, String which, String mode, byte[] publicKeyOrCert, byte[] privateKey) {
        ((ObjectNode) v.get("bootstrap")).putObject(which).put("securityMode", mode)
                .put("clientPublicKeyOrId", b64(publicKeyOrCert)).put("clientSecretKey", b64(privateKey));
    }

    @Test
    void rpkBootstrapThenRpkRegistration() throws Exception {
        String ep = "bsrpk-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        byte[] pub = keys.getPublic().getEncoded();
        byte[] priv = keys.getPrivate().getEncoded();
        ObjectNode v = SecureDevices.client("RPK", ep);
        ((ObjectNode) v.get("client")).put("key", b64(pub));
        account(v, "bootstrapServer", "RPK", pub, priv);
        account(v, "lwm2mServer", "RPK", pub, priv);
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);

        client = new TestClient(ep, Security.rpkBootstrap(bootstrapUri(), pub, priv,
                SecureDevices.bootstrapServerPublicKey(tenant)), null, null);
        client.awaitRegistered();
        assertRegisteredSecurelyAndReads(deviceId);
    }

    @Test
    void x509BootstrapWithPinnedCertificateThenX509Registration() throws Exception {
        String ep = "bsx509-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = DtlsServerCredentials.selfSigned(keys, ep, Duration.ofDays(2));
        byte[] priv = keys.getPrivate().getEncoded();
        ObjectNode v = SecureDevices.client("X509", ep);
        ((ObjectNode) v.get("client")).put("cert", b64(cert.getEncoded()));
        account(v, "bootstrapServer", "X509", cert.getEncoded(), priv);
        account(v, "lwm2mServer", "X509", cert.getEncoded(), priv);
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);

        client = new TestClient(ep, Security.x509Bootstrap(bootstrapUri(), cert.getEncoded(), priv,
                SecureDevices.bootstrapServerCertificate(tenant)), null, null);
        client.awaitRegistered();
        assertRegisteredSecurelyAndReads(deviceId);
    }

    @Test
    void x509BootstrapWithCaIssuedCertificateThenX509Registration() throws Exception {
        String ep = "bsca-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate cert = TestCa.issue(ep, keys);
        byte[] priv = keys.getPrivate().getEncoded();
        ObjectNode v = SecureDevices.client("X509", ep);
        account(v, "bootstrapServer", "X509", cert.getEncoded(), priv);
        account(v, "lwm2mServer", "X509", cert.getEncoded(), priv);
        String deviceId = SecureDevices.create(tenant, profileId, ep, v);

        client = new TestClient(ep, Security.x509Bootstrap(bootstrapUri(), cert.getEncoded(), priv,
                SecureDevices.bootstrapServerCertificate(tenant)), null, null);
        client.awaitRegistered();
        assertRegisteredSecurelyAndReads(deviceId);
    }
}
