package io.mote.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.dao.TsPartitions;
import io.mote.dao.embedded.EmbeddedDatabase;

/**
 * Expiring one day of data points: dropping its partition against deleting the same rows. Two days of a TTL
 * class get the same {@code --points} each (1,000 devices, one key, generated in the database); the first day
 * is removed with {@code DELETE} (and the {@code VACUUM} that makes its space reusable), the second with
 * {@code DROP TABLE} of its partition, as the retention maintenance does.
 */
final class TsDropLoad {

    private static final long DAY = 86_400_000L;

    static void run(BenchArgs args) throws Exception {
        long points = Long.parseLong(args.string("points", "1000000"));
        int devices = 1000;
        Path dir = Files.createTempDirectory("mote-ts-drop");
        EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true);
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db.jdbcUrl());
        cfg.setUsername(db.username());
        cfg.setPassword(db.password());
        cfg.setMaximumPoolSize(3);
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            TsPartitions partitions = new TsPartitions(ds, DAY);
            int ttl = partitions.ttlClass(7 * 86_400);
            long day0 = Math.floorDiv(System.currentTimeMillis(), DAY) * DAY - 30 * DAY;
            long day1 = day0 + DAY;
            partitions.ensure(List.of(new long[] {ttl, day0}, new long[] {ttl, day1}));
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            long step = DAY / Math.max(1, points / devices);
            for (long day : List.of(day0, day1)) {
                long t0 = System.nanoTime();
                // Devices are md5-derived uuids: g / devices picks the time, g % devices the device.
                jdbc.update("""
                        INSERT INTO ts_kv (entity_id, key, ttl, ts, dbl_v)
                        SELECT md5((g % ?)::text)::uuid, 1, ?, ? + (g / ?) * ?, g FROM generate_series(0, ? - 1) g
                        """, devices, ttl, day, devices, step, points);
                System.out.printf("inserted %,d points into %s in %.1f s%n", points, "day " + day,
                        (System.nanoTime() - t0) / 1e9);
            }
            jdbc.execute("CHECKPOINT");
            String size = jdbc.queryForObject("SELECT pg_size_pretty(pg_total_relation_size('ts_kv_" + ttl + "_" + day0
                    + "'))", String.class);

            long t0 = System.nanoTime();
            int deleted = jdbc.update("DELETE FROM ts_kv WHERE ttl = ? AND ts >= ? AND ts < ?", ttl, day0, day0 + DAY);
            double delete = (System.nanoTime() - t0) / 1e9;
            t0 = System.nanoTime();
            jdbc.execute("VACUUM ts_kv_" + ttl + "_" + day0);
            double vacuum = (System.nanoTime() - t0) / 1e9;

            TsPartitions.Partition second = partitions.list().stream().filter(p -> p.from() == day1).findFirst()
                    .orElseThrow();
            t0 = System.nanoTime();
            partitions.drop(second, 60_000);
            double drop = (System.nanoTime() - t0) / 1e9;
            System.out.printf("one day of %,d data points (%s with its index): DELETE %,d rows %.2f s + VACUUM %.2f s; "
                    + "DROP TABLE of its partition %.3f s%n", points, size, deleted, delete, vacuum, drop);
        } finally {
            db.close();
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private TsDropLoad() {
    }
}
