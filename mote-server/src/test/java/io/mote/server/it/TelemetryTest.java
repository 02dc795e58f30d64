package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Telemetry in through the HTTP device API, read back over REST. */
class TelemetryTest {

    private final Api anon = TestServer.shared().api();
    private Api tenant;
    private String token;
    private String deviceId;

    @BeforeEach
    void device() {
        Api.TestDevice d = anon.newTenantWithDevice("tele");
        tenant = d.tenant();
        token = d.token();
        deviceId = d.id();
    }

    private String ts(String query) {
        return "/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries" + query;
    }

    @Test
    void objectFormIsStoredWithServerTimeAndTypes() {
        long before = System.currentTimeMillis();
        assertThat(anon.post("/api/v1/" + token + "/telemetry",
                "{\"temperature\":21.5,\"count\":42,\"on\":true,\"label\":\"kitchen\",\"cfg\":{\"a\":[1,2]}}")
                .status()).isEqualTo(200);
        long after = System.currentTimeMillis();

        JsonNode latest = tenant.get(ts("")).ok();
        assertThat(latest.get("temperature").get(0).get("value").asString()).isEqualTo("21.5");
        assertThat(latest.get("count").get(0).get("value").asString()).isEqualTo("42");
        assertThat(latest.get("on").get(0).get("value").asString()).isEqualTo("true");
        assertThat(latest.get("label").get(0).get("value").asString()).isEqualTo("kitchen");
        assertThat(latest.get("cfg").get(0).get("value").asString()).isEqualTo("{\"a\":[1,2]}");
        long t = latest.get("temperature").get(0).get("ts").asLong();
        assertThat(t).isBetween(before, after);

        JsonNode strict = tenant.get(ts("?keys=temperature,count,on,label,cfg&useStrictDataTypes=true")).ok();
        assertThat(strict.get("temperature").get(0).get("value").isDouble()).isTrue();
        assertThat(strict.get("count").get(0).get("value").isIntegralNumber()).isTrue();
        assertThat(strict.get("on").get(0).get("value").isBoolean()).isTrue();
        assertThat(strict.get("label").get(0).get("value").isString()).isTrue();
        assertThat(strict.get("cfg").get(0).get("value").get("a").get(1).asInt()).isEqualTo(2);

        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/keys/timeseries").ok())
                .extracting(JsonNode::asString).containsExactlyInAnyOrder("temperature", "count", "on", "label", "cfg");
    }

    @Test
    void tsValuesAndArrayFormsKeepTheirTimestamps() {
        assertThat(anon.post("/api/v1/" + token + "/telemetry",
                "{\"ts\":1000,\"values\":{\"t\":1}}").status()).isEqualTo(200);
        assertThat(anon.post("/api/v1/" + token + "/telemetry",
                "[{\"ts\":2000,\"values\":{\"t\":2}},{\"ts\":3000,\"values\":{\"t\":3.5}}]").status()).isEqualTo(200);

        JsonNode hist = tenant.get(ts("?keys=t&startTs=0&endTs=10000&orderBy=ASC")).ok();
        assertThat(hist.get("t")).hasSize(3);
        assertThat(hist.get("t").get(0).get("ts").asLong()).isEqualTo(1000);
        assertThat(hist.get("t").get(2).get("value").asString()).isEqualTo("3.5");

        JsonNode desc = tenant.get(ts("?keys=t&startTs=0&endTs=10000&limit=2")).ok();
        assertThat(desc.get("t")).hasSize(2);
        assertThat(desc.get("t").get(0).get("ts").asLong()).isEqualTo(3000);

        // The latest value is the newest by timestamp, not the last written.
        anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":500,\"values\":{\"t\":0}}");
        assertThat(tenant.get(ts("?keys=t")).ok().get("t").get(0).get("ts").asLong()).isEqualTo(3000);
    }

    @Test
    void aggregationPerInterval() {
        anon.post("/api/v1/" + token + "/telemetry",
                "[{\"ts\":1000,\"values\":{\"v\":1}},{\"ts\":1500,\"values\":{\"v\":3}},"
                        + "{\"ts\":2000,\"values\":{\"v\":10}},{\"ts\":2999,\"values\":{\"v\":20.5}}]").ok();
        String range = "?keys=v&startTs=1000&endTs=2999&interval=1000&orderBy=ASC&useStrictDataTypes=true&agg=";
        JsonNode avg = tenant.get(ts(range + "AVG")).ok().get("v");
        assertThat(avg).hasSize(2);
        assertThat(avg.get(0).get("ts").asLong()).isEqualTo(1500);
        assertThat(avg.get(0).get("value").asDouble()).isEqualTo(2.0);
        assertThat(avg.get(1).get("value").asDouble()).isEqualTo(15.25);
        assertThat(tenant.get(ts(range + "MIN")).ok().get("v").get(0).get("value").asLong()).isEqualTo(1);
        assertThat(tenant.get(ts(range + "MAX")).ok().get("v").get(1).get("value").asDouble()).isEqualTo(20.5);
        assertThat(tenant.get(ts(range + "SUM")).ok().get("v").get(0).get("value").asLong()).isEqualTo(4);
        assertThat(tenant.get(ts(range + "COUNT")).ok().get("v").get(1).get("value").asLong()).isEqualTo(2);
        assertThat(tenant.get(ts(range + "MEDIAN")).status()).isEqualTo(400);
    }

    @Test
    void restPostAndDeleteTimeseries() {
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/ANY",
                "{\"ts\":1000,\"values\":{\"x\":1}}").ok();
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/ANY",
                "{\"ts\":2000,\"values\":{\"x\":2}}").ok();
        tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId
                + "/timeseries/delete?keys=x&startTs=1500&endTs=2500&deleteLatest=true&rewriteLatestIfDeleted=true").ok();
        JsonNode latest = tenant.get(ts("?keys=x")).ok();
        assertThat(latest.get("x").get(0).get("ts").asLong()).isEqualTo(1000);
        tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/delete?keys=x&deleteAllDataForKeys=true")
                .ok();
        assertThat(tenant.get(ts("?keys=x")).ok().has("x")).isFalse();
        assertThat(tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/delete?keys=x").status())
                .isEqualTo(400);
    }

    @Test
    void rejectedRequestsStoreNothing() {
        anon.post("/api/v1/" + token + "/telemetry", "{\"keep\":1}").ok();
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"a\":1,").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"a\":1,\"b\":null}").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "[1]").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "42").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"ts\":\"x\",\"values\":{\"a\":1}}").status())
                .isEqualTo(400);
        assertThat(anon.postBytes("/api/v1/" + token + "/telemetry", new byte[]{'{', '"', 'a', '"', ':', '"', (byte) 0xC3,
                (byte) 0x28, '"', '}'}).status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"\":1}").status()).isEqualTo(400);
        assertThat(anon.post("/api/v1/" + token + "/telemetry", "{\"s\":\"nul\\u0000\"}").status()).isEqualTo(400);
        String big = "{\"big\":\"" + "x".repeat(70_000) + "\"}";
        assertThat(anon.post("/api/v1/" + token + "/telemetry", big).status()).isEqualTo(413);
        assertThat(anon.post("/api/v1/unknown-token/telemetry", "{\"a\":1}").status()).isEqualTo(401);

        assertThat(tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/keys/timeseries").ok())
                .extracting(JsonNode::asString).containsExactly("keep");
    }

    @Test
    void quotesAndSqlInKeysAndValuesAreData() {
        String evil = "k'; DROP TABLE ts_kv; --\"";
        anon.post("/api/v1/" + token + "/telemetry",
                tools.jackson.databind.json.JsonMapper.builder().build().writeValueAsString(
                        java.util.Map.of(evil, "v'); DELETE FROM device; --"))).ok();
        JsonNode latest = tenant.get(ts("")).ok();
        assertThat(latest.get(evil).get(0).get("value").asString()).isEqualTo("v'); DELETE FROM device; --");
    }
}
