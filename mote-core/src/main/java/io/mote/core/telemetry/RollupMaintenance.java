package io.mote.core.telemetry;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

import io.mote.dao.TsRollups;

/**
 * Keeps the hourly rollups of {@code ts_kv} ({@link TsRollups}): at start and every
 * {@code mote.ts.rollup-interval}, rolls up the partitions closed since the last run and the hours changed
 * after they were rolled up, in one thread; one log line per run that rolled up a partition (about one a partition length).
 */
@Component
public class RollupMaintenance {

    private static final Logger log = LoggerFactory.getLogger(RollupMaintenance.class);

    private final TsRollups rollups;
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "ts-rollup");
        t.setDaemon(true);
        return t;
    });

    public RollupMaintenance(TsRollups rollups, @Value("${mote.ts.rollup-interval:1m}") Duration interval) {
        this.rollups = rollups;
        if (rollups.enabled()) {
            thread.scheduleWithFixedDelay(() -> {
                try {
                    run(System.currentTimeMillis());
                } catch (Exception e) {
                    log.warn("Time series rollup run failed: {}", e.toString());
                }
            }, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /** Runs once now, as if the time were {@code nowMs}, on the rollup thread. */
    public TsRollups.Run runNow(long nowMs) throws InterruptedException, ExecutionException {
        return thread.submit(() -> run(nowMs)).get();
    }

    private TsRollups.Run run(long nowMs) throws Exception {
        long t0 = System.nanoTime();
        TsRollups.Run run = rollups.run(nowMs);
        if (run.chunks() > 0) {
            log.info("Rolled up time series: {} chunks from {} to {} ({} hourly rows), {} changed hours again, in {} ms",
                    run.chunks(), Instant.ofEpochMilli(run.rolledFrom()), Instant.ofEpochMilli(run.rolledTo()),
                    run.rows(), run.dirtyHours(), (System.nanoTime() - t0) / 1_000_000);
        } else if (run.didAnything()) {
            log.debug("Rolled up {} changed hours again", run.dirtyHours());
        }
        return run;
    }

    @PreDestroy
    public void stop() {
        thread.shutdownNow();
    }
}
