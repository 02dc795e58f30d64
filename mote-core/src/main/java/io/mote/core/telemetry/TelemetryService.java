package io.mote.core.telemetry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Service;

import io.mote.common.error.MoteException;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.subscription.SubscriptionService;
import io.mote.dao.Aggregation;
import io.mote.dao.TimeseriesDao;
import io.mote.dao.TimeseriesWriter;

/** Time series: the batched write path, reads with aggregation, deletes, and live fan-out. */
@Service
public class TelemetryService {

    /** Most intervals one aggregated read may produce per key. */
    public static final long MAX_INTERVALS = 50_000;

    private final TimeseriesWriter writer;
    private final TimeseriesDao dao;
    private final SubscriptionService subscriptions;
    private final long minTs;
    private final long maxFutureMs;

    public TelemetryService(TimeseriesWriter writer, TimeseriesDao dao, SubscriptionService subscriptions,
                            @Value("${mote.telemetry.min-ts:0}") long minTs,
                            @Value("${mote.telemetry.max-future-ms:86400000}") long maxFutureMs) {
        this.writer = writer;
        this.dao = dao;
        this.subscriptions = subscriptions;
        this.minTs = minTs;
        this.maxFutureMs = maxFutureMs;
    }

    /** {@link #save(UUID, List, long)} of points kept forever. */
    public CompletableFuture<Void> save(UUID entityId, List<TsKvEntry> entries) {
        return save(entityId, entries, 0);
    }

    /**
     * Stores the entries for {@code ttlSeconds} (0 = forever; see {@link StorageTtl} for the defaults).
     * Completes once the entries are committed; fails with SERVICE_UNAVAILABLE when the queue is full, and
     * with BAD_REQUEST_PARAMS when a timestamp is outside the accepted window (a point far in the future
     * would stay the key's latest value for ever).
     */
    public CompletableFuture<Void> save(UUID entityId, List<TsKvEntry> entries, long ttlSeconds) {
        long latest = System.currentTimeMillis() + maxFutureMs;
        for (TsKvEntry e : entries) {
            if (e.ts() < minTs || e.ts() > latest) {
                return CompletableFuture.failedFuture(MoteException.badRequest("Timestamp " + e.ts() + " of key '"
                        + e.key() + "' is outside the accepted window: from " + minTs + " to " + maxFutureMs
                        + " ms after the server's time"));
            }
        }
        return writer.write(entityId, entries, ttlSeconds).thenRun(() -> subscriptions.onTimeseries(entityId, entries));
    }

    public List<TsKvEntry> latest(UUID entityId, Collection<String> keys) {
        return dao.latest(entityId, keys);
    }

    public List<String> keys(UUID entityId) {
        return dao.keys(entityId);
    }

    /** Values of each key in the range, raw or aggregated per interval. */
    public List<TsKvEntry> history(UUID entityId, Collection<String> keys, long startTs, long endTs, long interval,
                                   Aggregation agg, int limit, boolean ascending) {
        if (startTs > endTs) {
            throw MoteException.invalid("startTs must not be after endTs");
        }
        if (limit < 1) {
            throw MoteException.invalid("limit must be positive");
        }
        List<TsKvEntry> out = new ArrayList<>();
        for (String key : keys) {
            if (agg == Aggregation.NONE) {
                out.addAll(dao.raw(entityId, key, startTs, endTs, limit, ascending));
            } else {
                long step = interval > 0 ? interval : Math.max(1, endTs - startTs + 1);
                if ((endTs - startTs) / step > MAX_INTERVALS) {
                    throw MoteException.invalid("interval is too small for the time range: at most "
                            + MAX_INTERVALS + " intervals");
                }
                out.addAll(dao.aggregate(entityId, key, startTs, endTs, step, agg, limit, ascending));
            }
        }
        return out;
    }

    public void delete(UUID entityId, Collection<String> keys, long startTs, long endTs, boolean deleteLatest,
                       boolean rewriteLatest) {
        dao.delete(entityId, keys, startTs, endTs, deleteLatest, rewriteLatest);
    }
}
