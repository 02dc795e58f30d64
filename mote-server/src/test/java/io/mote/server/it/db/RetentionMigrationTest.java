package io.mote.server.it.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.dao.KeyDictionary;
import io.mote.dao.TimeseriesWriter;
import io.mote.dao.TsPartitions;
import io.mote.dao.TsRollups;
import io.mote.dao.embedded.EmbeddedDatabase;

/**
 * V8 on a database that already holds time series: the rows stay, kept forever, in the old table now
 * attached as a partition; points written afterwards (again or new) go through the partitioned write path.
 */
class RetentionMigrationTest {

    @Test
    void existingRowsBecomeTheForeverPartition() throws Exception {
        Path dir = Files.createTempDirectory("mote-v8");
        try (EmbeddedDatabase db = EmbeddedDatabase.start(dir, 0, true)) {
            HikariConfig cfg = new HikariConfig();
            cfg.setJdbcUrl(db.jdbcUrl());
            cfg.setUsername(db.username());
            cfg.setPassword(db.password());
            cfg.setMaximumPoolSize(4);
            try (HikariDataSource ds = new HikariDataSource(cfg)) {
                Flyway.configure().dataSource(ds).locations("classpath:db/migration").target("7").load().migrate();
                JdbcTemplate jdbc = new JdbcTemplate(ds);
                UUID device = UUID.randomUUID();
                jdbc.update("INSERT INTO key_dictionary (key) VALUES ('t')");
                int key = jdbc.queryForObject("SELECT key_id FROM key_dictionary WHERE key = 't'", Integer.class);
                for (long ts = 1000; ts <= 5000; ts += 1000) {
                    jdbc.update("INSERT INTO ts_kv (entity_id, key, ts, long_v) VALUES (?, ?, ?, ?)", device, key, ts, ts);
                }

                Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();

                assertThat(jdbc.queryForList("SELECT tableoid::regclass::text FROM ts_kv WHERE entity_id = ?",
                        String.class, device)).hasSize(5).containsOnly("ts_kv_before_v8");
                assertThat(jdbc.queryForList("SELECT DISTINCT ttl FROM ts_kv", Integer.class)).containsExactly(0);
                TsPartitions partitions = new TsPartitions(ds, 3_600_000);
                assertThat(partitions.list()).singleElement().satisfies(p -> {
                    assertThat(p.from()).isEqualTo(Long.MIN_VALUE);
                    assertThat(p.to()).isEqualTo(5001);
                    assertThat(p.expiresAt()).isEqualTo(Long.MAX_VALUE);
                });

                try (TimeseriesWriter writer = new TimeseriesWriter(ds, new KeyDictionary(jdbc), partitions, 1000, 100, 1)) {
                    // One point again (it replaces the old row) and one after the old table's range.
                    writer.write(device, List.of(new TsKvEntry(3000, KvEntry.ofLong("t", 33)),
                            new TsKvEntry(7000, KvEntry.ofLong("t", 7)))).get();
                }
                assertThat(jdbc.queryForObject("SELECT long_v FROM ts_kv WHERE entity_id = ? AND ts = 3000", Long.class,
                        device)).isEqualTo(33);
                assertThat(jdbc.queryForObject("SELECT count(*) FROM ts_kv WHERE entity_id = ?", Long.class, device))
                        .isEqualTo(6);
                // The new partition starts where the old table's range ends, not on the hour before it.
                assertThat(jdbc.queryForObject("SELECT tableoid::regclass::text FROM ts_kv WHERE ts = 7000",
                        String.class)).isEqualTo("ts_kv_0_5001");

                // V10's rollups take in the migrated table, the whole of it in one chunk, and the partition after it.
                TsRollups.Run run = new TsRollups(ds, partitions, 0, true).run(10 * TsRollups.HOUR);
                assertThat(run.chunks()).isEqualTo(2);
                assertThat(run.rolledTo()).isEqualTo(10 * TsRollups.HOUR);
                assertThat(jdbc.queryForList("SELECT hour, cnt, lsum FROM ts_kv_hourly WHERE entity_id = ?", device))
                        .singleElement().satisfies(row -> {
                            assertThat(((Number) row.get("hour")).longValue()).isZero();
                            assertThat(((Number) row.get("cnt")).longValue()).isEqualTo(6);
                            assertThat(((Number) row.get("lsum")).longValue()).isEqualTo(1000 + 2000 + 33 + 4000 + 5000 + 7);
                        });
            }
        }
    }
}
