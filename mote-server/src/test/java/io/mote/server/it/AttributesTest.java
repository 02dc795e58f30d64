package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.core.session.DeviceSessionRegistry;

/** Attributes in every scope, the device's attribute request, and the long-poll for shared updates. */
class AttributesTest {

    private final Api anon = TestServer.shared().api();
    private Api tenant;
    private String token;
    private String deviceId;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("attr");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
    }

    private String attrs(String rest) {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + rest;
    }

    @Test
    void everyScopeIsStoredAndReadBack() {
        anon.post("/api/v1/" + token + "/attributes", "{\"fw\":\"1.0\",\"battery\":97}").ok();
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"interval\":30,\"mode\":\"eco\"}").ok();
        tenant.post(attrs("/attributes/SERVER_SCOPE"), "{\"installed\":true}").ok();
        // The legacy path for device attributes.
        tenant.post("/api/plugins/telemetry/" + deviceId + "/SERVER_SCOPE", "{\"room\":\"12\"}").ok();

        JsonNode client = tenant.get(attrs("/values/attributes/CLIENT_SCOPE")).ok();
        assertThat(client).hasSize(2);
        JsonNode battery = find(client, "battery");
        assertThat(battery.get("value").asInt()).isEqualTo(97);
        assertThat(battery.get("lastUpdateTs").asLong()).isPositive();

        assertThat(tenant.get(attrs("/values/attributes/SHARED_SCOPE?keys=mode")).ok()).hasSize(1);
        // The device's state (active, lastActivityTime, ...) is kept as server attributes too: left out here.
        assertThat(withoutState(tenant.get(attrs("/values/attributes")).ok(), "key")).hasSize(6);
        assertThat(withoutState(tenant.get(attrs("/keys/attributes/SERVER_SCOPE")).ok(), null))
                .containsExactly("installed", "room");
        assertThat(withoutState(tenant.get(attrs("/keys/attributes")).ok(), null)).hasSize(6);

        // Client attributes come from the device only; a bad scope is refused.
        assertThat(tenant.post(attrs("/attributes/CLIENT_SCOPE"), "{\"x\":1}").status()).isEqualTo(400);
        assertThat(tenant.post(attrs("/attributes/NOPE"), "{\"x\":1}").status()).isEqualTo(400);

        tenant.delete(attrs("/SERVER_SCOPE?keys=room")).ok();
        tenant.delete("/api/plugins/telemetry/" + deviceId + "/SERVER_SCOPE?keys=installed").ok();
        assertThat(withoutState(tenant.get(attrs("/values/attributes/SERVER_SCOPE")).ok(), "key")).isEmpty();
    }

    @Test
    void deviceGetsOnlyWhatItAskedFor() {
        anon.post("/api/v1/" + token + "/attributes", "{\"c1\":1,\"c2\":\"two\"}").ok();
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"s1\":true,\"s2\":{\"n\":1}}").ok();

        JsonNode both = anon.get("/api/v1/" + token + "/attributes?clientKeys=c1&sharedKeys=s2").ok();
        assertThat(both.get("client").size()).isEqualTo(1);
        assertThat(both.get("client").get("c1").asInt()).isEqualTo(1);
        assertThat(both.get("shared").get("s2").get("n").asInt()).isEqualTo(1);

        JsonNode sharedOnly = anon.get("/api/v1/" + token + "/attributes?sharedKeys=s1").ok();
        assertThat(sharedOnly.has("client")).isFalse();
        assertThat(sharedOnly.get("shared").get("s1").asBoolean()).isTrue();

        JsonNode all = anon.get("/api/v1/" + token + "/attributes").ok();
        assertThat(all.get("client").size()).isEqualTo(2);
        assertThat(all.get("shared").size()).isEqualTo(2);

        assertThat(anon.get("/api/v1/nope/attributes").status()).isEqualTo(401);
        assertThat(anon.post("/api/v1/" + token + "/attributes", "[1,2]").status()).isEqualTo(400);
    }

    @Test
    void longPollIsAnsweredByASharedAttributeChange() throws Exception {
        CompletableFuture<HttpResponse<String>> poll = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(anon.base() + "/api/v1/" + token + "/attributes/updates?timeout=20000"))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        awaitSession();
        tenant.post(attrs("/attributes/SHARED_SCOPE"), "{\"target\":22.5}").ok();
        HttpResponse<String> r = poll.get(20, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(Json.MAPPER.readTree(r.body()).get("target").asDouble()).isEqualTo(22.5);

        // A deletion arrives as {"deleted":[..]}.
        poll = HttpClient.newHttpClient().sendAsync(
                HttpRequest.newBuilder(URI.create(anon.base() + "/api/v1/" + token + "/attributes/updates?timeout=20000"))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
        awaitSession();
        tenant.delete(attrs("/SHARED_SCOPE?keys=target")).ok();
        JsonNode deleted = Json.MAPPER.readTree(poll.get(20, TimeUnit.SECONDS).body());
        assertThat(deleted.get("deleted").get(0).asString()).isEqualTo("target");
    }

    @Test
    void longPollTimesOutWith408() {
        assertThat(anon.get("/api/v1/" + token + "/attributes/updates?timeout=500").status()).isEqualTo(408);
        assertThat(anon.get("/api/v1/unknown/attributes/updates?timeout=500").status()).isEqualTo(401);
    }

    /** Waits until the long-poll has registered its session, so the change is not sent before it listens. */
    private void awaitSession() throws InterruptedException {
        DeviceSessionRegistry registry = TestServer.shared().bean(DeviceSessionRegistry.class);
        UUID id = UUID.fromString(deviceId);
        for (int i = 0; i < 200 && !registry.isConnected(id); i++) {
            Thread.sleep(25);
        }
        assertThat(registry.isConnected(id)).as("long-poll session registered").isTrue();
    }

    private static JsonNode find(JsonNode array, String key) {
        for (JsonNode n : array) {
            if (n.get("key").asString().equals(key)) {
                return n;
            }
        }
        throw new AssertionError("no " + key + " in " + array);
    }

    private static final java.util.Set<String> STATE_KEYS = java.util.Set.of("active", "lastActivityTime",
            "lastConnectTime", "lastDisconnectTime", "inactivityAlarmTime");

    /** Names (or {@code field} of objects) of a JSON array, without the device-state keys. */
    private static java.util.List<String> withoutState(JsonNode array, String field) {
        java.util.List<String> out = new java.util.ArrayList<>();
        for (JsonNode n : array) {
            String k = field == null ? n.asString() : n.get(field).asString();
            if (!STATE_KEYS.contains(k)) {
                out.add(k);
            }
        }
        return out;
    }
}
