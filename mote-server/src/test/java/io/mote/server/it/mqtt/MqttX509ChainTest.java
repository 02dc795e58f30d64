package io.mote.server.it.mqtt;

import static io.mote.server.it.mqtt.MqttTestClients.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.UUID;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import com.hivemq.client.mqtt.mqtt3.Mqtt3BlockingClient;
import com.hivemq.client.mqtt.mqtt3.Mqtt3Client;
import com.hivemq.client.mqtt.mqtt3.exceptions.Mqtt3ConnAckException;
import com.hivemq.client.mqtt.mqtt3.message.connect.connack.Mqtt3ConnAckReturnCode;
import com.hivemq.client.mqtt.mqtt5.Mqtt5BlockingClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import com.hivemq.client.mqtt.mqtt5.exceptions.Mqtt5ConnAckException;
import com.hivemq.client.mqtt.mqtt5.message.connect.connack.Mqtt5ConnAckReasonCode;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.server.it.Api;
import io.mote.server.it.TestCa;
import io.mote.server.it.TestServer;
import io.mote.transport.dtls.DtlsServerCredentials;

/**
 * ThingsBoard's X.509 certificate chain provisioning over MQTT TLS with the HiveMQ client: a device whose
 * certificate a profile's CA issued is created on first connect and found after; other CAs, forged
 * certificates and CNs the profile's pattern does not match are refused; the profile is validated on save.
 */
class MqttX509ChainTest {

    private static final String SUFFIX = ".sensors.example.com";
    private static final String PATTERN = "(.*)\\.sensors\\.example\\.com";

    private final Api anon = TestServer.shared().api();

    /** An X509_CERTIFICATE_CHAIN profile; answers the saved profile. */
    private static JsonNode chainProfile(Api tenant, String caPem, boolean allowCreate) {
        return tenant.post("/api/deviceProfile", profileBody(caPem, PATTERN, allowCreate)).ok();
    }

    private static ObjectNode profileBody(String caPem, String pattern, boolean allowCreate) {
        ObjectNode p = Json.object().put("name", "chain-" + UUID.randomUUID());
        ObjectNode data = p.putObject("profileData");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        data.putObject("provisionConfiguration").put("type", "X509_CERTIFICATE_CHAIN")
                .put("provisionDeviceSecret", caPem).put("certificateRegExPattern", pattern)
                .put("allowCreateNewDevicesByX509Certificate", allowCreate);
        return p;
    }

    private static KeyManagerFactory keyManagers(KeyPair keys, X509Certificate... chain) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("device", keys.getPrivate(), "changeit".toCharArray(), chain);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, "changeit".toCharArray());
        return kmf;
    }

    private static Mqtt5BlockingClient v5(KeyManagerFactory kmf) {
        return Mqtt5Client.builder().identifier("chain-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttSslPort()).sslConfig().keyManagerFactory(kmf)
                .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE).applySslConfig().buildBlocking();
    }

    private static Mqtt3BlockingClient v3(KeyManagerFactory kmf) {
        return Mqtt3Client.builder().identifier("chain-" + UUID.randomUUID()).serverHost("127.0.0.1")
                .serverPort(TestServer.shared().mqttSslPort()).sslConfig().keyManagerFactory(kmf)
                .trustManagerFactory(InsecureTrustManagerFactory.INSTANCE).applySslConfig().buildBlocking();
    }

    private static void assertRefused(KeyManagerFactory kmf) {
        assertThatThrownBy(() -> v5(kmf).connect())
                .isInstanceOfSatisfying(Mqtt5ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReasonCode()).isEqualTo(Mqtt5ConnAckReasonCode.NOT_AUTHORIZED));
        assertThatThrownBy(() -> v3(kmf).connect())
                .isInstanceOfSatisfying(Mqtt3ConnAckException.class, e ->
                        assertThat(e.getMqttMessage().getReturnCode()).isEqualTo(Mqtt3ConnAckReturnCode.NOT_AUTHORIZED));
    }

    private static JsonNode devices(Api tenant, String name) {
        return tenant.get("/api/tenant/devices?pageSize=100&page=0&textSearch="
                + URLEncoder.encode(name, StandardCharsets.UTF_8)).ok().get("data");
    }

    private static JsonNode device(Api tenant, String name) {
        return lookUp(tenant, name).ok();
    }

    private static Api.Res lookUp(Api tenant, String name) {
        return tenant.get("/api/tenant/devices?deviceName=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
    }

    private static String telemetry(Api tenant, String deviceId, String key) {
        JsonNode v = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=" + key).ok();
        return v.has(key) ? v.get(key).get(0).get("value").asString() : null;
    }

    private static String leafDerOfCredentials(Api tenant, String deviceId) throws Exception {
        JsonNode c = tenant.get("/api/device/" + deviceId + "/credentials").ok();
        assertThat(c.get("credentialsType").asString()).isEqualTo("X509_CERTIFICATE");
        return c.get("credentialsValue").asString();
    }

    @Test
    void aDeviceIssuedByTheProfileCaIsCreatedOnFirstConnectAndFoundAfter() throws Exception {
        Api tenant = anon.newTenant();
        TestCa.Authority ca = TestCa.newAuthority("Chain CA " + UUID.randomUUID());
        JsonNode profile = chainProfile(tenant, ca.pem(), true);
        assertThat(profile.get("provisionType").asString()).isEqualTo("X509_CERTIFICATE_CHAIN");
        assertThat(profile.get("provisionDeviceKey").asString()).isNotBlank();
        JsonNode prov = profile.get("profileData").get("provisionConfiguration");
        assertThat(prov.get("certificateRegExPattern").asString()).isEqualTo(PATTERN);
        assertThat(prov.get("allowCreateNewDevicesByX509Certificate").asBoolean()).isTrue();

        String name = "th-" + UUID.randomUUID();
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate leaf = ca.issue(name + SUFFIX, keys);
        KeyManagerFactory kmf = keyManagers(keys, leaf, ca.cert());
        assertThat(lookUp(tenant, name).status()).isEqualTo(404);

        Mqtt5BlockingClient first = v5(kmf);
        first.connect();
        publish(first, "v1/devices/me/telemetry", "{\"chain\":1}");
        first.disconnect();

        JsonNode created = device(tenant, name);
        String id = Api.id(created);
        assertThat(created.get("deviceProfileId").get("id").asString()).isEqualTo(Api.id(profile));
        assertThat(TestCa.pemOf(leaf.getEncoded()).trim()).isEqualTo(leafDerOfCredentials(tenant, id).trim());
        assertThat(telemetry(tenant, id, "chain")).isEqualTo("1");
        JsonNode state = tenant.get("/api/plugins/telemetry/DEVICE/" + id
                + "/values/attributes/SERVER_SCOPE?keys=provisionState").ok();
        assertThat(state.get(0).get("value").asString()).isEqualTo("provisioned");

        // The second connect (MQTT 3.1.1 this time) finds the device by its certificate: no second device.
        Mqtt3BlockingClient second = v3(kmf);
        second.connect();
        publish(second, "v1/devices/me/telemetry", "{\"chain\":2}");
        second.disconnect();
        assertThat(telemetry(tenant, id, "chain")).isEqualTo("2");
        assertThat(devices(tenant, name)).hasSize(1);
    }

    @Test
    void otherCasForgedCertificatesAndUnmatchedNamesAreRefused() throws Exception {
        Api tenant = anon.newTenant();
        String caName = "Chain CA " + UUID.randomUUID();
        TestCa.Authority ca = TestCa.newAuthority(caName);
        chainProfile(tenant, ca.pem(), true);
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();

        // Issued by another CA that no profile holds.
        TestCa.Authority other = TestCa.newAuthority("Other CA " + UUID.randomUUID());
        String n1 = "other-" + UUID.randomUUID();
        assertRefused(keyManagers(keys, other.issue(n1 + SUFFIX, keys), other.cert()));
        // Signed by a key posing under the profile CA's name, presented with the real CA certificate.
        TestCa.Authority forger = TestCa.newAuthority(caName);
        String n2 = "forged-" + UUID.randomUUID();
        assertRefused(keyManagers(keys, forger.issue(n2 + SUFFIX, keys), ca.cert()));
        // Issued by the profile's CA, but the CN does not match certificateRegExPattern.
        String n3 = "elsewhere-" + UUID.randomUUID();
        assertRefused(keyManagers(keys, ca.issue(n3 + ".example.org", keys), ca.cert()));
        // The chain must include the profile's CA certificate, as ThingsBoard requires.
        String n4 = "leafonly-" + UUID.randomUUID();
        assertRefused(keyManagers(keys, ca.issue(n4 + SUFFIX, keys)));

        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt())
                .as("no device was created").isZero();

        // An intermediate CA of the profile's CA issues devices too.
        TestCa.Authority intermediate = ca.intermediate("Intermediate " + UUID.randomUUID());
        String n5 = "via-intermediate-" + UUID.randomUUID();
        Mqtt5BlockingClient c = v5(keyManagers(keys, intermediate.issue(n5 + SUFFIX, keys), intermediate.cert(),
                ca.cert()));
        c.connect();
        c.disconnect();
        assertThat(device(tenant, n5).get("name").asString()).isEqualTo(n5);
    }

    @Test
    void withoutCreatingDevicesOnlyExistingDevicesConnectAndARenewedCertificateReplacesTheOld() throws Exception {
        Api tenant = anon.newTenant();
        TestCa.Authority ca = TestCa.newAuthority("Chain CA " + UUID.randomUUID());
        JsonNode profile = chainProfile(tenant, ca.pem(), false);
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();

        String unknown = "unknown-" + UUID.randomUUID();
        assertRefused(keyManagers(keys, ca.issue(unknown + SUFFIX, keys), ca.cert()));
        assertThat(lookUp(tenant, unknown).status()).isEqualTo(404);

        // A device of the profile holding an older certificate of the same CA.
        String name = "known-" + UUID.randomUUID();
        X509Certificate old = ca.issue(name + SUFFIX, keys);
        ObjectNode body = Json.object().put("name", name);
        body.set("deviceProfileId", profile.get("id"));
        String id = Api.id(tenant.post("/api/device", body).ok());
        ObjectNode creds = (ObjectNode) tenant.get("/api/device/" + id + "/credentials").ok().deepCopy();
        creds.put("credentialsType", "X509_CERTIFICATE");
        creds.remove("credentialsId");
        creds.put("credentialsValue", TestCa.pemOf(old.getEncoded()));
        tenant.post("/api/device/credentials", creds).ok();

        KeyPair renewedKeys = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate renewed = ca.issue(name + SUFFIX, renewedKeys);
        Mqtt5BlockingClient c = v5(keyManagers(renewedKeys, renewed, ca.cert()));
        c.connect();
        publish(c, "v1/devices/me/telemetry", "{\"renewed\":true}");
        c.disconnect();
        assertThat(telemetry(tenant, id, "renewed")).isEqualTo("true");
        assertThat(leafDerOfCredentials(tenant, id).trim()).isEqualTo(TestCa.pemOf(renewed.getEncoded()).trim());

        // The provisioning REST does not provision this strategy.
        JsonNode answer = anon.post("/api/v1/provision", Json.object().put("deviceName", "x")
                .put("provisionDeviceKey", profile.get("provisionDeviceKey").asString())
                .put("provisionDeviceSecret", ca.pem())).ok();
        assertThat(answer.get("status").asString()).isEqualTo("NOT_FOUND");
    }

    @Test
    void theProfileIsValidatedOnSave() throws Exception {
        Api tenant = anon.newTenant();
        TestCa.Authority ca = TestCa.newAuthority("Chain CA " + UUID.randomUUID());
        assertInvalid(tenant, profileBody("-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n",
                PATTERN, true), "not a valid PEM certificate");
        assertInvalid(tenant, profileBody(ca.pem(), "([a-z", true), "not a valid regular expression");
        assertInvalid(tenant, profileBody(ca.pem(), "sensors", true), "capturing group");
        ObjectNode noCert = profileBody(ca.pem(), PATTERN, true);
        ((ObjectNode) noCert.get("profileData").get("provisionConfiguration")).remove("provisionDeviceSecret");
        assertInvalid(tenant, noCert, "should be specified");
        assertInvalid(tenant, profileBody(wellKnownRootPem(), PATTERN, true), "cannot be well known root CA!");

        // ThingsBoard's UI also sends the certificate as certificateValue: accepted alone too.
        ObjectNode asValue = profileBody(ca.pem(), PATTERN, true);
        ObjectNode prov = (ObjectNode) asValue.get("profileData").get("provisionConfiguration");
        prov.remove("provisionDeviceSecret");
        prov.put("certificateValue", ca.pem());
        JsonNode saved = tenant.post("/api/deviceProfile", asValue).ok();
        assertThat(saved.get("profileData").get("provisionConfiguration").get("provisionDeviceSecret").asString())
                .contains("BEGIN CERTIFICATE");
        // One CA provisions for one profile: its key is taken.
        assertInvalid(tenant, profileBody(ca.pem(), PATTERN, true), "provision device key already exists");
    }

    private static void assertInvalid(Api tenant, ObjectNode body, String message) {
        Api.Res r = tenant.post("/api/deviceProfile", body);
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("message").asString()).as(r.text()).contains(message);
    }

    private static String wellKnownRootPem() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init((KeyStore) null);
        for (var tm : tmf.getTrustManagers()) {
            if (tm instanceof X509TrustManager x && x.getAcceptedIssuers().length > 0) {
                Certificate root = x.getAcceptedIssuers()[0];
                return TestCa.pemOf(root.getEncoded());
            }
        }
        throw new AssertionError("the JDK trusts no root");
    }
}
