package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.core.telemetry.RetentionMaintenance;
import io.mote.dao.TsPartitions.Partition;

/**
 * TTL and the time-partitioned ts_kv, on a server of its own with one-hour partitions and no scheduled
 * maintenance run: points are posted with old timestamps, so they are already expired when the test runs
 * the maintenance itself (at the real time, or a later one to expire the rest).
 */
// Its server partitions ts_kv by the hour; on an external database it would share the partitions of the
// shared server (a day long) and its assertions on partition bounds would not hold.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class RetentionTest {

    private static final long H = 3_600_000;
    private static TestServer server;
    private static Api anon;
    private static JdbcTemplate jdbc;

    private final long now = System.currentTimeMillis();
    private final long hour = Math.floorDiv(now, H) * H;
    /** Four days ago, on a partition boundary. */
    private final long base = hour - 96 * H;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Files.createTempDirectory("mote-retention"), "--mote.ts.partition-length=1h",
                "--mote.ts.maintenance-interval=1000d");
        anon = server.api();
        jdbc = server.bean(JdbcTemplate.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void profileAndTenantDefaultsOfDeviceTelemetryExpireByPartition() throws Exception {
        Api tenant = anon.newTenant();
        setTenantTtlDays(tenant, 2);
        ObjectNode profile = Json.object().put("name", "one-day-" + UUID.randomUUID());
        profile.putObject("profileData").putObject("configuration").put("type", "DEFAULT")
                .put("defaultStorageTtlDays", 1);
        String profileId = Api.id(tenant.post("/api/deviceProfile", profile).ok());
        String profileToken = "ttl-p-" + UUID.randomUUID();
        ObjectNode dev = Json.object().put("name", "ttl-p-" + UUID.randomUUID());
        dev.putObject("deviceProfileId").put("entityType", "DEVICE_PROFILE").put("id", profileId);
        String profileDevice = Api.id(tenant.post("/api/device?accessToken=" + profileToken, dev).ok());
        String tenantToken = "ttl-t-" + UUID.randomUUID();
        String tenantDevice = Api.id(tenant.createDevice("ttl-t-" + UUID.randomUUID(), tenantToken));

        // Four days old: expired under both TTLs. 40 hours old: past one day, not two. Half an hour: neither.
        List<Long> old = List.of(base + H / 2, base + H + H / 2);
        long fortyHours = hour - 40 * H + 60_000;
        long recent = now - H / 2;
        for (String token : List.of(profileToken, tenantToken)) {
            post(token, "v", old.get(0), old.get(1), fortyHours, recent);
        }
        String day0 = "ts_kv_86400_" + base;
        String day1 = "ts_kv_86400_" + (base + H);
        String twoDays0 = "ts_kv_172800_" + base;
        String twoDays1 = "ts_kv_172800_" + (base + H);
        assertThat(partitionOf(profileDevice, old.get(0))).isEqualTo(day0);
        assertThat(partitionOf(profileDevice, old.get(1))).isEqualTo(day1);
        assertThat(partitionOf(tenantDevice, old.get(0))).isEqualTo(twoDays0);
        assertThat(partitionOf(tenantDevice, fortyHours)).isEqualTo("ts_kv_172800_" + (hour - 40 * H));

        List<String> dropped = maintenance(now);

        assertThat(dropped).contains(day0, day1, twoDays0, twoDays1, "ts_kv_86400_" + (hour - 40 * H))
                .doesNotContain("ts_kv_172800_" + (hour - 40 * H), "ts_kv_86400_" + Math.floorDiv(recent, H) * H);
        assertThat(existing(day0, day1, twoDays0, twoDays1)).isEmpty();
        assertThat(raw(tenant, profileDevice, "v", base, now)).containsExactly(recent);
        assertThat(raw(tenant, tenantDevice, "v", base, now)).containsExactly(fortyHours, recent);
        assertThat(count(tenant, tenantDevice, "v", base, now)).isEqualTo(2);
    }

    @Test
    void requestTtlOverRestWinsAndLatestOutlivesItsHistory() throws Exception {
        Api tenant = anon.newTenant();
        setTenantTtlDays(tenant, 30);
        String device = Api.id(tenant.createDevice("ttl-r-" + UUID.randomUUID(), "ttl-r-" + UUID.randomUUID()));
        long fiveHours = hour - 5 * H + 1_000;
        long recent = now - 60_000;
        // 60 s, rounded up to the partition length: class 3600.
        assertThat(tenant.post("/api/plugins/telemetry/DEVICE/" + device + "/timeseries/ANY/60",
                tsArray("short", fiveHours)).status()).isEqualTo(200);
        assertThat(tenant.post("/api/plugins/telemetry/DEVICE/" + device + "/timeseries/ANY/60",
                tsArray("mixed", fiveHours, recent)).status()).isEqualTo(200);
        // Without a TTL: the tenant's 30 days.
        assertThat(tenant.post("/api/plugins/telemetry/DEVICE/" + device + "/timeseries/ANY",
                tsArray("month", fiveHours)).status()).isEqualTo(200);
        String shortPartition = "ts_kv_3600_" + (hour - 5 * H);
        assertThat(partitionOf(device, fiveHours, "short")).isEqualTo(shortPartition);
        assertThat(partitionOf(device, fiveHours, "month")).isEqualTo("ts_kv_2592000_" + (hour - 5 * H));
        assertThat(tenant.post("/api/plugins/telemetry/DEVICE/" + device + "/timeseries/ANY/-1",
                tsArray("bad", recent)).status()).isEqualTo(400);

        assertThat(maintenance(now)).contains(shortPartition);

        assertThat(existing(shortPartition)).isEmpty();
        assertThat(raw(tenant, device, "short", 0, now)).isEmpty();
        assertThat(raw(tenant, device, "mixed", 0, now)).containsExactly(recent);
        assertThat(raw(tenant, device, "month", 0, now)).containsExactly(fiveHours);
        // ts_kv_latest is not partitioned: a key's newest value stays after its history expired.
        JsonNode latest = tenant.get("/api/plugins/telemetry/DEVICE/" + device + "/values/timeseries?keys=short").ok();
        assertThat(latest.get("short").get(0).get("ts").asLong()).isEqualTo(fiveHours);
    }

    @Test
    void queriesSpanPartitionsAndForeverPointsStay() throws Exception {
        Api.TestDevice d = anon.newTenantWithDevice("ttl-q");
        long far = 1_000;
        long future = now + 20 * H;
        List<Long> points = new ArrayList<>();
        for (long ts = base; ts < base + 72 * H; ts += 20 * 60_000) {
            points.add(ts);
        }
        post(d.token(), "q", points.stream().mapToLong(Long::longValue).toArray());
        // Sent again: the same partition, so the same rows.
        post(d.token(), "q", points.stream().mapToLong(Long::longValue).toArray());
        post(d.token(), "q", far, future);

        assertThat(partitionOf(d.id(), far)).isEqualTo("ts_kv_0_0");
        assertThat(partitionOf(d.id(), future)).isEqualTo("ts_kv_0_" + Math.floorDiv(future, H) * H);
        Long distinct = jdbc.queryForObject("SELECT count(DISTINCT tableoid) FROM ts_kv WHERE entity_id = ?",
                Long.class, UUID.fromString(d.id()));
        assertThat(distinct).isEqualTo(74);

        // Long after every TTL: points kept forever (no TTL anywhere) are not dropped.
        List<String> dropped = maintenance(now + 400 * 24 * H);
        assertThat(dropped).noneMatch(name -> name.startsWith("ts_kv_0_"));

        List<Long> expected = new ArrayList<>(points);
        expected.add(0, far);
        expected.add(future);
        assertThat(raw(d.tenant(), d.id(), "q", 0, future)).containsExactlyElementsOf(expected);
        // A range cutting through partitions: from 10:20 into the first hour to the end of the 30th.
        long from = base + 20 * 60_000;
        long to = base + 30 * H - 1;
        List<Long> inRange = points.stream().filter(ts -> ts >= from && ts <= to).toList();
        assertThat(raw(d.tenant(), d.id(), "q", from, to)).containsExactlyElementsOf(inRange);
        assertThat(count(d.tenant(), d.id(), "q", from, to)).isEqualTo(inRange.size());
        // Aggregated per 24 hours: 72 points a day, each value its ts.
        JsonNode sums = d.tenant().get("/api/plugins/telemetry/DEVICE/" + d.id() + "/values/timeseries?keys=q&startTs="
                + base + "&endTs=" + (base + 72 * H - 1) + "&interval=" + 24 * H + "&agg=SUM&orderBy=ASC"
                + "&useStrictDataTypes=true").ok().get("q");
        assertThat(sums).hasSize(3);
        for (int day = 0; day < 3; day++) {
            long start = base + day * 24 * H;
            long sum = points.stream().filter(ts -> ts >= start && ts < start + 24 * H).mapToLong(Long::longValue).sum();
            assertThat(sums.get(day).get("value").asLong()).isEqualTo(sum);
        }
    }

    // ---- helpers ----

    private static void setTenantTtlDays(Api tenant, int days) {
        String tenantId = tenant.get("/api/auth/user").ok().get("tenantId").get("id").asString();
        Api sys = anon.sysadmin();
        ObjectNode t = (ObjectNode) sys.get("/api/tenant/" + tenantId).ok();
        t.put("defaultStorageTtlDays", -1);
        assertThat(sys.post("/api/tenant", t).status()).isEqualTo(400);
        t.put("defaultStorageTtlDays", days);
        assertThat(sys.post("/api/tenant", t).ok().get("defaultStorageTtlDays").asInt()).isEqualTo(days);
    }

    private static ArrayNode tsArray(String key, long... ts) {
        ArrayNode body = Json.object().arrayNode();
        for (long t : ts) {
            body.addObject().put("ts", t).putObject("values").put(key, t);
        }
        return body;
    }

    private static void post(String token, String key, long... ts) {
        assertThat(anon.post("/api/v1/" + token + "/telemetry", tsArray(key, ts)).status()).isEqualTo(200);
    }

    private static String partitionOf(String device, long ts) {
        return partitionOf(device, ts, null);
    }

    private static String partitionOf(String device, long ts, String key) {
        String sql = "SELECT tableoid::regclass::text FROM ts_kv t WHERE entity_id = ? AND ts = ?"
                + (key == null ? "" : " AND key = (SELECT key_id FROM key_dictionary WHERE key = ?)");
        Object[] args = key == null ? new Object[] {UUID.fromString(device), ts}
                : new Object[] {UUID.fromString(device), ts, key};
        return jdbc.queryForList(sql, String.class, args).stream().distinct().reduce((a, b) -> a + "," + b)
                .orElse(null);
    }

    /** Which of the tables still exist, from pg_catalog. */
    private static List<String> existing(String... names) {
        return jdbc.queryForList("SELECT relname FROM pg_class WHERE relname = ANY (?)", String.class,
                (Object) names);
    }

    private static List<String> maintenance(long at) throws Exception {
        return server.bean(RetentionMaintenance.class).runNow(at).stream().map(Partition::name).toList();
    }

    private static List<Long> raw(Api tenant, String device, String key, long from, long to) {
        JsonNode values = tenant.get("/api/plugins/telemetry/DEVICE/" + device + "/values/timeseries?keys=" + key
                + "&startTs=" + from + "&endTs=" + to + "&limit=10000&orderBy=ASC").ok().get(key);
        List<Long> out = new ArrayList<>();
        if (values != null) {
            values.forEach(v -> out.add(v.get("ts").asLong()));
        }
        return out;
    }

    private static long count(Api tenant, String device, String key, long from, long to) {
        JsonNode values = tenant.get("/api/plugins/telemetry/DEVICE/" + device + "/values/timeseries?keys=" + key
                + "&startTs=" + from + "&endTs=" + to + "&agg=COUNT&useStrictDataTypes=true").ok().get(key);
        return values == null ? 0 : values.get(0).get("value").asLong();
    }
}
