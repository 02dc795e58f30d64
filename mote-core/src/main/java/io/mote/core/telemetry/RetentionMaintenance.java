package io.mote.core.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.mote.dao.TsPartitions;
import io.mote.dao.TsPartitions.Partition;

/**
 * Keeps {@code ts_kv}'s partitions: creates those of the coming partition lengths for every TTL class (so
 * writers rarely meet a missing one) and drops the partitions whose points have all outlived their TTL, one
 * log line per drop. Runs in one thread, at start and every {@code mote.ts.maintenance-interval}.
 */
@Component
public class RetentionMaintenance {

    private static final Logger log = LoggerFactory.getLogger(RetentionMaintenance.class);
    private static final long DROP_LOCK_TIMEOUT_MS = 5_000;

    private final TsPartitions partitions;
    private final int ahead;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ts-retention");
        t.setDaemon(true);
        return t;
    });

    public RetentionMaintenance(TsPartitions partitions,
                                @Value("${mote.ts.maintenance-interval:1h}") Duration interval,
                                @Value("${mote.ts.partitions-ahead:2}") int ahead) {
        this.partitions = partitions;
        this.ahead = ahead;
        thread.scheduleWithFixedDelay(() -> {
            try {
                run(System.currentTimeMillis());
            } catch (Exception e) {
                log.warn("Time series retention run failed: {}", e.toString());
            }
        }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Runs once now, as if the time were {@code nowMs}, on the maintenance thread; the partitions dropped. */
    public List<Partition> runNow(long nowMs) throws InterruptedException, ExecutionException {
        return thread.submit(() -> run(nowMs)).get();
    }

    private List<Partition> run(long nowMs) throws Exception {
        partitions.ensureAhead(nowMs, nowMs + ahead * partitions.lengthMs());
        List<Partition> dropped = new ArrayList<>();
        for (Partition p : partitions.list()) {
            if (p.expiresAt() <= nowMs) {
                if (partitions.drop(p, DROP_LOCK_TIMEOUT_MS)) {
                    log.info("Dropped time series partition {}: TTL {} s, ts from {} to {}, expired at {}", p.name(),
                            p.ttl(), Instant.ofEpochMilli(p.from()), Instant.ofEpochMilli(p.to()),
                            Instant.ofEpochMilli(p.expiresAt()));
                    dropped.add(p);
                } else {
                    log.info("Time series partition {} expired but is in use; dropped on the next run", p.name());
                }
            }
        }
        return dropped;
    }

    @PreDestroy
    public void stop() {
        thread.shutdownNow();
    }
}
