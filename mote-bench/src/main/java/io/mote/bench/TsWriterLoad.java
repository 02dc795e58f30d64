package io.mote.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.flywaydb.core.Flyway;
import org.springframework.jdbc.core.JdbcTemplate;

import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.dao.KeyDictionary;
import io.mote.dao.TimeseriesWriter;
import io.mote.dao.TsPartitions;
import io.mote.dao.embedded.EmbeddedDatabase;

/**
 * The telemetry write path alone: {@code TimeseriesWriter} fed directly, against the embedded PostgreSQL
 * (fsync on, synchronous commit, in a temporary directory) or {@code --jdbc-url}. {@code in-flight}
 * requests are kept outstanding over {@code devices} devices, each request {@code keys} data points of
 * one device (alternately double and long values, as the ingest scenarios send), the next leaving when
 * one is committed. One round per value of {@code --keys} (a comma-separated list), on the same
 * database, each with its own warm-up. Besides the rates it reports the CPU time the writer's JVM and the
 * PostgreSQL processes spent per data point, which a machine shared with other work changes far less
 * than the rates.
 */
final class TsWriterLoad {

    static void run(BenchArgs args) throws Exception {
        int devices = args.integer("devices", 1000);
        int inFlight = args.integer("in-flight", 200);
        int warmup = args.integer("warmup", 5);
        int duration = args.integer("duration", 20);
        int threads = args.integer("writer-threads", 2);
        int batch = args.integer("batch-size", 5000);
        int capacity = args.integer("queue-capacity", 200_000);
        String jdbcUrl = args.string("jdbc-url", "");
        List<Integer> keyCounts = Stream.of(args.string("keys", "1,3,10,100").split(",")).map(String::trim)
                .map(Integer::parseInt).toList();

        Path dir = Files.createTempDirectory("mote-ts-writer");
        EmbeddedDatabase db = jdbcUrl.isBlank() ? EmbeddedDatabase.start(dir, 0, true) : null;
        HikariConfig cfg = new HikariConfig();
        cfg.setJdbcUrl(db != null ? db.jdbcUrl() : jdbcUrl);
        if (db != null) {
            cfg.setUsername(db.username());
            cfg.setPassword(db.password());
        } else {
            cfg.setUsername(args.string("jdbc-username", null));
            cfg.setPassword(args.string("jdbc-password", null));
        }
        cfg.setMaximumPoolSize(threads + 2);
        cfg.addDataSourceProperty("reWriteBatchedInserts", "true");
        try (HikariDataSource ds = new HikariDataSource(cfg)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            TsPartitions partitions = new TsPartitions(ds, 86_400_000L);
            System.out.printf("ts-writer: %s, %d writer threads, batches of at most %d data points, %d devices, "
                            + "%d requests in flight, %d s warm-up, %d s measured per round%n",
                    db != null ? "embedded PostgreSQL (fsync on, synchronous commit)" : jdbcUrl, threads, batch,
                    devices, inFlight, warmup, duration);
            List<UUID> ids = new ArrayList<>(devices);
            for (int i = 0; i < devices; i++) {
                ids.add(UUID.randomUUID());
            }
            long postmaster = db != null ? db.pid() : -1;
            for (int keys : keyCounts) {
                try (TimeseriesWriter writer = new TimeseriesWriter(ds, new KeyDictionary(new JdbcTemplate(ds)),
                        partitions, capacity, batch, threads)) {
                    round(writer, ids, keys, inFlight, warmup, duration, postmaster);
                }
            }
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            System.out.printf("rows: ts_kv %d, ts_kv_latest %d; ts_kv with its indexes %s%n",
                    jdbc.queryForObject("SELECT count(*) FROM ts_kv", Long.class),
                    jdbc.queryForObject("SELECT count(*) FROM ts_kv_latest", Long.class),
                    jdbc.queryForObject("SELECT pg_size_pretty(sum(pg_total_relation_size(relid))) "
                            + "FROM pg_partition_tree('ts_kv')", String.class));
        } finally {
            if (db != null) {
                db.close();
            }
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.exit(0);
    }

    private static void round(TimeseriesWriter writer, List<UUID> ids, int keys, int inFlight, int warmup,
                              int duration, long postmaster) throws InterruptedException, java.io.IOException {
        Recorder latencies = new Recorder(3);
        LongAdder ok = new LongAdder();
        LongAdder failed = new LongAdder();
        AtomicLong next = new AtomicLong();
        // Timestamps move forward with every request, so no two requests of a device share one.
        AtomicLong clock = new AtomicLong(System.currentTimeMillis() * 1000);
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + duration * 1_000_000_000L;
        CountDownLatch done = new CountDownLatch(inFlight);
        long written0 = 0;
        for (int i = 0; i < inFlight; i++) {
            send(writer, ids, keys, next, clock, measureFrom, end, latencies, ok, failed, done);
        }
        TimeUnit.NANOSECONDS.sleep(Math.max(0, measureFrom - System.nanoTime()));
        written0 = writer.writtenPoints();
        long jvm0 = CpuTime.ofProcess(ProcessHandle.current().pid());
        long pg0 = postmaster > 0 ? CpuTime.ofTree(postmaster) : 0;
        TimeUnit.NANOSECONDS.sleep(Math.max(0, end - System.nanoTime()));
        long points = writer.writtenPoints() - written0;
        long jvm = CpuTime.ofProcess(ProcessHandle.current().pid()) - jvm0;
        long pg = postmaster > 0 ? CpuTime.ofTree(postmaster) - pg0 : 0;
        done.await(120L, TimeUnit.SECONDS);
        Histogram h = latencies.getIntervalHistogram();
        System.out.printf("%3d keys a request: %,.0f requests/s, %,.0f data points/s committed; "
                        + "latency ms p50 %.2f p90 %.2f p99 %.2f max %.2f; failed %d; "
                        + "CPU per 1,000 data points: this JVM %.1f ms, PostgreSQL %.1f ms%n",
                keys, ok.sum() / (double) duration, points / (double) duration, ms(h, 50), ms(h, 90), ms(h, 99),
                h.getMaxValue() / 1000.0, failed.sum(), jvm * 1000.0 / Math.max(1, points),
                pg * 1000.0 / Math.max(1, points));
    }

    private static void send(TimeseriesWriter writer, List<UUID> ids, int keys, AtomicLong next, AtomicLong clock,
                             long measureFrom, long end, Recorder latencies, LongAdder ok, LongAdder failed,
                             CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        long n = next.getAndIncrement();
        UUID device = ids.get((int) (n % ids.size()));
        long ts = clock.incrementAndGet() / 1000;
        List<TsKvEntry> entries = new ArrayList<>(keys);
        for (int k = 0; k < keys; k++) {
            KvEntry kv = (k & 1) == 0 ? KvEntry.ofDouble("key" + k, 20 + (n + k) % 100 / 10.0)
                    : KvEntry.ofLong("key" + k, n + k);
            entries.add(new TsKvEntry(ts, kv));
        }
        long t0 = System.nanoTime();
        writer.write(device, entries).whenComplete((r, err) -> {
            long t1 = System.nanoTime();
            if (t0 >= measureFrom && t1 <= end) {
                if (err == null) {
                    ok.increment();
                    latencies.recordValue((t1 - t0) / 1000);
                } else {
                    failed.increment();
                }
            }
            if (err != null) {
                // Pushed back (queue full): try again a little later rather than spinning.
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            send(writer, ids, keys, next, clock, measureFrom, end, latencies, ok, failed, done);
        });
    }

    private static double ms(Histogram h, double percentile) {
        return h.getValueAtPercentile(percentile) / 1000.0;
    }

    private TsWriterLoad() {
    }
}
