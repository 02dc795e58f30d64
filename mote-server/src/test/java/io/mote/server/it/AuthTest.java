package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

class AuthTest {

    private final Api anon = TestServer.shared().api();

    @Test
    void loginReturnsTokenPairAndUser() {
        Api.Res r = anon.post("/api/auth/login", Json.object().put("username", "tenant@mote.local")
                .put("password", TestServer.TENANT_PASSWORD));
        assertThat(r.status()).isEqualTo(200);
        JsonNode pair = r.json();
        assertThat(pair.get("token").asString()).isNotBlank();
        assertThat(pair.get("refreshToken").asString()).isNotBlank();

        JsonNode user = anon.withToken(pair.get("token").asString()).get("/api/auth/user").ok();
        assertThat(user.get("email").asString()).isEqualTo("tenant@mote.local");
        assertThat(user.get("authority").asString()).isEqualTo("TENANT_ADMIN");
        assertThat(user.get("id").get("entityType").asString()).isEqualTo("USER");
        assertThat(user.get("tenantId").get("entityType").asString()).isEqualTo("TENANT");
        assertThat(user.has("password")).isFalse();
    }

    @Test
    void wrongPasswordIs401WithErrorBody() {
        Api.Res r = anon.post("/api/auth/login", Json.object().put("username", "tenant@mote.local")
                .put("password", "nope"));
        assertThat(r.status()).isEqualTo(401);
        JsonNode err = r.json();
        assertThat(err.get("status").asInt()).isEqualTo(401);
        assertThat(err.get("errorCode").asInt()).isEqualTo(10);
        assertThat(err.get("message").asString()).isEqualTo("Invalid username or password");
        assertThat(err.get("timestamp").asLong()).isPositive();
    }

    @Test
    void refreshIssuesNewPairAndRejectsAccessTokenAsRefresh() {
        JsonNode pair = anon.post("/api/auth/login", Json.object().put("username", "sysadmin@mote.local")
                .put("password", TestServer.SYSADMIN_PASSWORD)).ok();
        JsonNode refreshed = anon.post("/api/auth/token",
                Json.object().put("refreshToken", pair.get("refreshToken").asString())).ok();
        assertThat(anon.withToken(refreshed.get("token").asString()).get("/api/auth/user").ok()
                .get("authority").asString()).isEqualTo("SYS_ADMIN");
        assertThat(anon.post("/api/auth/token", Json.object().put("refreshToken", pair.get("token").asString()))
                .status()).isEqualTo(401);
        // A refresh token is not an access token either.
        assertThat(anon.withToken(pair.get("refreshToken").asString()).get("/api/auth/user").status()).isEqualTo(401);
    }

    @Test
    void missingOrGarbageTokenIs401() {
        assertThat(anon.get("/api/auth/user").status()).isEqualTo(401);
        assertThat(anon.withToken("garbage").get("/api/auth/user").status()).isEqualTo(401);
        assertThat(anon.withToken("garbage").get("/api/tenant/devices?pageSize=10&page=0").json()
                .get("errorCode").asInt()).isEqualTo(10);
    }

    @Test
    void apiKeyAuthenticatesUntilRevoked() {
        Api tenant = anon.newTenant();
        JsonNode key = tenant.post("/api/apiKey", Json.object().put("description", "ci key")).ok();
        String value = key.get("value").asString();
        assertThat(value).isNotBlank();
        Api byKey = anon.withApiKey(value);
        assertThat(byKey.get("/api/auth/user").status()).isEqualTo(200);

        JsonNode list = tenant.get("/api/apiKeys?pageSize=10&page=0").ok();
        assertThat(list.get("totalElements").asInt()).isEqualTo(1);
        assertThat(list.get("data").get(0).get("value").isNull()).isTrue();

        tenant.delete("/api/apiKey/" + Api.id(key)).ok();
        assertThat(byKey.get("/api/auth/user").status()).isEqualTo(401);
        assertThat(anon.withApiKey("mote_unknown").get("/api/auth/user").status()).isEqualTo(401);
    }
}
