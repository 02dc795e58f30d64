package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;

/**
 * Hostile and malformed input on the entity API: every failure is a 4xx with the error body, text is
 * stored verbatim, and the server and its data survive.
 */
class BadInputTest {

    private final Api anon = TestServer.shared().api();

    private static void assertError(Api.Res r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        JsonNode err = r.json();
        assertThat(err.get("status").asInt()).as(r.text()).isEqualTo(status);
        assertThat(err.get("message").isString()).as(r.text()).isTrue();
        assertThat(err.get("message").asString()).as(r.text()).isNotBlank();
        assertThat(err.get("errorCode").isInt()).as(r.text()).isTrue();
        assertThat(err.get("timestamp").asLong()).as(r.text()).isPositive();
        assertThat(err.size()).as(r.text()).isEqualTo(4);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private Api.Res send(Api api, String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.base() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return api.send(b);
    }

    @Test
    void malformedBodiesAre400WithErrorBody() {
        Api tenant = anon.newTenant();
        String deviceId = Api.id(tenant.createDevice("existing", "tok-" + UUID.randomUUID()));
        List<String> bodies = List.of(
                "{\"name\":",
                "not json",
                "{\"name\":\"a\"}}",
                "[]",
                "\"a string\"",
                "42",
                "null",
                "",
                "{\"name\":{\"nested\":true}}",
                "{\"name\":[\"a\"]}",
                "{\"name\":\"x\",\"id\":\"not-an-object\"}",
                "{\"name\":\"x\",\"id\":{\"entityType\":\"DEVICE\"}}",
                "{\"name\":\"x\",\"id\":{\"entityType\":\"DEVICE\",\"id\":\"not-a-uuid\"}}",
                "{\"name\":\"x\",\"id\":{\"entityType\":\"BOGUS\",\"id\":\"" + deviceId + "\"}}",
                "{\"name\":\"x\",\"id\":null,\"deviceProfileId\":{\"entityType\":\"DEVICE_PROFILE\",\"id\":7}}",
                "{\"name\":\"x\",\"createdTime\":\"yesterday\"}",
                "{\"name\":\"x\",\"deviceData\":\"text\"}",
                "{\"name\":\"x\",\"deviceData\":{\"transportConfiguration\":{\"type\":\"MQTT\"}}}");
        for (String body : bodies) {
            assertError(tenant.post("/api/device", body), 400);
        }
        for (String path : List.of("/api/deviceProfile", "/api/customer", "/api/device/credentials",
                "/api/device-with-credentials", "/api/user")) {
            for (String body : List.of("{\"name\":", "not json", "[]", "null", "", "{\"id\":{\"entityType\":\"X\"}}")) {
                Api.Res r = tenant.post(path, body);
                assertThat(r.status()).as(path + " " + body + " -> " + r.text()).isEqualTo(400);
                assertError(r, 400);
            }
        }
        assertError(send(tenant, "POST", "/api/device", "text/plain", "{\"name\":\"plain\"}"), 415);
        assertError(send(tenant, "POST", "/api/device", null, "{\"name\":\"none\"}"), 415);
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(1);
    }

    @Test
    void hostileNamesAreStoredVerbatim() {
        Api tenant = anon.newTenant();
        List<String> names = List.of(
                "quote \" double",
                "quote ' single",
                "'; DROP TABLE device; --",
                "\"; DELETE FROM tenant; --",
                "Robert'); DROP TABLE device;--",
                "back\\slash \\\\ \\u0041",
                "percent % underscore _ star *",
                "unicode: Grüße, 温度计, Ελληνικά, עברית, 🌡️🔥",
                "  leading and trailing spaces  ",
                "tab\tand\nnewline",
                "<script>alert(1)</script>",
                "x".repeat(255));
        for (String name : names) {
            JsonNode created = tenant.post("/api/device", Json.object().put("name", name).put("label", name)).ok();
            assertThat(created.get("name").asString()).isEqualTo(name);
            JsonNode read = tenant.get("/api/device/" + Api.id(created)).ok();
            assertThat(read.get("name").asString()).isEqualTo(name);
            assertThat(read.get("label").asString()).isEqualTo(name);
            assertThat(Api.id(tenant.get("/api/tenant/devices?deviceName=" + enc(name)).ok()))
                    .isEqualTo(Api.id(created));
        }
        JsonNode all = tenant.get("/api/tenant/devices?pageSize=100&page=0").ok();
        assertThat(all.get("totalElements").asInt()).isEqualTo(names.size());
        // Text search treats quotes and SQL as text.
        JsonNode found = tenant.get("/api/tenant/devices?pageSize=100&page=0&textSearch=" + enc("DROP TABLE")).ok();
        assertThat(found.get("totalElements").asInt()).isEqualTo(2);
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0&textSearch=" + enc("温度")).ok()
                .get("data").get(0).get("name").asString()).isEqualTo(names.get(7));

        // The same holds for customers and profiles.
        for (String title : List.of("'; DROP TABLE customer; --", "Кастомер \"№1\" 🚀")) {
            JsonNode c = tenant.post("/api/customer", Json.object().put("title", title).put("city", title)).ok();
            JsonNode read = tenant.get("/api/customer/" + Api.id(c)).ok();
            assertThat(read.get("title").asString()).isEqualTo(title);
            assertThat(read.get("city").asString()).isEqualTo(title);
            JsonNode p = tenant.post("/api/deviceProfile", Json.object().put("name", title).put("description", title))
                    .ok();
            assertThat(tenant.get("/api/deviceProfile/" + Api.id(p)).ok().get("name").asString()).isEqualTo(title);
        }
    }

    @Test
    void nulCharactersAndOverlongTextAre400() {
        Api tenant = anon.newTenant();
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "c")).ok());
        List<ObjectNode> devices = List.of(
                Json.object().put("name", "nul\u0000name"),
                Json.object().put("name", "\u0000"),
                Json.object().put("name", "ok").put("label", "nul\u0000label"),
                Json.object().put("name", "ok").put("type", "nul\u0000type"),
                Json.object().put("name", "x".repeat(300)),
                Json.object().put("name", "x".repeat(256)),
                Json.object().put("name", "ok").put("label", "x".repeat(300)),
                Json.object().put("name", "ok").put("type", "x".repeat(300)),
                Json.object().put("name", ""),
                Json.object().put("name", "   "),
                Json.object().put("label", "no name"));
        for (ObjectNode d : devices) {
            assertError(tenant.post("/api/device", d), 400);
        }
        assertError(tenant.post("/api/device?accessToken=" + enc("tok\u0000nul"), Json.object().put("name", "t")),
                400);

        List<ObjectNode> customers = List.of(
                Json.object().put("title", "nul\u0000title"),
                Json.object().put("title", "x".repeat(300)),
                Json.object().put("title", "ok").put("city", "nul\u0000city"),
                Json.object().put("title", "ok").put("country", "x".repeat(300)),
                Json.object().put("title", "ok").put("address", "nul\u0000address"),
                Json.object().put("title", "ok").put("phone", "x".repeat(300)));
        for (ObjectNode c : customers) {
            assertError(tenant.post("/api/customer", c), 400);
        }
        List<ObjectNode> profiles = List.of(
                Json.object().put("name", "nul\u0000profile"),
                Json.object().put("name", "x".repeat(300)),
                Json.object().put("name", "ok").put("description", "nul\u0000description"),
                Json.object().put("name", "ok").put("image", "nul\u0000image"),
                Json.object().put("name", "ok").put("defaultQueueName", "x".repeat(300)));
        for (ObjectNode p : profiles) {
            assertError(tenant.post("/api/deviceProfile", p), 400);
        }
        ObjectNode user = Json.object().put("email", "nul\u0000@example.com").put("authority", "CUSTOMER_USER")
                .put("firstName", "n");
        user.putObject("customerId").put("entityType", "CUSTOMER").put("id", customerId);
        assertError(tenant.post("/api/user", user), 400);
        user.put("email", "fine-" + UUID.randomUUID() + "@example.com").put("firstName", "nul\u0000first");
        assertError(tenant.post("/api/user", user), 400);
        user.put("firstName", "x".repeat(300));
        assertError(tenant.post("/api/user", user), 400);

        // NUL inside JSON documents is escaped by JSON and stored fine.
        ObjectNode withInfo = Json.object().put("name", "info");
        withInfo.putObject("additionalInfo").put("note", "a\u0000b");
        JsonNode stored = tenant.post("/api/device", withInfo).ok();
        assertThat(tenant.get("/api/device/" + Api.id(stored)).ok().get("additionalInfo").get("note").asString())
                .isEqualTo("a\u0000b");

        // Nothing but the last device and the customer was created.
        assertThat(tenant.get("/api/tenant/devices?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(1);
        assertThat(tenant.get("/api/customers?pageSize=100&page=0").ok().get("totalElements").asInt()).isEqualTo(1);
        assertThat(tenant.get("/api/deviceProfiles?pageSize=100&page=0").ok().get("totalElements").asInt())
                .isEqualTo(1);
    }

    @Test
    void badPathsAndMethods() {
        Api tenant = anon.newTenant();
        for (String path : List.of("/api/device/not-a-uuid", "/api/device/123", "/api/device/%27%3B--",
                "/api/deviceProfile/xyz", "/api/deviceProfileInfo/xyz", "/api/customer/1/devices?pageSize=1&page=0",
                "/api/device/not-a-uuid/credentials", "/api/plugins/telemetry/DEVICE/abc/values/timeseries",
                "/api/user/nope")) {
            assertError(tenant.get(path), 400);
        }
        assertError(tenant.delete("/api/device/not-a-uuid"), 400);
        assertError(tenant.post("/api/customer/abc/device/def", ""), 400);
        assertError(tenant.get("/api/plugins/telemetry/GADGET/" + UUID.randomUUID() + "/values/timeseries"), 400);

        for (String path : List.of("/api/nothing-here", "/api/device/" + UUID.randomUUID() + "/nothing",
                "/api/tenant/devices/extra/segments", "/nothing")) {
            Api.Res r = tenant.get(path);
            assertThat(r.status()).as(path + " -> " + r.text()).isEqualTo(404);
            assertError(r, 404);
        }
        assertError(tenant.get("/api/device/" + UUID.randomUUID()), 404);
        // Without a token an unknown API path is still 401.
        assertThat(anon.get("/api/nothing-here").status()).isEqualTo(401);

        assertError(send(tenant, "PUT", "/api/device", "application/json", "{\"name\":\"put\"}"), 405);
        assertError(send(tenant, "PATCH", "/api/device/" + UUID.randomUUID(), "application/json", "{}"), 405);
        assertError(tenant.get("/api/device"), 405);
        assertError(tenant.delete("/api/device-with-credentials"), 405);
        assertError(tenant.get("/api/device-with-credentials"), 405);
        assertError(tenant.post("/api/tenant/devices", "{}"), 405);
    }

    @Test
    void serverSurvivesAndDataIsIntact() {
        Api tenant = anon.newTenant();
        String token = "keep-" + UUID.randomUUID();
        JsonNode keep = tenant.createDevice("'; DROP TABLE device; --", token);
        anon.post("/api/v1/" + token + "/telemetry", "{\"temperature\":21}").ok();

        // A barrage of bad requests.
        for (int i = 0; i < 20; i++) {
            tenant.post("/api/device", "{\"name\":");
            tenant.post("/api/device", Json.object().put("name", "bad\u0000" + i));
            tenant.post("/api/device", Json.object().put("name", "y".repeat(300 + i)));
            tenant.get("/api/device/garbage-" + i);
            tenant.get("/api/tenant/devices?pageSize=10&page=0&sortProperty=name;DROP%20TABLE%20device");
            tenant.get("/api/tenant/devices?pageSize=10&page=0&textSearch=" + enc("'%_\\" + i));
            anon.post("/api/v1/" + token + "/telemetry", "{\"t\":");
        }

        assertThat(tenant.get("/api/device/" + Api.id(keep)).ok()).isEqualTo(keep);
        JsonNode page = tenant.get("/api/tenant/devices?pageSize=100&page=0").ok();
        assertThat(page.get("totalElements").asInt()).isEqualTo(1);
        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + Api.id(keep) + "/values/timeseries").ok()
                .get("temperature").get(0).get("value").asString()).isEqualTo("21");
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"temperature\":22}").status()).isEqualTo(200);
        tenant.post("/api/device", Json.object().put("name", "after")).ok();
        assertThat(anon.sysadmin().get("/api/tenants?pageSize=1&page=0").ok().get("totalElements").asInt())
                .isPositive();
    }
}
