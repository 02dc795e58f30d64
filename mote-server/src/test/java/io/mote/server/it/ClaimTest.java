package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URLEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.id.EntityId;
import io.mote.common.json.Json;

/**
 * Claiming: the device asks to be claimed with a secret, a customer user claims it by name, the
 * device then belongs to the user's customer; wrong secrets, expiry, re-claiming and isolation.
 */
class ClaimTest {

    private final Api anon = TestServer.shared().api();

    /** A tenant with one device and one customer with a user. */
    private record Fixture(Api tenant, String token, String deviceId, String deviceName, String customerId, Api user) {
    }

    private Fixture fixture(String deviceName) {
        Api tenant = anon.newTenant();
        String token = "claim-" + UUID.randomUUID();
        String deviceId = Api.id(tenant.createDevice(deviceName, token));
        String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C " + UUID.randomUUID())).ok());
        return new Fixture(tenant, token, deviceId, deviceName, customerId, tenant.newCustomerUser(customerId));
    }

    private Fixture fixture() {
        return fixture("claimable-" + UUID.randomUUID());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private Api.Res deviceClaim(String token, String body) {
        return anon.post("/api/v1/" + token + "/claim", body);
    }

    private static Api.Res userClaim(Api user, String deviceName, String secret) {
        return user.post("/api/customer/device/" + enc(deviceName) + "/claim",
                secret == null ? "" : Json.write(Json.object().put("secretKey", secret)));
    }

    private static void assertClaimRefused(Api.Res r, String response) {
        assertThat(r.status()).as(r.text()).isEqualTo(400);
        assertThat(r.json().isString()).as(r.text()).isTrue();
        assertThat(r.json().asString()).isEqualTo(response);
    }

    private static void assertError(Api.Res r, int status) {
        assertThat(r.status()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("status").asInt()).as(r.text()).isEqualTo(status);
        assertThat(r.json().get("message").asString()).as(r.text()).isNotBlank();
    }

    private static String customerOf(Api tenant, String deviceId) {
        return tenant.get("/api/device/" + deviceId).ok().get("customerId").get("id").asString();
    }

    @Test
    void claimingAllowedLetsAnUnassignedDeviceBeClaimedByNameWithoutASecret() {
        Fixture f = fixture();
        // Without the attribute (or with it false) and without a claim request: nothing to claim.
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");
        f.tenant().post("/api/plugins/telemetry/DEVICE/" + f.deviceId() + "/attributes/SERVER_SCOPE",
                "{\"claimingAllowed\":false}").ok();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");
        f.tenant().post("/api/plugins/telemetry/DEVICE/" + f.deviceId() + "/attributes/SERVER_SCOPE",
                "{\"claimingAllowed\":\"true\"}").ok();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");

        f.tenant().post("/api/plugins/telemetry/DEVICE/" + f.deviceId() + "/attributes/SERVER_SCOPE",
                "{\"claimingAllowed\":true}").ok();
        JsonNode result = userClaim(f.user(), f.deviceName(), null).ok();
        assertThat(result.get("response").asString()).isEqualTo("SUCCESS");
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(f.customerId());
        // Once it has a customer it is claimed, whatever the attribute says.
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "CLAIMED");

        // A claim request the device did make still needs its secret.
        f.tenant().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").ok();
        assertThat(deviceClaim(f.token(), "{\"secretKey\":\"mine\"}").status()).isEqualTo(200);
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "wrong"), "FAILURE");
        // The failed try discarded the request: the attribute alone lets the device be claimed again.
        assertThat(userClaim(f.user(), f.deviceName(), null).ok().get("response").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void claimAssignsTheDeviceToTheUsersCustomer() {
        Fixture f = fixture();
        assertThat(deviceClaim(f.token(), "{\"secretKey\":\"s3cret\",\"durationMs\":60000}").status()).isEqualTo(200);

        Api.Res r = userClaim(f.user(), f.deviceName(), "s3cret");
        JsonNode result = r.ok();
        assertThat(result.get("response").asString()).isEqualTo("SUCCESS");
        assertThat(Api.id(result.get("device"))).isEqualTo(f.deviceId());
        assertThat(result.get("device").get("customerId").get("id").asString()).isEqualTo(f.customerId());

        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(f.customerId());
        JsonNode page = f.user().get("/api/customer/" + f.customerId() + "/devices?pageSize=10&page=0").ok();
        assertThat(page.get("data")).extracting(Api::id).containsExactly(f.deviceId());
        f.user().get("/api/device/" + f.deviceId()).ok();

        // Claimed once: a second claim, even with the right secret, answers CLAIMED.
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "s3cret"), "CLAIMED");
        // A claimed device cannot ask to be claimed again until it is released.
        assertError(deviceClaim(f.token(), "{\"secretKey\":\"again\"}"), 400);
    }

    @Test
    void wrongSecretFailsAndUsesUpTheClaim() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"right\"}").okText();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "wrong"), "FAILURE");
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");
        // The failed attempt used the claim up: the right secret no longer works ...
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "right"), "FAILURE");
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(EntityId.NULL_UUID.toString());
        // ... until the device asks again.
        deviceClaim(f.token(), "{\"secretKey\":\"right\"}").okText();
        assertThat(userClaim(f.user(), f.deviceName(), "right").ok().get("response").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void expiredClaimFails() throws InterruptedException {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\",\"durationMs\":1}").okText();
        Thread.sleep(50);
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "k"), "FAILURE");
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(EntityId.NULL_UUID.toString());
    }

    @Test
    void withoutAClaimRequestTheClaimFails() {
        Fixture f = fixture();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");
        assertClaimRefused(userClaim(f.user(), f.deviceName(), ""), "FAILURE");
    }

    @Test
    void emptyBodiesMeanAnEmptySecretAndTheDefaultDuration() {
        Fixture f = fixture();
        deviceClaim(f.token(), "").okText();
        assertThat(userClaim(f.user(), f.deviceName(), null).ok().get("response").asString()).isEqualTo("SUCCESS");

        Fixture g = fixture();
        deviceClaim(g.token(), "{}").okText();
        assertThat(userClaim(g.user(), g.deviceName(), "").ok().get("response").asString()).isEqualTo("SUCCESS");

        // A secret the device set is required even when the user sends none.
        Fixture h = fixture();
        deviceClaim(h.token(), "{\"secretKey\":\"x\"}").okText();
        assertClaimRefused(userClaim(h.user(), h.deviceName(), null), "FAILURE");
    }

    @Test
    void aDeviceAssignedByTheTenantIsAlreadyClaimed() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        String other = Api.id(f.tenant().post("/api/customer", Json.object().put("title", "Other " + UUID.randomUUID())).ok());
        f.tenant().post("/api/customer/" + other + "/device/" + f.deviceId(), "").ok();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "k"), "CLAIMED");
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(other);
    }

    @Test
    void releaseMakesTheDeviceClaimableAgain() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        userClaim(f.user(), f.deviceName(), "k").ok();

        // Another customer's user sees no such device.
        Api stranger = f.tenant().newCustomerUser(Api.id(f.tenant().post("/api/customer",
                Json.object().put("title", "S " + UUID.randomUUID())).ok()));
        assertError(stranger.delete("/api/customer/device/" + enc(f.deviceName()) + "/claim"), 404);
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(f.customerId());

        // The owning customer's user releases it.
        assertThat(f.user().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").status()).isEqualTo(200);
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(EntityId.NULL_UUID.toString());
        assertError(f.user().get("/api/device/" + f.deviceId()), 404);

        // Claimable again, by the other customer this time.
        deviceClaim(f.token(), "{\"secretKey\":\"k2\"}").okText();
        assertThat(userClaim(stranger, f.deviceName(), "k2").ok().get("response").asString()).isEqualTo("SUCCESS");

        // The tenant administrator may release any device; releasing an unassigned one is harmless.
        assertThat(f.tenant().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").status()).isEqualTo(200);
        assertThat(f.tenant().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").status()).isEqualTo(200);
        assertThat(customerOf(f.tenant(), f.deviceId())).isEqualTo(EntityId.NULL_UUID.toString());
    }

    @Test
    void tenantAdminReleaseDiscardsAPendingClaim() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        f.tenant().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").okText();
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "k"), "FAILURE");
    }

    @Test
    void namesWithSpacesAndNonAsciiCharacters() {
        Fixture f = fixture("Thermostat #1 – Küche.v2 " + UUID.randomUUID());
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        assertThat(userClaim(f.user(), f.deviceName(), "k").ok().get("response").asString()).isEqualTo("SUCCESS");
        assertThat(f.user().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim").status()).isEqualTo(200);
    }

    @Test
    void onlyCustomerUsersOfTheTenantClaim() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        // Another tenant's customer user: the name means nothing there.
        Fixture other = fixture();
        assertError(userClaim(other.user(), f.deviceName(), "k"), 404);
        // Tenant administrators and the system administrator do not claim.
        assertError(userClaim(f.tenant(), f.deviceName(), "k"), 403);
        assertError(userClaim(anon.sysadmin(), f.deviceName(), "k"), 403);
        assertError(anon.sysadmin().delete("/api/customer/device/" + enc(f.deviceName()) + "/claim"), 403);
        assertThat(userClaim(anon, f.deviceName(), "k").status()).isEqualTo(401);
        // Unknown names.
        assertError(userClaim(f.user(), "no-such-device-" + UUID.randomUUID(), "k"), 404);
        assertError(f.tenant().delete("/api/customer/device/no-such-device-" + UUID.randomUUID() + "/claim"), 404);
        // None of it used the claim up.
        assertThat(userClaim(f.user(), f.deviceName(), "k").ok().get("response").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void badInputIsRefused() {
        Fixture f = fixture();
        for (String body : List.of("{", "not json", "[]", "\"k\"", "42", "{\"secretKey\":5}",
                "{\"secretKey\":{\"a\":1}}", "{\"durationMs\":\"soon\"}", "{\"durationMs\":-1}",
                "{\"durationMs\":1.5}", "{\"durationMs\":1e30}",
                "{\"secretKey\":\"" + "x".repeat(300) + "\"}")) {
            assertError(deviceClaim(f.token(), body), 400);
        }
        assertThat(deviceClaim("no-such-token-" + UUID.randomUUID(), "{}").status()).isEqualTo(401);
        assertError(anon.postBytes("/api/v1/" + f.token() + "/claim", new byte[70_000]), 413);
        // None of it allowed claiming.
        assertClaimRefused(userClaim(f.user(), f.deviceName(), null), "FAILURE");

        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        for (String body : List.of("{", "not json", "[1]")) {
            assertError(f.user().post("/api/customer/device/" + enc(f.deviceName()) + "/claim", body), 400);
        }
        // A huge duration is capped rather than overflowing.
        deviceClaim(f.token(), "{\"secretKey\":\"k\",\"durationMs\":" + Long.MAX_VALUE + "}").okText();
        assertThat(userClaim(f.user(), f.deviceName(), "k").ok().get("response").asString()).isEqualTo("SUCCESS");
    }

    @Test
    void deletingTheDeviceDropsItsClaim() {
        Fixture f = fixture();
        deviceClaim(f.token(), "{\"secretKey\":\"k\"}").okText();
        f.tenant().delete("/api/device/" + f.deviceId()).okText();
        String token = "claim-" + UUID.randomUUID();
        f.tenant().createDevice(f.deviceName(), token);
        assertClaimRefused(userClaim(f.user(), f.deviceName(), "k"), "FAILURE");
    }

    /** On a server of its own: the configured default duration applies, and a claim survives a restart. */
    @Test
    void defaultDurationIsConfigurableAndClaimsSurviveRestarts() throws Exception {
        Path dir = Files.createTempDirectory("mote-claim");
        Fixture f;
        String userJwt;
        try (TestServer first = TestServer.start(dir, "--mote.claim.duration-ms=1")) {
            Api api = first.api();
            Api tenant = api.newTenant();
            String token = "claim-" + UUID.randomUUID();
            String name = "restart-" + UUID.randomUUID();
            String deviceId = Api.id(tenant.createDevice(name, token));
            String customerId = Api.id(tenant.post("/api/customer", Json.object().put("title", "C")).ok());
            Api user = tenant.newCustomerUser(customerId);
            f = new Fixture(tenant, token, deviceId, name, customerId, user);
            userJwt = user.authToken();

            api.post("/api/v1/" + token + "/claim", "{\"secretKey\":\"k\"}").okText();
            Thread.sleep(50);
            assertClaimRefused(userClaim(user, name, "k"), "FAILURE");
            api.post("/api/v1/" + token + "/claim", "{\"secretKey\":\"k\",\"durationMs\":600000}").okText();
        }
        try (TestServer second = TestServer.start(dir)) {
            Api user = second.api().withToken(userJwt);
            JsonNode result = userClaim(user, f.deviceName(), "k").ok();
            assertThat(result.get("response").asString()).isEqualTo("SUCCESS");
            assertThat(result.get("device").get("customerId").get("id").asString()).isEqualTo(f.customerId());
        }
    }
}
