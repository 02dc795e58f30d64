package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * Tenant and customer isolation: another tenant's entities answer 404 (ids reveal nothing), operations
 * above the caller's authority answer 403.
 */
class EntityIsolationTest {

    private static final String NOT_FOUND = "Requested item wasn't found!";

    private final Api anon = TestServer.shared().api();

    private static void assertNotFound(Api.Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(404);
        assertThat(r.json().get("message").asString()).isEqualTo(NOT_FOUND);
        assertThat(r.json().get("errorCode").asInt()).isEqualTo(32);
    }

    private static void assertForbidden(Api.Res r) {
        assertThat(r.status()).as(r.text()).isEqualTo(403);
        assertThat(r.json().get("errorCode").asInt()).isEqualTo(20);
    }

    private static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID();
    }

    private static ObjectNode ref(String type, String id) {
        return Json.object().put("entityType", type).put("id", id);
    }

    @Test
    void anotherTenantCannotReadForeignEntities() {
        Api a = anon.newTenant();
        Api b = anon.newTenant();
        String token = unique("tok");
        JsonNode device = a.createDevice(unique("dev"), token);
        String deviceId = Api.id(device);
        a.post("/api/v1/" + token + "/telemetry", "{\"temperature\":20}").ok();
        a.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SERVER_SCOPE", "{\"floor\":3}").ok();
        String profileId = Api.id(a.post("/api/deviceProfile", Json.object().put("name", unique("prof"))).ok());
        String customerId = Api.id(a.post("/api/customer", Json.object().put("title", unique("cust"))).ok());

        assertNotFound(b.get("/api/device/" + deviceId));
        assertNotFound(b.get("/api/device/" + deviceId + "/credentials"));
        assertNotFound(b.get("/api/tenant/devices?deviceName=" + device.get("name").asString()));
        assertNotFound(b.get("/api/deviceProfile/" + profileId));
        assertNotFound(b.get("/api/deviceProfileInfo/" + profileId));
        assertNotFound(b.get("/api/customer/" + customerId));
        assertNotFound(b.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0"));
        assertNotFound(b.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries"));
        assertNotFound(b.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?keys=temperature"
                + "&startTs=0&endTs=" + Long.MAX_VALUE));
        assertNotFound(b.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/keys/timeseries"));
        assertNotFound(b.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes"));
        assertNotFound(b.get("/api/plugins/telemetry/CUSTOMER/" + customerId + "/values/attributes"));

        // Listings of B show nothing of A.
        JsonNode bDevices = b.get("/api/tenant/devices?pageSize=100&page=0").ok();
        assertThat(bDevices.get("totalElements").asInt()).isZero();
        JsonNode bProfiles = b.get("/api/deviceProfiles?pageSize=100&page=0").ok();
        assertThat(bProfiles.get("totalElements").asInt()).isEqualTo(1);
        assertThat(bProfiles.get("data").get(0).get("name").asString()).isEqualTo("default");
        assertThat(b.get("/api/customers?pageSize=100&page=0").ok().get("totalElements").asInt()).isZero();

        // A still sees everything.
        assertThat(a.get("/api/device/" + deviceId).ok().get("name").asString())
                .isEqualTo(device.get("name").asString());
        assertThat(a.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries").ok()
                .get("temperature").get(0).get("value").asString()).isEqualTo("20");
    }

    @Test
    void anotherTenantCannotModifyOrDeleteForeignEntities() {
        Api a = anon.newTenant();
        Api b = anon.newTenant();
        String token = unique("tok");
        JsonNode device = a.createDevice(unique("dev"), token);
        String deviceId = Api.id(device);
        JsonNode profile = a.post("/api/deviceProfile", Json.object().put("name", unique("prof"))).ok();
        String profileId = Api.id(profile);
        JsonNode customer = a.post("/api/customer", Json.object().put("title", unique("cust"))).ok();
        String customerId = Api.id(customer);
        JsonNode credentials = a.get("/api/device/" + deviceId + "/credentials").ok();

        // Updates carrying A's ids.
        ObjectNode deviceUpdate = (ObjectNode) device.deepCopy();
        deviceUpdate.put("label", "hijacked");
        assertNotFound(b.post("/api/device", deviceUpdate));
        ObjectNode profileUpdate = (ObjectNode) profile.deepCopy();
        profileUpdate.put("description", "hijacked");
        assertNotFound(b.post("/api/deviceProfile", profileUpdate));
        ObjectNode customerUpdate = (ObjectNode) customer.deepCopy();
        customerUpdate.put("title", "hijacked");
        assertNotFound(b.post("/api/customer", customerUpdate));
        ObjectNode credsUpdate = (ObjectNode) credentials.deepCopy();
        credsUpdate.put("credentialsId", unique("stolen"));
        assertNotFound(b.post("/api/device/credentials", credsUpdate));
        assertNotFound(b.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/ANY", "{\"x\":1}"));
        assertNotFound(b.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SERVER_SCOPE", "{\"x\":1}"));
        assertNotFound(b.post("/api/deviceProfile/" + profileId + "/default", ""));

        // Cross-tenant assignment, in both directions.
        String bDeviceId = Api.id(b.createDevice(unique("dev"), unique("tok")));
        String bCustomerId = Api.id(b.post("/api/customer", Json.object().put("title", unique("cust"))).ok());
        assertNotFound(b.post("/api/customer/" + customerId + "/device/" + bDeviceId, ""));
        assertNotFound(b.post("/api/customer/" + bCustomerId + "/device/" + deviceId, ""));
        assertNotFound(b.delete("/api/customer/device/" + deviceId));

        // A device of B cannot use A's profile.
        ObjectNode withForeignProfile = Json.object().put("name", unique("dev"));
        withForeignProfile.set("deviceProfileId", ref("DEVICE_PROFILE", profileId));
        Api.Res r = b.post("/api/device", withForeignProfile);
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("message").asString())
                .isEqualTo("Device profile is referencing a non-existent device profile!");

        // A customer user of B cannot be created in A's customer.
        ObjectNode user = Json.object().put("email", unique("u") + "@example.com").put("authority", "CUSTOMER_USER");
        user.set("customerId", ref("CUSTOMER", customerId));
        assertNotFound(b.post("/api/user", user));

        // Deletes.
        assertNotFound(b.delete("/api/device/" + deviceId));
        assertNotFound(b.delete("/api/deviceProfile/" + profileId));
        assertNotFound(b.delete("/api/customer/" + customerId));
        assertNotFound(b.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/delete?keys=x"
                + "&deleteAllDataForKeys=true"));

        // Nothing of A changed.
        JsonNode after = a.get("/api/device/" + deviceId).ok();
        assertThat(after.get("label").isNull()).isTrue();
        assertThat(after.get("customerId").get("id").asString()).isEqualTo("13814000-1dd2-11b2-8080-808080808080");
        assertThat(a.get("/api/deviceProfile/" + profileId).ok().get("description").isNull()).isTrue();
        assertThat(a.get("/api/deviceProfileInfo/default").ok().get("name").asString()).isEqualTo("default");
        assertThat(a.get("/api/customer/" + customerId).ok().get("title").asString())
                .isEqualTo(customer.get("title").asString());
        assertThat(a.get("/api/device/" + deviceId + "/credentials").ok().get("credentialsId").asString())
                .isEqualTo(token);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"t\":1}").status()).isEqualTo(200);
        // Only the device's own state (active, lastActivityTime, ...) is among its attributes.
        assertThat(a.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes").ok())
                .allMatch(attr -> java.util.Set.of("active", "lastActivityTime", "lastConnectTime", "lastDisconnectTime")
                        .contains(attr.get("key").asString()));
    }

    @Test
    void customerUserSeesOnlyDevicesAssignedToItsCustomer() {
        Api tenant = anon.newTenant();
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", unique("cust"))).ok());
        String otherCustomerId = Api.id(tenant.post("/api/customer", Json.object().put("title", unique("cust"))).ok());
        String assignedToken = unique("tok");
        String assigned = Api.id(tenant.createDevice(unique("assigned"), assignedToken));
        String unassigned = Api.id(tenant.createDevice(unique("unassigned"), unique("tok")));
        String others = Api.id(tenant.createDevice(unique("others"), unique("tok")));
        JsonNode assignedJson = tenant.post("/api/customer/" + customerId + "/device/" + assigned, "").ok();
        assertThat(assignedJson.get("customerId").get("id").asString()).isEqualTo(customerId);
        assertThat(assignedJson.get("customerId").get("entityType").asString()).isEqualTo("CUSTOMER");
        tenant.post("/api/customer/" + otherCustomerId + "/device/" + others, "").ok();
        anon.post("/api/v1/" + assignedToken + "/telemetry", "{\"temperature\":7}").ok();

        Api user = tenant.newCustomerUser(customerId);
        JsonNode me = user.get("/api/auth/user").ok();
        assertThat(me.get("authority").asString()).isEqualTo("CUSTOMER_USER");
        assertThat(me.get("customerId").get("id").asString()).isEqualTo(customerId);

        JsonNode page = user.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0").ok();
        assertThat(page.get("totalElements").asInt()).isEqualTo(1);
        assertThat(page.get("data")).hasSize(1);
        assertThat(Api.id(page.get("data").get(0))).isEqualTo(assigned);

        assertThat(user.get("/api/device/" + assigned).ok().get("name").asString()).startsWith("assigned-");
        assertThat(user.get("/api/plugins/telemetry/DEVICE/" + assigned + "/values/timeseries").ok()
                .get("temperature").get(0).get("value").asString()).isEqualTo("7");
        assertThat(user.get("/api/customer/" + customerId).ok().get("title").asString()).startsWith("cust-");
        assertNotFound(user.get("/api/device/" + unassigned));
        assertNotFound(user.get("/api/device/" + others));
        assertNotFound(user.get("/api/plugins/telemetry/DEVICE/" + unassigned + "/values/timeseries"));
        assertNotFound(user.get("/api/customer/" + otherCustomerId));
        assertNotFound(user.get("/api/customer/" + otherCustomerId + "/devices?pageSize=10&page=0"));

        // Above a customer user's authority.
        assertForbidden(user.post("/api/device", Json.object().put("name", unique("mine"))));
        assertForbidden(user.get("/api/tenant/devices?pageSize=10&page=0"));
        assertForbidden(user.delete("/api/device/" + assigned));
        assertForbidden(user.get("/api/device/" + assigned + "/credentials"));
        assertForbidden(user.post("/api/customer", Json.object().put("title", unique("cust"))));
        assertForbidden(user.post("/api/customer/" + customerId + "/device/" + unassigned, ""));
        assertForbidden(user.get("/api/tenants?pageSize=10&page=0"));
        assertThat(tenant.get("/api/device/" + assigned).ok().get("customerId").get("id").asString())
                .isEqualTo(customerId);

        // Once unassigned, the device is gone for the customer user.
        tenant.delete("/api/customer/device/" + assigned).ok();
        assertNotFound(user.get("/api/device/" + assigned));
        assertThat(user.get("/api/customer/" + customerId + "/devices?pageSize=10&page=0").ok()
                .get("totalElements").asInt()).isZero();
    }

    @Test
    void sysadminAndTenantAdminStayWithinTheirAuthority() {
        Api tenant = anon.newTenant();
        Api sys = anon.sysadmin();
        String deviceId = Api.id(tenant.createDevice(unique("dev"), unique("tok")));

        assertForbidden(sys.get("/api/tenant/devices?pageSize=10&page=0"));
        assertForbidden(sys.get("/api/device/" + deviceId));
        assertForbidden(sys.post("/api/device", Json.object().put("name", unique("dev"))));
        assertForbidden(sys.post("/api/customer", Json.object().put("title", unique("cust"))));

        assertForbidden(tenant.get("/api/tenants?pageSize=10&page=0"));
        assertForbidden(tenant.post("/api/tenant", Json.object().put("title", unique("tenant"))));
        String myTenantId = tenant.get("/api/auth/user").ok().get("tenantId").get("id").asString();
        assertForbidden(tenant.delete("/api/tenant/" + myTenantId));
        assertThat(tenant.get("/api/tenant/" + myTenantId).ok().get("id").get("id").asString()).isEqualTo(myTenantId);
        String otherTenantId = anon.newTenant().get("/api/auth/user").ok().get("tenantId").get("id").asString();
        assertNotFound(tenant.get("/api/tenant/" + otherTenantId));
        ObjectNode admin = Json.object().put("email", unique("a") + "@example.com").put("authority", "TENANT_ADMIN");
        admin.set("tenantId", ref("TENANT", otherTenantId));
        assertForbidden(tenant.post("/api/user", admin));

        // The sysadmin's listing still works and the device is untouched.
        assertThat(sys.get("/api/tenants?pageSize=1&page=0").ok().get("totalElements").asInt()).isPositive();
        assertThat(tenant.get("/api/device/" + deviceId).status()).isEqualTo(200);
    }
}
