package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** Device profiles: the default profile, create, update, switch default, provisioning keys, delete rules. */
class DeviceProfileTest {

    private final Api anon = TestServer.shared().api();

    private static void assertBadRequest(Api.Res r, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().get("status").asInt()).isEqualTo(400);
        if (message != null) {
            assertThat(r.json().get("message").asString()).isEqualTo(message);
        }
    }

    private static ObjectNode profile(String name) {
        ObjectNode p = Json.object().put("name", name).put("type", "DEFAULT").put("transportType", "DEFAULT");
        p.putObject("profileData").putObject("transportConfiguration").put("type", "DEFAULT");
        return p;
    }

    private static ObjectNode provisioned(String name, String key, String secret) {
        ObjectNode p = profile(name);
        p.put("provisionType", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceKey", key);
        ((ObjectNode) p.get("profileData")).putObject("provisionConfiguration")
                .put("type", "ALLOW_CREATE_NEW_DEVICES").put("provisionDeviceSecret", secret);
        return p;
    }

    private static List<JsonNode> defaults(Api tenant) {
        List<JsonNode> out = new ArrayList<>();
        tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok().get("data").forEach(p -> {
            if (p.get("default").asBoolean()) {
                out.add(p);
            }
        });
        return out;
    }

    @Test
    void newTenantHasExactlyOneDefaultProfile() {
        Api tenant = anon.newTenant();
        JsonNode info = tenant.get("/api/deviceProfileInfo/default").ok();
        assertThat(info.get("name").asString()).isEqualTo("default");
        assertThat(info.get("id").get("entityType").asString()).isEqualTo("DEVICE_PROFILE");
        assertThat(info.get("type").asString()).isEqualTo("DEFAULT");
        assertThat(info.get("transportType").asString()).isEqualTo("DEFAULT");
        String tenantId = tenant.get("/api/auth/user").ok().get("tenantId").get("id").asString();
        assertThat(info.get("tenantId").get("id").asString()).isEqualTo(tenantId);

        JsonNode list = tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok();
        assertThat(list.get("totalElements").asInt()).isEqualTo(1);
        JsonNode full = list.get("data").get(0);
        assertThat(full.get("default").asBoolean()).isTrue();
        assertThat(full.get("provisionType").asString()).isEqualTo("DISABLED");
        assertThat(full.get("profileData").get("configuration").get("type").asString()).isEqualTo("DEFAULT");
        assertThat(full.get("profileData").get("transportConfiguration").get("type").asString()).isEqualTo("DEFAULT");
        assertThat(tenant.get("/api/deviceProfile/" + Api.id(info)).ok()).isEqualTo(full);
    }

    @Test
    void createUpdateAndSwitchDefault() {
        Api tenant = anon.newTenant();
        String oldDefault = Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
        JsonNode created = tenant.post("/api/deviceProfile", profile("thermostats").put("description", "T")).ok();
        assertThat(created.get("id").get("entityType").asString()).isEqualTo("DEVICE_PROFILE");
        assertThat(created.get("name").asString()).isEqualTo("thermostats");
        assertThat(created.get("description").asString()).isEqualTo("T");
        assertThat(created.get("default").asBoolean()).isFalse();
        assertThat(created.get("transportType").asString()).isEqualTo("DEFAULT");
        assertThat(created.get("provisionType").asString()).isEqualTo("DISABLED");
        assertThat(created.get("profileData").get("configuration").get("type").asString()).isEqualTo("DEFAULT");
        assertThat(created.get("profileData").get("provisionConfiguration").get("type").asString())
                .isEqualTo("DISABLED");
        String id = Api.id(created);

        // A client cannot make a profile default by saving it with "default": true.
        ObjectNode update = (ObjectNode) created.deepCopy();
        update.put("description", "Thermostats").put("default", true);
        JsonNode updated = tenant.post("/api/deviceProfile", update).ok();
        assertThat(Api.id(updated)).isEqualTo(id);
        assertThat(updated.get("createdTime").asLong()).isEqualTo(created.get("createdTime").asLong());
        assertThat(updated.get("description").asString()).isEqualTo("Thermostats");
        assertThat(updated.get("default").asBoolean()).isFalse();

        JsonNode switched = tenant.post("/api/deviceProfile/" + id + "/default", "").ok();
        assertThat(switched.get("default").asBoolean()).isTrue();
        assertThat(Api.id(tenant.get("/api/deviceProfileInfo/default").ok())).isEqualTo(id);
        assertThat(tenant.get("/api/deviceProfile/" + oldDefault).ok().get("default").asBoolean()).isFalse();
        assertThat(defaults(tenant)).extracting(Api::id).containsExactly(id);

        // A device created without a type now gets the new default profile.
        JsonNode device = tenant.post("/api/device", Json.object().put("name", "d1")).ok();
        assertThat(device.get("deviceProfileId").get("id").asString()).isEqualTo(id);
        assertThat(device.get("type").asString()).isEqualTo("thermostats");

        // Saving the default profile with "default": false does not leave the tenant without one.
        ObjectNode demote = (ObjectNode) tenant.get("/api/deviceProfile/" + id).ok().deepCopy();
        demote.put("default", false);
        assertThat(tenant.post("/api/deviceProfile", demote).ok().get("default").asBoolean()).isTrue();
        assertThat(defaults(tenant)).extracting(Api::id).containsExactly(id);

        // Switching back, and switching to the current default, both work.
        tenant.post("/api/deviceProfile/" + oldDefault + "/default", "").ok();
        tenant.post("/api/deviceProfile/" + oldDefault + "/default", "").ok();
        assertThat(defaults(tenant)).extracting(Api::id).containsExactly(oldDefault);
        assertThat(tenant.post("/api/deviceProfile/" + UUID.randomUUID() + "/default", "").status()).isEqualTo(404);
    }

    @Test
    void duplicateNameIsRejected() {
        Api tenant = anon.newTenant();
        assertBadRequest(tenant.post("/api/deviceProfile", profile("default")),
                "Device profile with such name already exists!");
        tenant.post("/api/deviceProfile", profile("dup")).ok();
        assertBadRequest(tenant.post("/api/deviceProfile", profile("dup")),
                "Device profile with such name already exists!");
        ObjectNode other = (ObjectNode) tenant.post("/api/deviceProfile", profile("other")).ok().deepCopy();
        other.put("name", "dup");
        assertBadRequest(tenant.post("/api/deviceProfile", other), "Device profile with such name already exists!");
        // A name that happens to spell a column is still a duplicate name.
        tenant.post("/api/deviceProfile", profile("provision_device_key")).ok();
        assertBadRequest(tenant.post("/api/deviceProfile", profile("provision_device_key")),
                "Device profile with such name already exists!");
        // Names are per tenant.
        anon.newTenant().post("/api/deviceProfile", profile("dup")).ok();
    }

    @Test
    void transportConfigurationIsChecked() {
        Api tenant = anon.newTenant();
        ObjectNode unknown = profile("p1");
        ((ObjectNode) unknown.get("profileData").get("transportConfiguration")).put("type", "CARRIER_PIGEON");
        assertBadRequest(tenant.post("/api/deviceProfile", unknown), null);

        ObjectNode missingType = profile("p2");
        ((ObjectNode) missingType.get("profileData").get("transportConfiguration")).remove("type");
        assertBadRequest(tenant.post("/api/deviceProfile", missingType), null);

        ObjectNode notObject = profile("p3");
        ((ObjectNode) notObject.get("profileData")).put("transportConfiguration", "DEFAULT");
        assertBadRequest(tenant.post("/api/deviceProfile", notObject), null);

        ObjectNode mismatch = profile("p4").put("transportType", "MQTT");
        assertBadRequest(tenant.post("/api/deviceProfile", mismatch), null);

        assertBadRequest(tenant.post("/api/deviceProfile", profile("p5").put("transportType", "FAX")), null);
        assertBadRequest(tenant.post("/api/deviceProfile", profile("p6").put("type", "FANCY")), null);
        assertBadRequest(tenant.post("/api/deviceProfile", profile("p7").put("profileData", "x")), null);
        assertBadRequest(tenant.post("/api/deviceProfile", profile("")), null);

        // Without profileData the defaults are filled in.
        JsonNode bare = tenant.post("/api/deviceProfile", Json.object().put("name", "bare")).ok();
        assertThat(bare.get("profileData").get("transportConfiguration").get("type").asString()).isEqualTo("DEFAULT");
        assertThat(tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(2);
    }

    @Test
    void provisionDeviceKeyIsUniqueAcrossTenants() {
        Api tenant = anon.newTenant();
        String key = "key-" + UUID.randomUUID();
        JsonNode p = tenant.post("/api/deviceProfile", provisioned("prov", key, "secret-1")).ok();
        assertThat(p.get("provisionType").asString()).isEqualTo("ALLOW_CREATE_NEW_DEVICES");
        assertThat(p.get("provisionDeviceKey").asString()).isEqualTo(key);
        assertThat(p.get("profileData").get("provisionConfiguration").get("provisionDeviceSecret").asString())
                .isEqualTo("secret-1");

        assertBadRequest(tenant.post("/api/deviceProfile", provisioned("prov-2", key, "secret-2")),
                "Device profile with such provision device key already exists!");
        assertBadRequest(anon.newTenant().post("/api/deviceProfile", provisioned("prov", key, "secret-3")),
                "Device profile with such provision device key already exists!");

        // Key and secret are both required when provisioning is enabled.
        assertBadRequest(tenant.post("/api/deviceProfile", provisioned("prov-3", null, "s")), null);
        assertBadRequest(tenant.post("/api/deviceProfile", provisioned("prov-4", "key-" + UUID.randomUUID(), "")),
                null);

        // Updating the profile itself keeps its key.
        ObjectNode update = (ObjectNode) p.deepCopy();
        update.put("description", "updated");
        assertThat(tenant.post("/api/deviceProfile", update).ok().get("provisionDeviceKey").asString()).isEqualTo(key);
    }

    @Test
    void deleteRules() {
        Api tenant = anon.newTenant();
        String defaultId = Api.id(tenant.get("/api/deviceProfileInfo/default").ok());
        assertBadRequest(tenant.delete("/api/deviceProfile/" + defaultId),
                "Deletion of Default Device Profile is prohibited!");

        String used = Api.id(tenant.post("/api/deviceProfile", profile("used")).ok());
        ObjectNode device = Json.object().put("name", "uses-it");
        device.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", used);
        String deviceId = Api.id(tenant.post("/api/device", device).ok());
        assertBadRequest(tenant.delete("/api/deviceProfile/" + used),
                "The device profile referenced by the devices cannot be deleted!");
        tenant.delete("/api/device/" + deviceId).ok();
        tenant.delete("/api/deviceProfile/" + used).ok();

        String unused = Api.id(tenant.post("/api/deviceProfile", profile("unused")).ok());
        tenant.delete("/api/deviceProfile/" + unused).ok();
        assertThat(tenant.get("/api/deviceProfile/" + unused).status()).isEqualTo(404);
        assertThat(tenant.get("/api/deviceProfileInfo/" + unused).status()).isEqualTo(404);
        assertThat(tenant.delete("/api/deviceProfile/" + unused).status()).isEqualTo(404);
        assertThat(tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(1);
    }

    @Test
    void deviceTypeCreatesProfileOnDemand() {
        Api tenant = anon.newTenant();
        JsonNode d1 = tenant.post("/api/device", Json.object().put("name", "s1").put("type", "sensor")).ok();
        assertThat(d1.get("type").asString()).isEqualTo("sensor");
        JsonNode list = tenant.get("/api/deviceProfileInfos?pageSize=100&page=0&sortProperty=name").ok();
        assertThat(list.get("totalElements").asInt()).isEqualTo(2);
        JsonNode sensor = list.get("data").get(1);
        assertThat(sensor.get("name").asString()).isEqualTo("sensor");
        assertThat(d1.get("deviceProfileId").get("id").asString()).isEqualTo(Api.id(sensor));
        JsonNode full = tenant.get("/api/deviceProfile/" + Api.id(sensor)).ok();
        assertThat(full.get("default").asBoolean()).isFalse();
        assertThat(full.get("transportType").asString()).isEqualTo("DEFAULT");

        // A second device of the type reuses the profile.
        JsonNode d2 = tenant.post("/api/device", Json.object().put("name", "s2").put("type", "sensor")).ok();
        assertThat(d2.get("deviceProfileId")).isEqualTo(d1.get("deviceProfileId"));
        assertThat(tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(2);

        // A device that fails validation does not leave a new profile behind.
        assertThat(tenant.post("/api/device", Json.object().put("name", "s1").put("type", "ghost")).status())
                .isEqualTo(400);
        assertThat(tenant.get("/api/deviceProfiles?pageSize=100&page=0&textSearch=ghost").ok()
                .get("totalElements").asInt()).isZero();
    }
}
