package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** Device credentials over REST: shape, token changes, uniqueness and the checks of each type. */
class CredentialsTest {

    private final Api anon = TestServer.shared().api();

    @TempDir
    Path tmp;

    private static void assertBadRequest(Api.Res r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        JsonNode err = r.json();
        assertThat(err.get("status").asInt()).isEqualTo(400);
        assertThat(err.get("errorCode").asInt()).isIn(30, 31);
        assertThat(err.get("timestamp").asLong()).isPositive();
        if (message != null) {
            assertThat(err.get("message").asString()).isEqualTo(message);
        }
    }

    private static ObjectNode creds(String deviceId, String type, String credentialsId, String value) {
        ObjectNode c = Json.object();
        c.putObject("deviceId").put("entityType", "DEVICE").put("id", deviceId);
        c.put("credentialsType", type);
        if (credentialsId != null) {
            c.put("credentialsId", credentialsId);
        }
        if (value != null) {
            c.put("credentialsValue", value);
        }
        return c;
    }

    private static String token() {
        return "tok-" + UUID.randomUUID();
    }

    private int telemetry(String token) {
        return anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status();
    }

    @Test
    void credentialsHaveThingsBoardShape() {
        Api tenant = anon.newTenant();
        String token = token();
        JsonNode device = tenant.createDevice("shape", token);
        JsonNode c = tenant.get("/api/device/" + Api.id(device) + "/credentials").ok();
        assertThat(c.get("id").get("entityType").asString()).isEqualTo("DEVICE_CREDENTIALS");
        assertThat(UUID.fromString(c.get("id").get("id").asString())).isNotNull();
        assertThat(c.get("createdTime").asLong()).isGreaterThanOrEqualTo(device.get("createdTime").asLong());
        assertThat(c.get("deviceId").get("entityType").asString()).isEqualTo("DEVICE");
        assertThat(c.get("deviceId").get("id").asString()).isEqualTo(Api.id(device));
        assertThat(c.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
        assertThat(c.get("credentialsId").asString()).isEqualTo(token);
        assertThat(c.has("credentialsValue")).isTrue();
        assertThat(c.get("credentialsValue").isNull()).isTrue();
    }

    @Test
    void changingTheTokenRetiresTheOldOne() {
        Api tenant = anon.newTenant();
        String oldToken = token();
        String deviceId = Api.id(tenant.createDevice("rotate", oldToken));
        JsonNode before = tenant.get("/api/device/" + deviceId + "/credentials").ok();
        assertThat(telemetry(oldToken)).isEqualTo(200);

        String newToken = token();
        ObjectNode change = (ObjectNode) before.deepCopy();
        change.put("credentialsId", newToken);
        JsonNode saved = tenant.post("/api/device/credentials", change).ok();
        assertThat(saved.get("id")).isEqualTo(before.get("id"));
        assertThat(saved.get("createdTime").asLong()).isEqualTo(before.get("createdTime").asLong());
        assertThat(saved.get("credentialsId").asString()).isEqualTo(newToken);
        assertThat(tenant.get("/api/device/" + deviceId + "/credentials").ok()).isEqualTo(saved);

        assertThat(telemetry(oldToken)).isEqualTo(401);
        assertThat(telemetry(newToken)).isEqualTo(200);

        // Saving without an id (as a new credentials object) updates the device's one set.
        String third = token();
        tenant.post("/api/device/credentials", creds(deviceId, "ACCESS_TOKEN", third, null)).ok();
        assertThat(tenant.get("/api/device/" + deviceId + "/credentials").ok().get("id")).isEqualTo(before.get("id"));
        assertThat(telemetry(newToken)).isEqualTo(401);
        assertThat(telemetry(third)).isEqualTo(200);
    }

    @Test
    void tokenOfAnotherDeviceIsRefused() {
        Api tenant = anon.newTenant();
        String tokenA = token();
        String tokenB = token();
        tenant.createDevice("a", tokenA);
        String b = Api.id(tenant.createDevice("b", tokenB));
        assertBadRequest(tenant.post("/api/device/credentials", creds(b, "ACCESS_TOKEN", tokenA, null)),
                "Device credentials are already assigned to another device!");
        assertThat(tenant.get("/api/device/" + b + "/credentials").ok().get("credentialsId").asString())
                .isEqualTo(tokenB);
        assertThat(telemetry(tokenB)).isEqualTo(200);

        // Also across tenants: a credentials id is global.
        Api other = anon.newTenant();
        String c = Api.id(other.createDevice("c", token()));
        assertBadRequest(other.post("/api/device/credentials", creds(c, "ACCESS_TOKEN", tokenA, null)),
                "Device credentials are already assigned to another device!");
        assertBadRequest(other.post("/api/device?accessToken=" + tokenA, Json.object().put("name", "d")),
                "Device credentials are already assigned to another device!");
    }

    @Test
    void accessTokenChecks() {
        Api tenant = anon.newTenant();
        String id = Api.id(tenant.createDevice("checks", token()));
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "ACCESS_TOKEN", "", null)), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "ACCESS_TOKEN", null, null)), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "ACCESS_TOKEN", "a/b", null)), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "ACCESS_TOKEN", "a b", null)), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "ACCESS_TOKEN", "x".repeat(256), null)),
                null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, null, token(), null)), null);
        ObjectNode noDevice = creds(id, "ACCESS_TOKEN", token(), null);
        noDevice.remove("deviceId");
        assertBadRequest(tenant.post("/api/device/credentials", noDevice),
                "Device credentials should be assigned to device!");
        assertThat(tenant.post("/api/device/credentials",
                creds(UUID.randomUUID().toString(), "ACCESS_TOKEN", token(), null)).status()).isEqualTo(404);
    }

    @Test
    void unknownCredentialsTypeIsRefused() {
        Api tenant = anon.newTenant();
        String token = token();
        String id = Api.id(tenant.createDevice("unknown-type", token));
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "PASSWORD", "x", null)), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "access_token", "x", null)), null);
        ObjectNode body = Json.object();
        body.putObject("device").put("name", "unknown-type-2");
        body.putObject("credentials").put("credentialsType", "PASSWORD").put("credentialsId", "y");
        assertBadRequest(tenant.post("/api/device-with-credentials", body), null);
        assertThat(telemetry(token)).isEqualTo(200);
    }

    @Test
    void x509CertificateIsAcceptedAndInvalidPemRefused() throws Exception {
        Api tenant = anon.newTenant();
        String token = token();
        String id = Api.id(tenant.createDevice("x509", token));
        String pem = TestCerts.selfSignedPem(tmp, "CN=mote-x509-test");
        X509Certificate cert = (X509Certificate) CertificateFactory.getInstance("X.509")
                .generateCertificate(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)));
        String fingerprint = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));

        JsonNode saved = tenant.post("/api/device/credentials", creds(id, "X509_CERTIFICATE", null, pem)).ok();
        assertThat(saved.get("credentialsType").asString()).isEqualTo("X509_CERTIFICATE");
        assertThat(saved.get("credentialsId").asString()).isEqualTo(fingerprint);
        assertThat(saved.get("credentialsValue").asString()).isEqualTo(pem.trim());
        assertThat(telemetry(token)).isEqualTo(401);

        // The same certificate for another device is a duplicate.
        String other = Api.id(tenant.createDevice("x509-other", token()));
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "X509_CERTIFICATE", null, pem)),
                "Device credentials are already assigned to another device!");
        // Base64 DER without the PEM armour is the same certificate.
        String der = Base64.getEncoder().encodeToString(cert.getEncoded());
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "X509_CERTIFICATE", null, der)),
                "Device credentials are already assigned to another device!");

        String broken = pem.replace(pem.substring(100, 140), "AAAA");
        for (String bad : List.of("not a certificate",
                "-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----", broken, "")) {
            assertBadRequest(tenant.post("/api/device/credentials", creds(other, "X509_CERTIFICATE", null, bad)),
                    null);
        }
        assertThat(tenant.get("/api/device/" + other + "/credentials").ok().get("credentialsType").asString())
                .isEqualTo("ACCESS_TOKEN");
    }

    @Test
    void mqttBasicCredentials() {
        Api tenant = anon.newTenant();
        String token = token();
        String id = Api.id(tenant.createDevice("mqtt", token));
        String value = "{\"clientId\":\"client-1\",\"userName\":\"user-1\",\"password\":\"pw\"}";
        JsonNode saved = tenant.post("/api/device/credentials", creds(id, "MQTT_BASIC", null, value)).ok();
        assertThat(saved.get("credentialsType").asString()).isEqualTo("MQTT_BASIC");
        assertThat(saved.get("credentialsId").asString()).matches("[0-9a-f]{64}");
        JsonNode stored = Json.MAPPER.readTree(saved.get("credentialsValue").asString());
        assertThat(stored.get("clientId").asString()).isEqualTo("client-1");
        assertThat(stored.get("userName").asString()).isEqualTo("user-1");
        assertThat(telemetry(token)).isEqualTo(401);

        // Same client id and user name on another device is a duplicate.
        String other = Api.id(tenant.createDevice("mqtt-other", token()));
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null, value)),
                "Device credentials are already assigned to another device!");
        tenant.post("/api/device/credentials",
                creds(other, "MQTT_BASIC", null, "{\"clientId\":\"client-2\"}")).ok();

        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null,
                "{\"clientId\":\"\",\"userName\":\"\",\"password\":\"pw\"}")),
                "Both mqtt client id and user name are empty!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null, "{}")),
                "Both mqtt client id and user name are empty!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null, "{not json")), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null, "[1]")), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(other, "MQTT_BASIC", null, null)), null);
    }

    @Test
    void lwm2mCredentials() {
        Api tenant = anon.newTenant();
        String id = Api.id(tenant.createDevice("lwm2m", token()));
        String endpoint = "urn:imei:" + UUID.randomUUID();
        JsonNode saved = tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"NO_SEC\",\"endpoint\":\"" + endpoint + "\"}}")).ok();
        assertThat(saved.get("credentialsType").asString()).isEqualTo("LWM2M_CREDENTIALS");
        assertThat(saved.get("credentialsId").asString()).isEqualTo(endpoint);

        String psk31 = "0123456789abcdef0123456789abcde";
        assertThat(psk31).hasSize(31);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"PSK\",\"endpoint\":\"e1\",\"identity\":\"id-"
                        + UUID.randomUUID() + "\",\"key\":\"" + psk31 + "\"}}")),
                "Key must be HexDec format: 32, 64, 128 characters!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"PSK\",\"endpoint\":\"e1\",\"identity\":\"id-"
                        + UUID.randomUUID() + "\",\"key\":\"" + "g".repeat(32) + "\"}}")),
                "Key must be HexDec format: 32, 64, 128 characters!");
        String identity = "id-" + UUID.randomUUID();
        JsonNode psk = tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"PSK\",\"endpoint\":\"e1\",\"identity\":\"" + identity
                        + "\",\"key\":\"" + psk31 + "f\"}}")).ok();
        assertThat(psk.get("credentialsId").asString()).isEqualTo(identity);

        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"NO_SEC\"}}")), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"MAGIC\",\"endpoint\":\"e\"}}")), null);
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{}")), null);
        // The failed attempts left the PSK credentials in place.
        assertThat(tenant.get("/api/device/" + id + "/credentials").ok().get("credentialsId").asString())
                .isEqualTo(identity);
    }

    @Test
    void lwm2mBootstrapAccountsAndX509AreCheckedOnSave() throws Exception {
        Api tenant = anon.newTenant();
        String id = Api.id(tenant.createDevice("lwm2m-bs", token()));
        String endpoint = "urn:dev:" + UUID.randomUUID();
        String noSec = "\"client\":{\"securityConfigClientMode\":\"NO_SEC\",\"endpoint\":\"" + endpoint + "\"}";
        java.security.KeyPairGenerator gen = java.security.KeyPairGenerator.getInstance("EC");
        gen.initialize(256);
        java.security.KeyPair pair = gen.generateKeyPair();
        String pub = java.util.Base64.getEncoder().encodeToString(pair.getPublic().getEncoded());
        String priv = java.util.Base64.getEncoder().encodeToString(pair.getPrivate().getEncoded());

        // A complete NO_SEC bootstrap account and an RPK LwM2M account are accepted.
        tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"bootstrapServer\":{\"securityMode\":\"NO_SEC\"},\"lwm2mServer\":{\"securityMode\":\"RPK\","
                + "\"clientPublicKeyOrId\":\"" + pub + "\",\"clientSecretKey\":\"" + priv + "\"}}}")).ok();

        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"lwm2mServer\":{\"securityMode\":\"TLS\"}}}")),
                "bootstrap.lwm2mServer.securityMode 'TLS' is not one of NO_SEC, PSK, RPK, X509");
        // A NO_SEC client has no PSK of its own to fall back on.
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"bootstrapServer\":{\"securityMode\":\"PSK\",\"clientPublicKeyOrId\":\"bs-id\","
                + "\"clientSecretKey\":\"abc\"}}}")),
                "bootstrap.bootstrapServer.clientSecretKey: Key must be HexDec format: 32, 64, 128 characters!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"bootstrapServer\":{\"securityMode\":\"PSK\"}}}")),
                "bootstrap.bootstrapServer.clientPublicKeyOrId (the PSK identity) should be specified!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"lwm2mServer\":{\"securityMode\":\"RPK\",\"clientPublicKeyOrId\":\"" + pub
                + "\",\"clientSecretKey\":\"bm90IGEga2V5\"}}}")),
                "bootstrap.lwm2mServer.clientSecretKey must be a base64 encoded PKCS#8 private key!");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null, "{" + noSec
                + ",\"bootstrap\":{\"lwm2mServer\":{\"securityMode\":\"X509\",\"clientPublicKeyOrId\":\"" + pub
                + "\",\"clientSecretKey\":\"" + priv + "\"}}}")),
                "bootstrap.lwm2mServer.clientPublicKeyOrId is not a valid X.509 certificate (PEM or base64 DER)");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"RPK\",\"endpoint\":\"" + endpoint + "\",\"key\":\"" + priv + "\"}}")),
                "client.key must be a base64 encoded EC public key (SubjectPublicKeyInfo)!");

        // X.509: the certificate's CN is the endpoint.
        String pem = TestCerts.selfSignedPem(tmp, "CN=cn-endpoint");
        String certB64 = pem.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
        assertBadRequest(tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"X509\",\"endpoint\":\"other\",\"cert\":\"" + certB64 + "\"}}")),
                "client.cert: its CN 'cn-endpoint' must be the endpoint 'other'");
        tenant.post("/api/device/credentials", creds(id, "LWM2M_CREDENTIALS", null,
                "{\"client\":{\"securityConfigClientMode\":\"X509\",\"endpoint\":\"cn-endpoint\",\"cert\":\"" + certB64 + "\"}}")).ok();
    }
}
