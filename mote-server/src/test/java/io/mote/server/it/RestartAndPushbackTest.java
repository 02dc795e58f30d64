package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Runs a server of its own: data survives a restart on the same data directory (or the same external
 * database), and a full write queue pushes back with 503 instead of dropping data.
 */
class RestartAndPushbackTest {

    @Test
    void restartKeepsEverythingAndFullQueuePushesBack() throws Exception {
        Path dir = Files.createTempDirectory("mote-restart");
        String token = "restart-" + UUID.randomUUID();
        String deviceId;
        String apiKey;
        String jwt;
        // A queue of 20 data points: a 30-point request cannot fit and must be refused, not dropped.
        try (TestServer first = TestServer.start(dir, "--mote.telemetry.queue-capacity=20")) {
            Api tenant = first.api().newTenant();
            deviceId = Api.id(tenant.createDevice("survivor", token));
            first.api().post("/api/v1/" + token + "/telemetry", "{\"ts\":1000,\"values\":{\"t\":1}}").ok();
            tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/attributes/SHARED_SCOPE", "{\"s\":\"x\"}").ok();
            apiKey = tenant.post("/api/apiKey", "{\"description\":\"survives\"}").ok().get("value").asString();
            jwt = tenant.authToken();

            StringBuilder big = new StringBuilder("{");
            for (int i = 0; i < 30; i++) {
                big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":").append(i);
            }
            Api.Res refused = first.api().post("/api/v1/" + token + "/telemetry", big.append('}').toString());
            assertThat(refused.status()).isEqualTo(503);
            assertThat(refused.json().get("status").asInt()).isEqualTo(503);
            // Nothing of the refused request was stored, and the server goes on taking what fits.
            first.api().post("/api/v1/" + token + "/telemetry", "{\"ts\":2000,\"values\":{\"t\":2}}").ok();
            assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/keys/timeseries").ok())
                    .extracting(JsonNode::asString).containsExactly("t");
        }
        try (TestServer second = TestServer.start(dir)) {
            Api tenant = second.api().withApiKey(apiKey);
            assertThat(tenant.get("/api/device/" + deviceId).ok().get("name").asString()).isEqualTo("survivor");
            JsonNode t = tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId
                    + "/values/timeseries?keys=t&startTs=0&endTs=5000").ok();
            assertThat(t.get("t")).hasSize(2);
            assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/attributes/SHARED_SCOPE").ok()
                    .get(0).get("value").asString()).isEqualTo("x");
            // The device's token still authenticates after the restart.
            assertThat(second.api().post("/api/v1/" + token + "/telemetry", "{\"t\":3}").status()).isEqualTo(200);
            // Tokens signed before the restart stay valid: the signing key is in the database.
            assertThat(second.api().withToken(jwt).get("/api/auth/user").status()).isEqualTo(200);
            assertThat(second.api().login("tenant@mote.local", TestServer.TENANT_PASSWORD).get("/api/auth/user").status())
                    .isEqualTo(200);
        }
    }
}
