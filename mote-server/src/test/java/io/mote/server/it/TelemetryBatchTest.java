package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The batched write path: what one transaction does with duplicates, out-of-order points and values that
 * need quoting, and many devices' requests arriving together.
 */
class TelemetryBatchTest {

    private final Api anon = TestServer.shared().api();
    private Api tenant;
    private String token;
    private String deviceId;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("batch");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
    }

    private String ts(String deviceId, String query) {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries" + query;
    }

    @Test
    void theSamePointTwiceInOneRequestKeepsTheLaterValue() {
        anon.post("/api/v1/" + token + "/telemetry",
                "[{\"ts\":1000,\"values\":{\"t\":1}},{\"ts\":1000,\"values\":{\"t\":2}}]").ok();
        JsonNode hist = tenant.get(ts(deviceId, "?keys=t&startTs=0&endTs=5000")).ok().get("t");
        assertThat(hist).hasSize(1);
        assertThat(hist.get(0).get("value").asString()).isEqualTo("2");
        assertThat(tenant.get(ts(deviceId, "?keys=t")).ok().get("t").get(0).get("value").asString()).isEqualTo("2");

        // Written again in a later request: replaced, not refused.
        anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":1000,\"values\":{\"t\":\"three\"}}").ok();
        hist = tenant.get(ts(deviceId, "?keys=t&startTs=0&endTs=5000")).ok().get("t");
        assertThat(hist).hasSize(1);
        assertThat(hist.get(0).get("value").asString()).isEqualTo("three");
    }

    @Test
    void anOlderPointLaterInTheSameRequestDoesNotBecomeTheLatest() {
        anon.post("/api/v1/" + token + "/telemetry",
                "[{\"ts\":3000,\"values\":{\"t\":3}},{\"ts\":2000,\"values\":{\"t\":2}}]").ok();
        JsonNode latest = tenant.get(ts(deviceId, "?keys=t")).ok().get("t").get(0);
        assertThat(latest.get("ts").asLong()).isEqualTo(3000);
        assertThat(latest.get("value").asString()).isEqualTo("3");
        assertThat(tenant.get(ts(deviceId, "?keys=t&startTs=0&endTs=5000")).ok().get("t")).hasSize(2);
    }

    @Test
    void valuesThatNeedQuotingComeBackUnchanged() {
        String text = "a,b {c} \"d\" \\e\\ NULL ' ü 😀";
        String json = JsonMapper.builder().build().writeValueAsString(java.util.Map.of(
                "s", text, "null", "NULL", "empty", "", "big", 9007199254740993L, "tiny", 1.0E-300, "neg", -0.5,
                "off", false, "obj", java.util.Map.of("q", "\"}\\")));
        anon.post("/api/v1/" + token + "/telemetry", json).ok();

        JsonNode latest = tenant.get(ts(deviceId, "?keys=s,null,empty,big,tiny,neg,off,obj&useStrictDataTypes=true")).ok();
        assertThat(latest.get("s").get(0).get("value").asString()).isEqualTo(text);
        assertThat(latest.get("null").get(0).get("value").asString()).isEqualTo("NULL");
        assertThat(latest.get("empty").get(0).get("value").asString()).isEmpty();
        assertThat(latest.get("big").get(0).get("value").asLong()).isEqualTo(9007199254740993L);
        assertThat(latest.get("tiny").get(0).get("value").asDouble()).isEqualTo(1.0E-300);
        assertThat(latest.get("neg").get(0).get("value").asDouble()).isEqualTo(-0.5);
        assertThat(latest.get("off").get(0).get("value").isBoolean()).isTrue();
        assertThat(latest.get("off").get(0).get("value").asBoolean()).isFalse();
        assertThat(latest.get("obj").get(0).get("value").get("q").asString()).isEqualTo("\"}\\");
    }

    @Test
    void manyDevicesPostingAtOnceAreAllStored() {
        List<Api.TestDevice> devices = new ArrayList<>();
        devices.add(new Api.TestDevice(tenant, token, deviceId));
        for (int i = 1; i < 20; i++) {
            String t = "batch-" + i + "-" + java.util.UUID.randomUUID();
            devices.add(new Api.TestDevice(tenant, t, Api.id(tenant.createDevice(t, t))));
        }
        List<CompletableFuture<Integer>> posts = new ArrayList<>();
        for (Api.TestDevice d : devices) {
            for (int n = 0; n < 10; n++) {
                String body = "{\"ts\":" + (1000 + n) + ",\"values\":{\"n\":" + n + ",\"id\":\"" + d.id() + "\"}}";
                posts.add(CompletableFuture.supplyAsync(() -> anon.post("/api/v1/" + d.token() + "/telemetry", body)
                        .status()));
            }
        }
        assertThat(posts).allSatisfy(p -> assertThat(p.join()).isEqualTo(200));
        for (Api.TestDevice d : devices) {
            JsonNode hist = tenant.get(ts(d.id(), "?keys=n,id&startTs=0&endTs=5000&limit=100")).ok();
            assertThat(hist.get("n")).hasSize(10);
            assertThat(hist.get("id").get(0).get("value").asString()).isEqualTo(d.id());
            JsonNode latest = tenant.get(ts(d.id(), "?keys=n")).ok().get("n").get(0);
            assertThat(latest.get("ts").asLong()).isEqualTo(1009);
            assertThat(latest.get("value").asString()).isEqualTo("9");
        }
    }
}
