package io.mote.server.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfEnvironmentVariable;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.mote.core.telemetry.RetentionMaintenance;
import io.mote.core.telemetry.RollupMaintenance;
import io.mote.dao.TsRollups;
import io.mote.server.it.TimeseriesQueryTest.Point;

/**
 * Aggregations served from the hourly rollups equal those computed here from the points, through every way
 * an hour changes: points already old when written (their hours marked, read raw until rolled up again), a
 * rollup from scratch, a late point and an overwrite in a rolled-up hour, a delete cutting hours, the same
 * timestamps in a second TTL class and that class's partition expiring. Intervals aligned on hours or not,
 * longer or shorter than an hour. Its own server runs the rollups and the retention only when told.
 */
// On an external database another server's scheduled rollups would run between the steps.
@DisabledIfEnvironmentVariable(named = "MOTE_TEST_DB_URL", matches = ".+")
class TsRollupTest {

    private static final long H = TsRollups.HOUR;
    private static final long DAY = 24 * H;
    private static final List<String> AGGS = List.of("AVG", "MIN", "MAX", "SUM", "COUNT");

    private static TestServer server;
    private static JdbcTemplate jdbc;
    private static Api tenant;
    private static String deviceId;

    private final long now = System.currentTimeMillis();
    /** Three days ago, on a day: the partitions of the points have closed. */
    private final long base = Math.floorDiv(now, DAY) * DAY - 3 * DAY;
    private final List<Point> mixed = new ArrayList<>();
    private final List<Point> longs = new ArrayList<>();
    private final Random random = new Random(10);

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(Files.createTempDirectory("mote-rollup"), "--mote.ts.rollup-interval=1000d",
                "--mote.ts.maintenance-interval=1000d");
        Api.TestDevice d = server.api().newTenantWithDevice("rollup");
        tenant = d.tenant();
        deviceId = d.id();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void everyAggregationFromRollupsMatchesThePointsThroughEveryChange() throws Exception {
        jdbc = server.bean(JdbcTemplate.class);
        RollupMaintenance rollups = server.bean(RollupMaintenance.class);
        rollups.runNow(now); // after the run at start, whatever its timing
        // Two days and five hours of m (longs and doubles) and l (longs), 0-7 minutes apart.
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        for (long ts = base + random.nextInt(1000); ts < base + 2 * DAY + 5 * H; ts += 1 + random.nextInt(420_000)) {
            add(body, ts);
        }
        // Points on hour edges, and one a millisecond before.
        for (long ts = base + H; ts < base + 2 * DAY; ts += 7 * H) {
            add(body, ts);
            add(body, ts - 1);
        }
        post("", body);
        // The first day's points again, with a TTL of five days (a class of its own: each is counted twice).
        ArrayNode ttl = JsonNodeFactory.instance.arrayNode();
        for (Point p : new ArrayList<>(mixed)) {
            if (p.ts() < base + DAY) {
                Point l = longs.stream().filter(x -> x.ts() == p.ts()).findFirst().orElseThrow();
                point(ttl, p.ts(), p.v(), l.v());
                mixed.add(p);
                longs.add(l);
            }
        }
        post("/432000", ttl);

        // Written after the server's first run: every hour is old already, marked, and read from the points.
        assertThat(count("ts_rollup_dirty")).isPositive();
        assertThat(count("ts_kv_hourly")).isZero();
        assertMatches("before any rollup");

        TsRollups.Run run = rollups.runNow(now);
        assertThat(run.dirtyHours()).isPositive();
        assertThat(count("ts_rollup_dirty")).isZero();
        long hourly = count("ts_kv_hourly");
        // Every hour holding a point, once per TTL class.
        assertThat(hourly).isEqualTo(jdbc.queryForObject(
                "SELECT count(DISTINCT (key, ts / 3600000, ttl)) FROM ts_kv WHERE entity_id = ?::uuid", Long.class, deviceId));
        assertMatches("changed hours rolled up");

        // From scratch: every closed partition, a chunk at a time.
        jdbc.update("UPDATE ts_rollup_state SET rolled = 0, pending = 0");
        run = rollups.runNow(now);
        assertThat(run.chunks()).isGreaterThanOrEqualTo(3);
        assertThat(count("ts_kv_hourly")).isEqualTo(hourly);
        long closed = Math.floorDiv(now - 600_000, DAY) * DAY; // the start of the last day closed 10 minutes ago
        assertThat(server.bean(TsRollups.class).state()).containsExactly(closed, closed);
        assertMatches("rolled up from scratch");

        // The answer comes from the rollups: points deleted behind the server's back still count.
        long hour = base + 10 * H;
        int gone = jdbc.update("DELETE FROM ts_kv WHERE entity_id = ?::uuid AND ts >= ? AND ts < ? AND "
                + "key = (SELECT key_id FROM key_dictionary WHERE key = 'l')", deviceId, hour, hour + H);
        assertThat(gone).isPositive();
        JsonNode c = get("keys=l&agg=COUNT&startTs=" + hour + "&endTs=" + (hour + H - 1) + "&interval=" + H);
        assertThat(c.get("l").get(0).get("value").asLong()).isEqualTo(gone);
        // Put them back as they were (the rollup of that hour is right again).
        repost(longs, p -> p.ts() >= hour && p.ts() < hour + H);
        rollups.runNow(now);
        assertMatches("points deleted behind its back and written again");

        // A late point, and an overwrite of an existing one, in rolled-up hours: read from the points at once.
        Point late = new Point(base + 20 * H + 123, 1_000_000.5);
        Point old = mixed.stream().filter(p -> p.ts() > base + DAY + 3 * H).findFirst().orElseThrow();
        Point replaced = new Point(old.ts(), -77L);
        mixed.add(late);
        mixed.set(mixed.indexOf(old), replaced);
        ArrayNode change = JsonNodeFactory.instance.arrayNode();
        change.addObject().put("ts", late.ts()).putObject("values").put("m", late.v().doubleValue());
        change.addObject().put("ts", replaced.ts()).putObject("values").put("m", replaced.v().longValue());
        post("", change);
        assertThat(count("ts_rollup_dirty")).isEqualTo(2);
        assertMatches("a late point and an overwrite");
        rollups.runNow(now);
        assertThat(count("ts_rollup_dirty")).isZero();
        assertMatches("a late point and an overwrite, rolled up");

        // A delete from 17 minutes past an hour to 3 minutes past another, of both TTL classes.
        long from = base + 5 * H + 17 * 60_000;
        long to = base + 9 * H + 3 * 60_000;
        tenant.delete("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/delete?keys=m&startTs=" + from
                + "&endTs=" + to + "&deleteLatest=false").ok();
        mixed.removeIf(p -> p.ts() >= from && p.ts() < to);
        assertThat(count("ts_rollup_dirty")).as("the hours of 5:17 to 9:03 holding points").isBetween(4L, 5L);
        assertMatches("a delete");
        rollups.runNow(now);
        assertMatches("a delete, rolled up");

        // The five-day class's first day expires: its partition goes, with its rollups.
        List<?> dropped = server.bean(RetentionMaintenance.class).runNow(base + DAY + 5 * DAY);
        assertThat(dropped).hasSize(1);
        removeTtlCopies(mixed);
        removeTtlCopies(longs);
        assertMatches("a TTL partition dropped");
        assertThat(count("ts_kv_hourly")).isEqualTo(jdbc.queryForObject(
                "SELECT count(DISTINCT (key, ts / 3600000, ttl)) FROM ts_kv WHERE entity_id = ?::uuid", Long.class, deviceId));
    }

    /** The TTL copies are the second point of a timestamp in the first day. */
    private void removeTtlCopies(List<Point> points) {
        List<Long> seen = new ArrayList<>();
        points.removeIf(p -> {
            if (p.ts() >= base + DAY) {
                return false;
            }
            if (seen.contains(p.ts())) {
                return true;
            }
            seen.add(p.ts());
            return false;
        });
    }

    private void assertMatches(String what) {
        long end = base + 3 * DAY;
        long[][] queries = {
                {base, end, H},                    // hours, aligned
                {base + 17 * 60_000, end, H},      // hours, 17 minutes off
                {base - H, now, 90 * 60_000},      // an hour and a half
                {base + 5 * 60_000, now, DAY},     // days, 5 minutes off
                {base - 1, end, end - base + 1},   // one interval over all
                {base + 30 * 60_000, base + 4 * H, 10 * 60_000}, // shorter than an hour: points alone
        };
        for (long[] q : queries) {
            for (String agg : AGGS) {
                JsonNode r = get("keys=m,l&agg=" + agg + "&startTs=" + q[0] + "&endTs=" + q[1] + "&interval=" + q[2]);
                String as = what + ": " + agg + " from " + (q[0] - base) + " to " + (q[1] - base) + " per " + q[2];
                TimeseriesQueryTest.assertBuckets(r.get("m"), TimeseriesQueryTest.expected(mixed, agg, q[0], q[1], q[2]),
                        as + " of m");
                TimeseriesQueryTest.assertBuckets(r.get("l"), TimeseriesQueryTest.expected(longs, agg, q[0], q[1], q[2]),
                        as + " of l");
            }
        }
    }

    private JsonNode get(String query) {
        return tenant.get("/api/plugins/telemetry/DEVICE/" + deviceId + "/values/timeseries?" + query
                + "&orderBy=ASC&limit=100000&useStrictDataTypes=true").ok();
    }

    private void add(ArrayNode body, long ts) {
        if (longs.stream().anyMatch(p -> p.ts() == ts)) {
            return;
        }
        Number m = random.nextInt(3) == 0 ? (Number) Long.valueOf(random.nextInt(1000) - 500L)
                : (Number) Double.valueOf(random.nextInt(100_000) / 100.0 - 500 + 0.125);
        long l = 40_000_000_000_000L + random.nextInt(1_000_000);
        point(body, ts, m, l);
        mixed.add(new Point(ts, m));
        longs.add(new Point(ts, l));
    }

    private static void point(ArrayNode body, long ts, Number m, Number l) {
        var values = body.addObject().put("ts", ts).putObject("values");
        if (m instanceof Long v) {
            values.put("m", v);
        } else {
            values.put("m", m.doubleValue());
        }
        values.put("l", l.longValue());
    }

    private void repost(List<Point> points, Predicate<Point> which) {
        ArrayNode body = JsonNodeFactory.instance.arrayNode();
        List<Long> done = new ArrayList<>();
        for (Point p : points) {
            if (which.test(p) && !done.contains(p.ts())) {
                done.add(p.ts());
                body.addObject().put("ts", p.ts()).putObject("values").put("l", p.v().longValue());
            }
        }
        // Written again with the points' TTL classes: the forever class, and the five-day one for the first day.
        post("", body);
        if (points.stream().anyMatch(p -> which.test(p) && p.ts() < base + DAY)) {
            post("/432000", body);
        }
    }

    private void post(String ttl, ArrayNode body) {
        tenant.post("/api/plugins/telemetry/DEVICE/" + deviceId + "/timeseries/ANY" + ttl, body).ok();
    }

    private long count(String table) {
        return jdbc.queryForObject("SELECT count(*) FROM " + table, Long.class);
    }
}
