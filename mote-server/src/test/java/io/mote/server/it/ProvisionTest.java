package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * Provisioning over the HTTP device API: each strategy of the profile's provisionConfiguration, each
 * credentials type, wrong keys and secrets, taken names and credentials, and bad input.
 */
class ProvisionTest {

    private final Api anon = TestServer.shared().api();

    @TempDir
    Path tmp;

    /** A profile with the given provisioning strategy; answers its id. */
    private static String profile(Api tenant, String type, String key, String secret) {
        ObjectNode p = Json.object().put("name", "prov-" + UUID.randomUUID()).put("provisionDeviceKey", key);
        ObjectNode data = p.putObject("profileData");
        data.putObject("transportConfiguration").put("type", "DEFAULT");
        data.putObject("provisionConfiguration").put("type", type).put("provisionDeviceSecret", secret);
        return Api.id(tenant.post("/api/deviceProfile", p).ok());
    }

    private static String key() {
        return "key-" + UUID.randomUUID();
    }

    private static ObjectNode request(String name, String key, String secret) {
        return Json.object().put("deviceName", name).put("provisionDeviceKey", key).put("provisionDeviceSecret", secret);
    }

    private JsonNode provision(ObjectNode request) {
        Api.Res r = anon.post("/api/v1/provision", request);
        assertThat(r.status()).as(r.text()).isEqualTo(200);
        return r.json();
    }

    private static void assertStatus(JsonNode answer, String status) {
        assertThat(answer.get("status").asString()).as(answer.toString()).isEqualTo(status);
        if (!"SUCCESS".equals(status)) {
            assertThat(answer.get("errorMsg").asString()).as(answer.toString()).isNotBlank();
            assertThat(answer.has("credentialsValue")).isFalse();
        }
    }

    private static void assertError(Api.Res r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("message").asString()).as(r.text()).isNotBlank();
    }

    private int telemetry(String token) {
        return anon.post("/api/v1/" + token + "/telemetry", "{\"temperature\":21.5}").status();
    }

    private static JsonNode deviceByName(Api tenant, String name) {
        return tenant.get("/api/tenant/devices?deviceName=" + java.net.URLEncoder.encode(name,
                java.nio.charset.StandardCharsets.UTF_8)).ok();
    }

    private static String provisionState(Api tenant, String deviceId) {
        JsonNode attrs = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId
                + "/values/attributes/SERVER_SCOPE?keys=provisionState").ok();
        return attrs.size() == 0 ? null : attrs.get(0).get("value").asString();
    }

    @Test
    void allowCreateNewDevicesCreatesAUsableDevice() {
        Api tenant = anon.newTenant();
        String key = key();
        String profileId = profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "secret-1");
        String name = "provisioned-" + UUID.randomUUID();

        JsonNode answer = provision(request(name, key, "secret-1"));
        assertStatus(answer, "SUCCESS");
        assertThat(answer.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
        String token = answer.get("credentialsValue").asString();
        assertThat(token).isNotBlank();

        JsonNode device = deviceByName(tenant, name);
        assertThat(device.get("deviceProfileId").get("id").asString()).isEqualTo(profileId);
        String deviceId = Api.id(device);
        assertThat(tenant.get("/api/device/" + deviceId + "/credentials").ok().get("credentialsId").asString())
                .isEqualTo(token);
        assertThat(provisionState(tenant, deviceId)).isEqualTo("provisioned");

        // The returned token works at once.
        assertThat(telemetry(token)).isEqualTo(200);
        JsonNode latest = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId
                + "/values/timeseries?keys=temperature").ok();
        assertThat(latest.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");

        // The name is taken now.
        assertStatus(provision(request(name, key, "secret-1")), "FAILURE");
    }

    @Test
    void requestedAccessTokenAndGeneratedName() {
        Api tenant = anon.newTenant();
        String key = key();
        profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "s");
        String token = "prov-token-" + UUID.randomUUID();

        JsonNode answer = provision(request("with-token-" + UUID.randomUUID(), key, "s").put("token", token));
        assertStatus(answer, "SUCCESS");
        assertThat(answer.get("credentialsValue").asString()).isEqualTo(token);
        assertThat(telemetry(token)).isEqualTo(200);

        // The same token for another device is taken.
        assertStatus(provision(request("dup-token-" + UUID.randomUUID(), key, "s")
                .put("credentialsType", "ACCESS_TOKEN").put("token", token)), "FAILURE");
        // An invalid token fails too.
        assertStatus(provision(request("bad-token-" + UUID.randomUUID(), key, "s").put("token", "a b/c")), "FAILURE");

        // Without a name, the device gets one.
        ObjectNode nameless = Json.object().put("provisionDeviceKey", key).put("provisionDeviceSecret", "s");
        JsonNode created = provision(nameless);
        assertStatus(created, "SUCCESS");
        assertThat(telemetry(created.get("credentialsValue").asString())).isEqualTo(200);
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt()).isEqualTo(2);

        // A name of blanks is no name.
        assertStatus(provision(request("   ", key, "s")), "FAILURE");
    }

    @Test
    void mqttBasicAndX509Credentials() throws Exception {
        Api tenant = anon.newTenant();
        String key = key();
        profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "s");

        String mqttName = "mqtt-" + UUID.randomUUID();
        String clientId = "client-" + UUID.randomUUID();
        JsonNode mqtt = provision(request(mqttName, key, "s").put("credentialsType", "MQTT_BASIC")
                .put("clientId", clientId).put("username", "user-1").put("password", "pw-1"));
        assertStatus(mqtt, "SUCCESS");
        assertThat(mqtt.get("credentialsType").asString()).isEqualTo("MQTT_BASIC");
        JsonNode value = mqtt.get("credentialsValue");
        assertThat(value.isObject()).as(mqtt.toString()).isTrue();
        assertThat(value.get("clientId").asString()).isEqualTo(clientId);
        assertThat(value.get("userName").asString()).isEqualTo("user-1");
        assertThat(value.get("password").asString()).isEqualTo("pw-1");
        JsonNode stored = tenant.get("/api/device/" + Api.id(deviceByName(tenant, mqttName)) + "/credentials").ok();
        assertThat(stored.get("credentialsType").asString()).isEqualTo("MQTT_BASIC");

        // MQTT_BASIC without client id and user name is refused.
        assertStatus(provision(request("mqtt-bad-" + UUID.randomUUID(), key, "s")
                .put("credentialsType", "MQTT_BASIC").put("password", "pw")), "FAILURE");

        String pem = TestCerts.selfSignedPem(tmp, "CN=mote-provision-test");
        String x509Name = "x509-" + UUID.randomUUID();
        JsonNode x509 = provision(request(x509Name, key, "s").put("credentialsType", "X509_CERTIFICATE").put("hash", pem));
        assertStatus(x509, "SUCCESS");
        assertThat(x509.get("credentialsType").asString()).isEqualTo("X509_CERTIFICATE");
        assertThat(x509.get("credentialsValue").asString()).isEqualTo(pem.trim());
        assertThat(tenant.get("/api/device/" + Api.id(deviceByName(tenant, x509Name)) + "/credentials").ok()
                .get("credentialsType").asString()).isEqualTo("X509_CERTIFICATE");
        // A certificate that is not one, or none at all.
        assertStatus(provision(request("x509-bad-" + UUID.randomUUID(), key, "s")
                .put("credentialsType", "X509_CERTIFICATE").put("hash", "not a certificate")), "FAILURE");
        assertStatus(provision(request("x509-none-" + UUID.randomUUID(), key, "s")
                .put("credentialsType", "X509_CERTIFICATE")), "FAILURE");
        // The failures created nothing.
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt()).isEqualTo(2);
    }

    @Test
    void checkPreProvisionedDevicesHandsOutCredentialsOnce() {
        Api tenant = anon.newTenant();
        String key = key();
        String profileId = profile(tenant, "CHECK_PRE_PROVISIONED_DEVICES", key, "pre-secret");
        String name = "pre-" + UUID.randomUUID();
        String token = "pre-token-" + UUID.randomUUID();
        ObjectNode device = Json.object().put("name", name);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String deviceId = Api.id(tenant.post("/api/device?accessToken=" + token, device).ok());

        JsonNode answer = provision(request(name, key, "pre-secret"));
        assertStatus(answer, "SUCCESS");
        assertThat(answer.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
        assertThat(answer.get("credentialsValue").asString()).isEqualTo(token);
        assertThat(provisionState(tenant, deviceId)).isEqualTo("provisioned");
        assertThat(telemetry(token)).isEqualTo(200);

        // Once only.
        assertStatus(provision(request(name, key, "pre-secret")), "FAILURE");
        // A device that does not exist is not created.
        String missing = "missing-" + UUID.randomUUID();
        assertStatus(provision(request(missing, key, "pre-secret")), "FAILURE");
        assertThat(tenant.get("/api/tenant/devices?deviceName=" + missing).status()).isEqualTo(404);
        assertStatus(provision(Json.object().put("provisionDeviceKey", key).put("provisionDeviceSecret", "pre-secret")),
                "FAILURE");
        // A device of another profile does not count.
        String otherName = "other-profile-" + UUID.randomUUID();
        tenant.createDevice(otherName, "tok-" + UUID.randomUUID());
        assertStatus(provision(request(otherName, key, "pre-secret")), "FAILURE");
    }

    @Test
    void preProvisionedDeviceTakesRequestedCredentials() {
        Api tenant = anon.newTenant();
        String key = key();
        String profileId = profile(tenant, "CHECK_PRE_PROVISIONED_DEVICES", key, "s");
        String name = "pre-" + UUID.randomUUID();
        String oldToken = "old-" + UUID.randomUUID();
        ObjectNode device = Json.object().put("name", name);
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String deviceId = Api.id(tenant.post("/api/device?accessToken=" + oldToken, device).ok());
        assertThat(telemetry(oldToken)).isEqualTo(200);

        // Credentials that are taken fail and leave the device unprovisioned.
        String taken = "taken-" + UUID.randomUUID();
        tenant.createDevice("holder-" + UUID.randomUUID(), taken);
        assertStatus(provision(request(name, key, "s").put("token", taken)), "FAILURE");
        assertThat(provisionState(tenant, deviceId)).isNull();

        String newToken = "new-" + UUID.randomUUID();
        JsonNode answer = provision(request(name, key, "s").put("credentialsType", "ACCESS_TOKEN").put("token", newToken));
        assertStatus(answer, "SUCCESS");
        assertThat(answer.get("credentialsValue").asString()).isEqualTo(newToken);
        assertThat(telemetry(newToken)).isEqualTo(200);
        assertThat(telemetry(oldToken)).isEqualTo(401);
    }

    @Test
    void wrongKeyOrSecretOrDisabledIsNotFound() {
        Api tenant = anon.newTenant();
        String key = key();
        String profileId = profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "right");
        String name = "nf-" + UUID.randomUUID();

        assertStatus(provision(request(name, key(), "right")), "NOT_FOUND");
        assertStatus(provision(request(name, key, "wrong")), "NOT_FOUND");
        assertStatus(provision(request(name, key, "")), "NOT_FOUND");
        assertStatus(provision(Json.object().put("deviceName", name).put("provisionDeviceKey", key)), "NOT_FOUND");
        assertStatus(provision(Json.object().put("deviceName", name).put("provisionDeviceSecret", "right")), "NOT_FOUND");
        assertThat(tenant.get("/api/tenant/devices?deviceName=" + name).status()).isEqualTo(404);

        // Switching the profile to DISABLED retires its key and secret.
        ObjectNode p = (ObjectNode) tenant.get("/api/deviceProfile/" + profileId).ok().deepCopy();
        p.remove("provisionType");
        ((ObjectNode) p.get("profileData").get("provisionConfiguration")).put("type", "DISABLED");
        JsonNode disabled = tenant.post("/api/deviceProfile", p).ok();
        assertThat(disabled.get("provisionType").asString()).isEqualTo("DISABLED");
        assertThat(disabled.get("provisionDeviceKey").isNull()).isTrue();
        assertThat(disabled.get("profileData").get("provisionConfiguration").get("provisionDeviceSecret").isNull()).isTrue();
        assertStatus(provision(request(name, key, "right")), "NOT_FOUND");
        assertThat(tenant.get("/api/tenant/devices?deviceName=" + name).status()).isEqualTo(404);

        // The key is free again for another profile, even of another tenant.
        anon.newTenant().post("/api/deviceProfile", Json.object().put("name", "again").put("provisionDeviceKey", key)
                .set("profileData", Json.object().set("provisionConfiguration", Json.object()
                        .put("type", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceSecret", "x")))).ok();
    }

    @Test
    void provisionKeysAreUniqueAcrossProfilesAndTenants() {
        Api tenant = anon.newTenant();
        String key = key();
        profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "a");
        ObjectNode dup = Json.object().put("name", "dup-" + UUID.randomUUID()).put("provisionDeviceKey", key);
        dup.putObject("profileData").putObject("provisionConfiguration")
                .put("type", "CHECK_PRE_PROVISIONED_DEVICES").put("provisionDeviceSecret", "b");
        Api.Res r = tenant.post("/api/deviceProfile", dup);
        assertError(r, 400);
        assertThat(r.json().get("message").asString()).isEqualTo("Device profile with such provision device key already exists!");
        assertError(anon.newTenant().post("/api/deviceProfile", dup), 400);
    }

    @Test
    void customerUsersDoNotSeeProvisionSecrets() {
        Api tenant = anon.newTenant();
        String profileId = profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key(), "hidden");
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C")).ok());
        Api user = tenant.newCustomerUser(customerId);
        assertError(user.get("/api/deviceProfile/" + profileId), 403);
        assertError(user.get("/api/deviceProfiles?pageSize=10&page=0"), 403);
        JsonNode info = user.get("/api/deviceProfileInfo/" + profileId).ok();
        assertThat(info.toString()).doesNotContain("hidden");
        assertThat(user.get("/api/deviceProfileInfos?pageSize=10&page=0").ok().toString()).doesNotContain("hidden");
        assertThat(tenant.get("/api/deviceProfile/" + profileId).ok().get("profileData")
                .get("provisionConfiguration").get("provisionDeviceSecret").asString()).isEqualTo("hidden");
    }

    @Test
    void badInputIsRefused() {
        Api tenant = anon.newTenant();
        String key = key();
        profile(tenant, "ALLOW_CREATE_NEW_DEVICES", key, "s");
        String name = "bad-" + UUID.randomUUID();
        String valid = Json.write(request(name, key, "s"));
        for (String body : List.of("", "{", "not json", "[]", "42", "\"x\"", "null",
                valid.replace("\"" + name + "\"", "5"),
                valid.replace("\"s\"", "{\"secret\":1}"),
                valid.replace("}", ",\"credentialsType\":\"PASSWORD\"}"),
                valid.replace("}", ",\"credentialsType\":\"LWM2M_CREDENTIALS\"}"),
                valid.replace("}", ",\"token\":[\"t\"]}"))) {
            assertError(anon.post("/api/v1/provision", body), 400);
        }
        assertError(anon.postBytes("/api/v1/provision", new byte[70_000]), 413);
        // None of it created a device; the valid request still works.
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt()).isZero();
        assertStatus(provision(request(name, key, "s")), "SUCCESS");
        // A device whose token is "provision" still reaches its own endpoints.
        tenant.createDevice("named-" + UUID.randomUUID(), "provision");
        assertThat(telemetry("provision")).isEqualTo(200);
    }
}
