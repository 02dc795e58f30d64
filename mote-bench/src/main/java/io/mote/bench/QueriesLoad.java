package io.mote.bench;

import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import tools.jackson.databind.JsonNode;

import org.postgresql.ds.PGSimpleDataSource;

import io.mote.common.json.Json;
import io.mote.dao.TsPartitions;
import io.mote.dao.TsRollups;

/**
 * Read queries over generated data. {@code generate}: one device with {@code points} values of one key
 * spread over {@code days} (written straight into the server's database with generate_series, far faster
 * than any device could send them) and {@code devices} devices with three latest values each, then VACUUM
 * ANALYZE. {@code measure}: times the REST reads, the first run of each (cold when the server was just
 * restarted) apart from the median and p95 of {@code runs} more.
 */
final class QueriesLoad {

    static final String SERIES_DEVICE = "q-series";
    static final String SERIES_KEY = "q_temp";
    static final String[] LATEST_KEYS = {"q_k0", "q_k1", "q_k2"};
    static final long DAY = 86_400_000L;

    static void run(BenchArgs args) throws Exception {
        String url = args.string("url", "http://127.0.0.1:8080");
        String phase = args.string("phase", "measure");
        MoteAdmin admin = new MoteAdmin(url);
        admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
        if (phase.equals("generate")) {
            generate(admin, args);
        } else {
            measure(admin, args);
        }
    }

    private static void generate(MoteAdmin admin, BenchArgs args) throws Exception {
        long points = Long.parseLong(args.string("points", "10000000"));
        int devices = args.integer("devices", 10_000);
        long end = Long.parseLong(args.string("end-ts", "1767225600000")); // 2026-01-01T00:00Z
        long start = end - args.integer("days", 365) * DAY;
        admin.ensureDevice(SERIES_DEVICE, "q-series-token");
        UUID series = UUID.fromString(admin.deviceId(SERIES_DEVICE));
        try (Connection c = DriverManager.getConnection(args.string("jdbc-url", ""), "postgres",
                args.string("jdbc-password", ""))) {
            c.setAutoCommit(true);
            // The many devices as rows like the one created through REST (no credentials: they are only read).
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO device (id, created_time, tenant_id, name, type, device_profile_id)
                    SELECT gen_random_uuid(), s.created_time + i, s.tenant_id, 'q-dev-' || i, s.type,
                           s.device_profile_id
                    FROM device s, generate_series(0, ? - 1) i WHERE s.id = ? ON CONFLICT DO NOTHING""")) {
                ps.setInt(1, devices);
                ps.setObject(2, series);
                ps.executeUpdate();
            }
            int key = keyId(c, SERIES_KEY);
            long step = (end - start) / points;
            // ts_kv is partitioned by time: the server makes partitions for the days it writes, so the
            // bench makes those of its past year first, of the server's length (mote.ts.partition-length).
            PGSimpleDataSource ds = new PGSimpleDataSource();
            ds.setUrl(args.string("jdbc-url", ""));
            ds.setUser("postgres");
            ds.setPassword(args.string("jdbc-password", ""));
            TsPartitions partitions = new TsPartitions(ds, Long.parseLong(args.string("partition-length-ms", "" + DAY)));
            List<long[]> days = new ArrayList<>();
            for (long ts = start; ts < end; ts += partitions.lengthMs()) {
                days.add(new long[] {0, ts});
            }
            days.add(new long[] {0, end - 1});
            partitions.ensure(days);
            long t0 = System.nanoTime();
            // Mostly doubles with one long in ten, as a mixed-type key in ThingsBoard is stored.
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ts_kv (entity_id, key, ts, long_v, dbl_v)
                    SELECT ?, ?, ? + i * ?, CASE WHEN i % 10 = 0 THEN i % 100 END,
                           CASE WHEN i % 10 <> 0 THEN (i % 1000) / 10.0 END
                    FROM generate_series(?::bigint, ?::bigint) i ON CONFLICT DO NOTHING""")) {
                long chunk = 1_000_000;
                for (long from = 0; from < points; from += chunk) {
                    ps.setObject(1, series);
                    ps.setInt(2, key);
                    ps.setLong(3, start);
                    ps.setLong(4, step);
                    ps.setLong(5, from);
                    ps.setLong(6, Math.min(points, from + chunk) - 1);
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO ts_kv_latest (entity_id, key, ts, dbl_v)
                    SELECT id, ?, ?, random() * 100 FROM device WHERE name LIKE 'q-dev-%'
                    ON CONFLICT (entity_id, key) DO UPDATE SET ts = excluded.ts, dbl_v = excluded.dbl_v""")) {
                for (String k : LATEST_KEYS) {
                    ps.setInt(1, keyId(c, k));
                    ps.setLong(2, end);
                    ps.executeUpdate();
                }
            }
            System.out.printf("generated %d points of %s (one every %d ms from %d) and %d devices x %d latest"
                    + " values in %d ms%n", points, SERIES_KEY, step, start, devices, LATEST_KEYS.length,
                    (System.nanoTime() - t0) / 1_000_000);
            // Written behind the server's back: its hourly rollups know nothing of them, so they start again,
            // here with the server's own code (a scheduled run of the server's meanwhile makes this one skip).
            TsRollups.rebuild(c);
            long r0 = System.nanoTime();
            TsRollups.Run run = new TsRollups(ds, partitions, 600_000, true).run(System.currentTimeMillis());
            System.out.printf("rolled up from scratch: %d chunks, %d hourly rows, in %d ms%s%n", run.chunks(), run.rows(),
                    (System.nanoTime() - r0) / 1_000_000, run.chunks() == 0 ? " (skipped: the server's run was rolling up)" : "");
            t0 = System.nanoTime();
            try (Statement s = c.createStatement()) {
                s.execute("VACUUM ANALYZE ts_kv");
                s.execute("VACUUM ANALYZE ts_kv_latest");
            }
            System.out.printf("VACUUM ANALYZE in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        }
    }

    private static int keyId(Connection c, String key) throws Exception {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO key_dictionary (key) VALUES (?) "
                + "ON CONFLICT (key) DO UPDATE SET key = excluded.key RETURNING key_id")) {
            ps.setString(1, key);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    private static void measure(MoteAdmin admin, BenchArgs args) throws Exception {
        int runs = args.integer("runs", 20);
        long end = Long.parseLong(args.string("end-ts", "1767225600000"));
        long start = end - args.integer("days", 365) * DAY;
        String series = admin.deviceId(SERIES_DEVICE);
        String range = "/api/plugins/telemetry/DEVICE/" + series + "/values/timeseries?keys=" + SERIES_KEY
                + "&startTs=" + start + "&endTs=" + end;
        if (!args.string("jdbc-url", "").isEmpty()) {
            awaitRollups(args, end);
        }
        System.out.printf("%-44s %8s %8s %8s %8s %10s%n", "request", "cold ms", "p50 ms", "p95 ms", "max ms",
                "answer");
        for (String agg : List.of("AVG", "MIN", "MAX", "SUM", "COUNT")) {
            time("1 h buckets, " + agg, runs, () -> admin.send("GET", range + "&agg=" + agg
                    + "&interval=3600000&limit=10000", null));
        }
        for (String agg : List.of("AVG", "COUNT")) {
            time("one bucket over all, " + agg, runs, () -> admin.send("GET", range + "&agg=" + agg
                    + "&interval=" + (end - start + 1) + "&limit=10000", null));
        }
        time("1 day buckets, AVG", runs, () -> admin.send("GET", range + "&agg=AVG&interval=" + DAY
                + "&limit=10000", null));
        time("raw, newest 100", runs, () -> admin.send("GET", range + "&agg=NONE&limit=100", null));

        String query = entityQuery(args.integer("devices", 10_000));
        HttpResponse<String> probe = admin.send("POST", "/api/entitiesQuery/find", query);
        if (probe.statusCode() == 200) {
            time("entitiesQuery/find, latest of 3 keys", runs, () -> admin.send("POST", "/api/entitiesQuery/find",
                    query));
        } else {
            System.out.println("POST /api/entitiesQuery/find answered " + probe.statusCode() + ": not measured");
        }
        if (Boolean.parseBoolean(args.string("per-device", "false"))) {
            perDevice(admin, args.integer("devices", 10_000), args.integer("rest-parallel", 16));
        }
        if (!args.string("jdbc-url", "").isEmpty() && Boolean.parseBoolean(args.string("explain", "true"))) {
            explain(args, UUID.fromString(series), start, end);
        }
    }

    /**
     * Waits while the server rolls up the generated year (as long as it makes progress: a server with
     * rollups off never does), and says how long it took and how far it got.
     */
    private static void awaitRollups(BenchArgs args, long end) throws Exception {
        try (Connection c = DriverManager.getConnection(args.string("jdbc-url", ""), "postgres",
                args.string("jdbc-password", ""))) {
            long t0 = System.nanoTime();
            long rolled = TsRollups.state(c)[0];
            long moved = System.nanoTime();
            while (rolled < end && System.nanoTime() - moved < 30_000_000_000L) {
                Thread.sleep(200);
                long now = TsRollups.state(c)[0];
                if (now != rolled) {
                    rolled = now;
                    moved = System.nanoTime();
                }
            }
            long rows;
            try (var rs = c.createStatement().executeQuery("SELECT count(*) FROM ts_kv_hourly")) {
                rs.next();
                rows = rs.getLong(1);
            }
            System.out.printf("hourly rollups: rolled up to %s (%d rows), waited %d ms%n",
                    java.time.Instant.ofEpochMilli(rolled), rows, (System.nanoTime() - t0) / 1_000_000);
        }
    }

    /**
     * The plan and timing inside PostgreSQL of the 1 h AVG aggregation, the server's own SQL: over the points
     * (what the hours not rolled up take), then over the hourly rollups.
     */
    private static void explain(BenchArgs args, UUID series, long start, long end) throws Exception {
        explain(args, series, start, end, io.mote.dao.TimeseriesDao.aggregateSql(io.mote.dao.Aggregation.AVG),
                "the points");
        explain(args, series, start, end, io.mote.dao.TimeseriesDao.hourlyAggregateSql(io.mote.dao.Aggregation.AVG),
                "the hourly rollups");
    }

    private static void explain(BenchArgs args, UUID series, long start, long end, String sql, String what)
            throws Exception {
        try (Connection c = DriverManager.getConnection(args.string("jdbc-url", ""), "postgres",
                args.string("jdbc-password", ""));
             PreparedStatement ps = c.prepareStatement("EXPLAIN (ANALYZE, BUFFERS) " + sql)) {
            int key;
            try (var rs = c.createStatement().executeQuery("SELECT key_id FROM key_dictionary WHERE key = '"
                    + SERIES_KEY + "'")) {
                rs.next();
                key = rs.getInt(1);
            }
            // All the buckets in one scan: what one of the server's parallel scans does for its share.
            List<Long> los = new ArrayList<>();
            List<Long> his = new ArrayList<>();
            List<Integer> buckets = new ArrayList<>();
            for (long lo = start; lo <= end; lo += 3_600_000L) {
                los.add(lo);
                his.add(Math.min(lo + 3_600_000L, end + 1));
                buckets.add(buckets.size());
            }
            ps.setArray(1, c.createArrayOf("int8", los.toArray()));
            ps.setArray(2, c.createArrayOf("int8", his.toArray()));
            ps.setArray(3, c.createArrayOf("int4", buckets.toArray()));
            ps.setObject(4, series);
            ps.setInt(5, key);
            System.out.println("EXPLAIN (ANALYZE, BUFFERS) of the 1 h AVG aggregation over " + what + ":");
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    System.out.println("  " + rs.getString(1));
                }
            }
        }
    }

    /** The dashboard query: every q-dev device, its name and three latest values, in one page. */
    static String entityQuery(int devices) {
        var q = Json.object();
        q.putObject("entityFilter").put("type", "entityType").put("resolveMultiple", true).put("entityType", "DEVICE");
        var page = q.putObject("pageLink").put("page", 0).put("pageSize", devices).put("textSearch", "q-dev-");
        page.putObject("sortOrder").put("direction", "ASC").putObject("key").put("type", "ENTITY_FIELD")
                .put("key", "name");
        q.putArray("entityFields").addObject().put("type", "ENTITY_FIELD").put("key", "name");
        var latest = q.putArray("latestValues");
        for (String k : LATEST_KEYS) {
            latest.addObject().put("type", "TIME_SERIES").put("key", k);
        }
        return Json.write(q);
    }

    /** The latest values of every device one request each, as a client without the entity query must. */
    private static void perDevice(MoteAdmin admin, int devices, int parallel) throws Exception {
        JsonNode page = admin.get("/api/tenant/devices?pageSize=" + devices + "&page=0&textSearch=q-dev-");
        List<String> ids = new ArrayList<>();
        page.path("data").forEach(d -> ids.add(d.path("id").path("id").asString()));
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        long t0 = System.nanoTime();
        List<Future<Integer>> answers = new ArrayList<>();
        for (String id : ids) {
            answers.add(pool.submit(() -> admin.send("GET", "/api/plugins/telemetry/DEVICE/" + id
                    + "/values/timeseries?keys=" + String.join(",", LATEST_KEYS), null).statusCode()));
        }
        long ok = 0;
        for (Future<Integer> a : answers) {
            ok += a.get() == 200 ? 1 : 0;
        }
        pool.shutdown();
        System.out.printf("latest of %d devices one values/timeseries request each (%d in flight): %d ms, %d answered 200%n",
                ids.size(), parallel, (System.nanoTime() - t0) / 1_000_000, ok);
    }

    interface Call {
        HttpResponse<String> call() throws Exception;
    }

    private static void time(String name, int runs, Call call) throws Exception {
        long cold = once(call);
        long[] ms = new long[runs];
        int bytes = 0;
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = call.call();
            ms[i] = (System.nanoTime() - t0) / 1_000_000;
            bytes = r.body().length();
            if (r.statusCode() != 200) {
                throw new IllegalStateException(name + " answered " + r.statusCode() + ": " + r.body());
            }
        }
        Arrays.sort(ms);
        System.out.printf("%-44s %8d %8d %8d %8d %9dB%n", name, cold, ms[runs / 2],
                ms[(int) Math.ceil(runs * 0.95) - 1], ms[runs - 1], bytes);
    }

    private static long once(Call call) throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<String> r = call.call();
        if (r.statusCode() != 200) {
            throw new IllegalStateException("answered " + r.statusCode() + ": " + r.body());
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private QueriesLoad() {
    }
}
