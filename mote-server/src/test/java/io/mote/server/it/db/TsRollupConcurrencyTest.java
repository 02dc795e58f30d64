package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.dao.KeyDictionary;
import io.mote.dao.TimeseriesDao;
import io.mote.dao.TimeseriesWriter;
import io.mote.dao.TsPartitions;
import io.mote.dao.TsRollups;
import io.mote.dao.embedded.EmbeddedDatabase;

/**
 * The rollups' handshake under races: while writers store points into hours being rolled up and hours
 * rolled up already (new, overwritten, in two TTL classes) and ranges are deleted, rollup runs keep starting
 * from scratch. Once everything is written and a last run is done, every rollup equals the aggregate of its
 * points, and no hour holding points lacks one.
 */
class TsRollupConcurrencyTest {

    private static final long H = TsRollups.HOUR;
    private static final long DAY = 24 * H;

    @Test
    void rollupsEqualThePointsAfterConcurrentWritesDeletesAndRuns() throws Exception {
        Path dir = Files.createTempDirectory("mote-rollup-race");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(db.jdbcUrl());
            cfg.setUsername(db.username());
            cfg.setPassword(db.password());
            cfg.setMaximumPoolSize(8);
            try (HikariDataSource ds = new HikariDataSource(cfg)) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
                JdbcTemplate jdbc = new JdbcTemplate(ds);
                KeyDictionary keys = new KeyDictionary(jdbc);
                TsPartitions partitions = new TsPartitions(ds, DAY);
                TsRollups rollups = new TsRollups(ds, partitions, 0, true);
                TimeseriesDao dao = new TimeseriesDao(jdbc, keys, rollups, 1, Long.MAX_VALUE);
                // Six closed days; the runs roll them up as if it were the seventh.
                long base = 20_000 * DAY;
                long now = base + 6 * DAY + H;
                List<UUID> devices = List.of(UUID.randomUUID(), UUID.randomUUID(), UUID.randomUUID());
                AtomicBoolean writing = new AtomicBoolean(true);
                AtomicLong points = new AtomicLong();
                AtomicLong runs = new AtomicLong();
                try (TimeseriesWriter writer = new TimeseriesWriter(ds, keys, partitions, 100_000, 500, 2)) {
                    List<CompletableFuture<Void>> writers = new ArrayList<>();
                    for (int w = 0; w < 3; w++) {
                        Random random = new Random(w);
                        writers.add(CompletableFuture.runAsync(() -> {
                            while (writing.get()) {
                                UUID device = devices.get(random.nextInt(devices.size()));
                                List<TsKvEntry> entries = new ArrayList<>();
                                for (int i = 0; i < 50; i++) {
                                    // Whole seconds, so overwrites of the same timestamp are frequent.
                                    long ts = base + random.nextInt(6 * 86_400) * 1000L;
                                    String key = random.nextBoolean() ? "a" : "b";
                                    entries.add(new TsKvEntry(ts, random.nextInt(4) == 0
                                            ? KvEntry.ofLong(key, random.nextInt(1000))
                                            : KvEntry.ofDouble(key, random.nextInt(100_000) / 8.0)));
                                }
                                writer.write(device, entries, random.nextInt(5) == 0 ? 30 * 86_400 : 0).join();
                                points.addAndGet(entries.size());
                                if (random.nextInt(40) == 0) {
                                    long from = base + random.nextInt(6 * 24) * H + random.nextInt(3_600) * 1000L;
                                    dao.delete(device, Set.of("a"), from, from + random.nextInt(5) * H + 17_000,
                                            false, false);
                                }
                            }
                        }));
                    }
                    CompletableFuture<Void> runner = CompletableFuture.runAsync(() -> {
                        try {
                            while (writing.get()) {
                                if (runs.incrementAndGet() % 3 == 0) {
                                    try (var c = ds.getConnection()) {
                                        TsRollups.rebuild(c);
                                    }
                                }
                                rollups.run(now);
                            }
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    });
                    Thread.sleep(6_000);
                    writing.set(false);
                    CompletableFuture.allOf(writers.toArray(CompletableFuture[]::new)).join();
                    runner.join();
                }
                rollups.run(now);
                assertThat(runs.get()).as("rollup runs during the writes").isGreaterThan(5);
                assertThat(points.get()).isGreaterThan(10_000);
                assertThat(rollups.state()).containsExactly(base + 6 * DAY, base + 6 * DAY);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM ts_rollup_dirty", Long.class)).isZero();

                String actual = "SELECT entity_id, key, hour, ttl, cnt, lcnt, dcnt, lsum, lmin, lmax, dmin, dmax FROM ts_kv_hourly";
                String expected = "SELECT entity_id, key, ts - ts % " + H + ", ttl, count(*), count(long_v), count(dbl_v), "
                        + "sum(long_v), min(long_v), max(long_v), min(dbl_v), max(dbl_v) FROM ts_kv GROUP BY 1, 2, 3, 4";
                List<Map<String, Object>> missing = jdbc.queryForList(expected + " EXCEPT " + actual);
                List<Map<String, Object>> wrong = jdbc.queryForList(actual + " EXCEPT " + expected);
                assertThat(missing).as("hours whose rollup is missing or differs").isEmpty();
                assertThat(wrong).as("rollups that no points give").isEmpty();
                assertThat(jdbc.queryForObject("SELECT count(*) FROM ts_kv_hourly", Long.class)).isGreaterThan(500);
                // Double sums are added in another order: equal to a part in 10^9.
                assertThat(jdbc.queryForObject("""
                        SELECT count(*) FROM ts_kv_hourly h JOIN (SELECT entity_id, key, ts - ts %% %d AS hour, ttl,
                          sum(dbl_v) AS dsum FROM ts_kv GROUP BY 1, 2, 3, 4) p USING (entity_id, key, hour, ttl)
                        WHERE h.dsum IS DISTINCT FROM p.dsum
                          AND NOT abs(h.dsum - p.dsum) <= 1e-9 * greatest(1, abs(p.dsum))""".formatted(H), Long.class))
                        .isZero();
            }
        }
    }
}
