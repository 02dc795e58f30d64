package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/** The device REST API: create, read, update, list, delete, customer assignment and the JSON shape. */
class DeviceApiRestTest {

    private static final String NULL_UUID = "13814000-1dd2-11b2-8080-808080808080";

    private final Api anon = TestServer.shared().api();

    private static List<String> names(JsonNode page) {
        List<String> out = new ArrayList<>();
        page.get("data").forEach(d -> out.add(d.get("name").asString()));
        return out;
    }

    private static void assertError(Api.Res r, int status, String message) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        if (message != null) {
            assertThat(r.json().get("message").asString()).isEqualTo(message);
        }
    }

    @Test
    void createdDeviceHasThingsBoardShape() {
        Api tenant = anon.newTenant();
        String tenantId = tenant.get("/api/auth/user").ok().get("tenantId").get("id").asString();
        String defaultProfileId = tenant.get("/api/deviceProfileInfo/default").ok().get("id").get("id").asString();
        long before = System.currentTimeMillis();
        JsonNode d = tenant.post("/api/device", Json.object().put("name", "shape-1").put("label", "Kitchen")).ok();
        long after = System.currentTimeMillis();

        assertThat(d.get("id").get("entityType").asString()).isEqualTo("DEVICE");
        assertThat(UUID.fromString(d.get("id").get("id").asString())).isNotNull();
        assertThat(d.get("createdTime").asLong()).isBetween(before, after);
        assertThat(d.get("tenantId").get("entityType").asString()).isEqualTo("TENANT");
        assertThat(d.get("tenantId").get("id").asString()).isEqualTo(tenantId);
        assertThat(d.get("customerId").get("entityType").asString()).isEqualTo("CUSTOMER");
        assertThat(d.get("customerId").get("id").asString()).isEqualTo(NULL_UUID);
        assertThat(d.get("name").asString()).isEqualTo("shape-1");
        assertThat(d.get("type").asString()).isEqualTo("default");
        assertThat(d.get("label").asString()).isEqualTo("Kitchen");
        assertThat(d.get("deviceProfileId").get("entityType").asString()).isEqualTo("DEVICE_PROFILE");
        assertThat(d.get("deviceProfileId").get("id").asString()).isEqualTo(defaultProfileId);
        assertThat(d.get("deviceData").get("configuration").get("type").asString()).isEqualTo("DEFAULT");
        assertThat(d.get("deviceData").get("transportConfiguration").get("type").asString()).isEqualTo("DEFAULT");

        // GET answers the same document.
        assertThat(tenant.get("/api/device/" + Api.id(d)).ok()).isEqualTo(d);
        assertThat(tenant.get("/api/tenant/devices?deviceName=shape-1").ok()).isEqualTo(d);
    }

    @Test
    void createWithAndWithoutAccessToken() {
        Api tenant = anon.newTenant();
        String token = "given-" + UUID.randomUUID();
        JsonNode withToken = tenant.post("/api/device?accessToken=" + token, Json.object().put("name", "a")).ok();
        JsonNode creds = tenant.get("/api/device/" + Api.id(withToken) + "/credentials").ok();
        assertThat(creds.get("credentialsType").asString()).isEqualTo("ACCESS_TOKEN");
        assertThat(creds.get("credentialsId").asString()).isEqualTo(token);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status()).isEqualTo(200);

        JsonNode generated = tenant.post("/api/device", Json.object().put("name", "b")).ok();
        String genToken = tenant.get("/api/device/" + Api.id(generated) + "/credentials").ok()
                .get("credentialsId").asString();
        assertThat(genToken).hasSize(20).matches("[A-Za-z0-9]+");
        assertThat(anon.post("/api/v1/" + genToken + "/telemetry", "{\"t\":1}").status()).isEqualTo(200);

        // The same token for a second device is refused and creates nothing.
        Api.Res dup = tenant.post("/api/device?accessToken=" + token, Json.object().put("name", "c"));
        assertError(dup, 400, "Device credentials are already assigned to another device!");
        assertThat(tenant.get("/api/tenant/devices?deviceName=c").status()).isEqualTo(404);
    }

    @Test
    void createWithCredentials() {
        Api tenant = anon.newTenant();
        String token = "wc-" + UUID.randomUUID();
        ObjectNode body = Json.object();
        body.putObject("device").put("name", "with-creds").put("label", "L");
        body.putObject("credentials").put("credentialsType", "ACCESS_TOKEN").put("credentialsId", token);
        JsonNode d = tenant.post("/api/device-with-credentials", body).ok();
        assertThat(d.get("name").asString()).isEqualTo("with-creds");
        assertThat(d.get("label").asString()).isEqualTo("L");
        JsonNode creds = tenant.get("/api/device/" + Api.id(d) + "/credentials").ok();
        assertThat(creds.get("credentialsId").asString()).isEqualTo(token);
        assertThat(creds.get("deviceId").get("id").asString()).isEqualTo(Api.id(d));
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status()).isEqualTo(200);

        // Invalid credentials leave no device behind.
        ObjectNode bad = Json.object();
        bad.putObject("device").put("name", "with-bad-creds");
        bad.putObject("credentials").put("credentialsType", "ACCESS_TOKEN").put("credentialsId", "");
        assertThat(tenant.post("/api/device-with-credentials", bad).status()).isEqualTo(400);
        assertThat(tenant.get("/api/tenant/devices?deviceName=with-bad-creds").status()).isEqualTo(404);

        ObjectNode noCreds = Json.object();
        noCreds.putObject("device").put("name", "no-creds");
        assertError(tenant.post("/api/device-with-credentials", noCreds), 400, "credentials should be specified!");
        ObjectNode noDevice = Json.object();
        noDevice.putObject("credentials").put("credentialsType", "ACCESS_TOKEN").put("credentialsId", "x1");
        assertError(tenant.post("/api/device-with-credentials", noDevice), 400, "device should be specified!");
    }

    @Test
    void updateKeepsIdentityAndToken() {
        Api tenant = anon.newTenant();
        String token = "upd-" + UUID.randomUUID();
        JsonNode d = tenant.createDevice("upd", token);
        ObjectNode change = (ObjectNode) d.deepCopy();
        change.put("label", "new label");
        JsonNode updated = tenant.post("/api/device", change).ok();
        assertThat(Api.id(updated)).isEqualTo(Api.id(d));
        assertThat(updated.get("createdTime").asLong()).isEqualTo(d.get("createdTime").asLong());
        assertThat(updated.get("label").asString()).isEqualTo("new label");
        assertThat(tenant.get("/api/device/" + Api.id(d)).ok().get("label").asString()).isEqualTo("new label");
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0").ok().get("totalElements").asInt())
                .isEqualTo(1);
        assertThat(tenant.get("/api/device/" + Api.id(d) + "/credentials").ok().get("credentialsId").asString())
                .isEqualTo(token);

        // Renaming works and is visible by name (from the updated device: the first one's version is stale).
        change.put("version", updated.get("version").asLong());
        change.put("name", "renamed");
        tenant.post("/api/device", change).ok();
        assertThat(Api.id(tenant.get("/api/tenant/devices?deviceName=renamed").ok())).isEqualTo(Api.id(d));
        assertThat(tenant.get("/api/tenant/devices?deviceName=upd").status()).isEqualTo(404);
    }

    @Test
    void aStaleVersionIsRefusedWithAConflict() {
        Api tenant = anon.newTenant();
        JsonNode created = tenant.createDevice("versioned", "ver-" + UUID.randomUUID());
        assertThat(created.get("version").asLong()).isEqualTo(1);
        ObjectNode first = (ObjectNode) created.deepCopy();
        first.put("label", "first");
        JsonNode saved = tenant.post("/api/device", first).ok();
        assertThat(saved.get("version").asLong()).isEqualTo(2);
        assertThat(tenant.get("/api/device/" + Api.id(created)).ok().get("version").asLong()).isEqualTo(2);

        // A second editor still holding version 1 loses: 409, ThingsBoard's VERSION_CONFLICT, nothing changed.
        ObjectNode stale = (ObjectNode) created.deepCopy();
        stale.put("label", "stale");
        Api.Res conflict = tenant.post("/api/device", stale);
        assertError(conflict, 409, null);
        assertThat(conflict.json().get("errorCode").asInt()).isEqualTo(35);
        assertThat(tenant.get("/api/device/" + Api.id(created)).ok().get("label").asString()).isEqualTo("first");

        // Without a version the save overwrites, as in ThingsBoard; assigning to a customer counts as a change.
        stale.remove("version");
        assertThat(tenant.post("/api/device", stale).ok().get("version").asLong()).isEqualTo(3);
        String customer = Api.id(tenant.post("/api/customer", Json.object().put("title", "Versions")).ok());
        assertThat(tenant.post("/api/customer/" + customer + "/device/" + Api.id(created), Json.object()).ok()
                .get("version").asLong()).isEqualTo(4);
    }

    @Test
    void duplicateNameIsRejected() {
        Api tenant = anon.newTenant();
        tenant.post("/api/device", Json.object().put("name", "twin")).ok();
        assertError(tenant.post("/api/device", Json.object().put("name", "twin")), 400,
                "Device with such name already exists!");
        // Renaming another device onto the name is refused too.
        ObjectNode other = (ObjectNode) tenant.post("/api/device", Json.object().put("name", "other")).ok().deepCopy();
        other.put("name", "twin");
        assertError(tenant.post("/api/device", other), 400, "Device with such name already exists!");
        assertThat(tenant.get("/api/device/" + Api.id(other)).ok().get("name").asString()).isEqualTo("other");
        // Another tenant may use the name.
        anon.newTenant().post("/api/device", Json.object().put("name", "twin")).ok();
    }

    @Test
    void pagingSortingAndFilters() {
        Api tenant = anon.newTenant();
        for (String n : List.of("alpha", "bravo", "charlie", "delta", "echo")) {
            tenant.post("/api/device", Json.object().put("name", n).put("type", n.equals("bravo") || n.equals("delta")
                    ? "sensor" : "default")).ok();
        }
        JsonNode p0 = tenant.get("/api/tenant/devices?pageSize=2&page=0").ok();
        JsonNode p1 = tenant.get("/api/tenant/devices?pageSize=2&page=1").ok();
        JsonNode p2 = tenant.get("/api/tenant/devices?pageSize=2&page=2").ok();
        JsonNode p3 = tenant.get("/api/tenant/devices?pageSize=2&page=3").ok();
        for (JsonNode p : List.of(p0, p1, p2, p3)) {
            assertThat(p.get("totalPages").asInt()).isEqualTo(3);
            assertThat(p.get("totalElements").asInt()).isEqualTo(5);
        }
        assertThat(p0.get("hasNext").asBoolean()).isTrue();
        assertThat(p1.get("hasNext").asBoolean()).isTrue();
        assertThat(p2.get("hasNext").asBoolean()).isFalse();
        assertThat(p3.get("hasNext").asBoolean()).isFalse();
        assertThat(p0.get("data")).hasSize(2);
        assertThat(p2.get("data")).hasSize(1);
        assertThat(p3.get("data")).isEmpty();
        List<String> all = new ArrayList<>();
        all.addAll(names(p0));
        all.addAll(names(p1));
        all.addAll(names(p2));
        assertThat(all).containsExactlyInAnyOrder("alpha", "bravo", "charlie", "delta", "echo");

        assertThat(names(tenant.get("/api/tenant/devices?pageSize=10&page=0&sortProperty=name&sortOrder=DESC").ok()))
                .containsExactly("echo", "delta", "charlie", "bravo", "alpha");
        assertThat(names(tenant.get("/api/tenant/devices?pageSize=10&page=0&sortProperty=name&sortOrder=ASC").ok()))
                .containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        assertThat(names(tenant.get("/api/tenant/devices?pageSize=2&page=1&sortProperty=name&sortOrder=DESC").ok()))
                .containsExactly("charlie", "bravo");

        JsonNode search = tenant.get("/api/tenant/devices?pageSize=10&page=0&textSearch=HAR").ok();
        assertThat(names(search)).containsExactly("charlie");
        assertThat(search.get("totalElements").asInt()).isEqualTo(1);
        // Wildcards in the search text are literal.
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0&textSearch=%25").ok()
                .get("totalElements").asInt()).isZero();
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0&textSearch=_").ok()
                .get("totalElements").asInt()).isZero();

        JsonNode sensors = tenant.get("/api/tenant/devices?pageSize=10&page=0&type=sensor&sortProperty=name").ok();
        assertThat(names(sensors)).containsExactly("bravo", "delta");
        assertThat(sensors.get("totalElements").asInt()).isEqualTo(2);
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0&type=nope").ok().get("totalElements").asInt())
                .isZero();

        assertThat(tenant.get("/api/tenant/devices?deviceName=delta").ok().get("type").asString()).isEqualTo("sensor");
        assertError(tenant.get("/api/tenant/devices?deviceName=zulu"), 404, "Requested item wasn't found!");

        assertError(tenant.get("/api/tenant/devices?pageSize=10&page=0&sortProperty=bogus"), 400, null);
        assertError(tenant.get("/api/tenant/devices?pageSize=10&page=0&sortProperty=name;DROP"), 400, null);
        assertError(tenant.get("/api/tenant/devices?pageSize=10&page=0&sortOrder=UP"), 400, null);
        assertError(tenant.get("/api/tenant/devices?pageSize=0&page=0"), 400, null);
        // What ThingsBoard REST clients send to list everything.
        JsonNode everything = tenant.get("/api/tenant/devices?pageSize=999999999&page=0&sortProperty=name").ok();
        assertThat(names(everything)).containsExactly("alpha", "bravo", "charlie", "delta", "echo");
        assertThat(everything.get("totalPages").asInt()).isEqualTo(1);
        assertThat(everything.get("hasNext").asBoolean()).isFalse();
        assertThat(tenant.get("/api/tenant/devices?pageSize=999999999&page=1").ok().get("data")).isEmpty();
        assertError(tenant.get("/api/tenant/devices?pageSize=10&page=-1"), 400, null);
        assertError(tenant.get("/api/tenant/devices?pageSize=10"), 400, null);
        assertError(tenant.get("/api/tenant/devices?pageSize=ten&page=0"), 400, null);
    }

    @Test
    void deleteRemovesDeviceAndItsToken() {
        Api tenant = anon.newTenant();
        String token = "del-" + UUID.randomUUID();
        String id = Api.id(tenant.createDevice("doomed", token));
        anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").ok();
        tenant.delete("/api/device/" + id).ok();
        assertError(tenant.get("/api/device/" + id), 404, "Requested item wasn't found!");
        assertError(tenant.get("/api/device/" + id + "/credentials"), 404, null);
        assertError(tenant.delete("/api/device/" + id), 404, null);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status()).isEqualTo(401);
        assertThat(tenant.get("/api/tenant/devices?pageSize=10&page=0").ok().get("totalElements").asInt()).isZero();
        // The name and the token are free again.
        tenant.createDevice("doomed", token);
    }

    @Test
    void assignAndUnassignCustomer() {
        Api tenant = anon.newTenant();
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "Acme")).ok());
        JsonNode d = tenant.post("/api/device", Json.object().put("name", "assignable")).ok();
        String id = Api.id(d);

        JsonNode assigned = tenant.post("/api/customer/" + customerId + "/device/" + id, "").ok();
        assertThat(assigned.get("customerId").get("id").asString()).isEqualTo(customerId);
        assertThat(tenant.get("/api/device/" + id).ok().get("customerId").get("id").asString()).isEqualTo(customerId);
        JsonNode list = tenant.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0").ok();
        assertThat(names(list)).containsExactly("assignable");

        // An update that omits the customer keeps the assignment (the assignment made a new version).
        ObjectNode change = (ObjectNode) d.deepCopy();
        change.put("version", assigned.get("version").asLong());
        change.put("label", "still assigned");
        tenant.post("/api/device", change).ok();
        assertThat(tenant.get("/api/device/" + id).ok().get("customerId").get("id").asString()).isEqualTo(customerId);

        JsonNode unassigned = tenant.delete("/api/customer/device/" + id).ok();
        assertThat(unassigned.get("customerId").get("entityType").asString()).isEqualTo("CUSTOMER");
        assertThat(unassigned.get("customerId").get("id").asString()).isEqualTo(NULL_UUID);
        assertThat(tenant.get("/api/device/" + id).ok().get("customerId").get("id").asString()).isEqualTo(NULL_UUID);
        assertThat(tenant.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0").ok()
                .get("totalElements").asInt()).isZero();
        assertError(tenant.delete("/api/customer/device/" + id), 400, "Device isn't assigned to any customer!");

        assertError(tenant.post("/api/customer/" + UUID.randomUUID() + "/device/" + id, ""), 404, null);
        assertError(tenant.post("/api/customer/" + customerId + "/device/" + UUID.randomUUID(), ""), 404, null);

        // Deleting the customer releases its devices.
        tenant.post("/api/customer/" + customerId + "/device/" + id, "").ok();
        tenant.delete("/api/customer/" + customerId).ok();
        assertThat(tenant.get("/api/device/" + id).ok().get("customerId").get("id").asString()).isEqualTo(NULL_UUID);
    }
}
