package io.mote.dao;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.error.MoteException;
import io.mote.common.kv.TsKvEntry;

/**
 * The telemetry write path. Requests from many devices are queued and written together: one
 * transaction inserts every queued data point into {@code ts_kv} and upserts {@code ts_kv_latest} once per
 * device and key ({@link TsBatch}), then every request in it is acknowledged. This is group commit: a writer commits as soon as it has anything
 * (no waiting for a batch to fill), and whatever arrives while its commit is being flushed to disk goes
 * into its next one, so a lone request is answered in about one commit's time and a busy server writes
 * large batches, with one fsync per batch rather than per request. Each point goes to the {@code ts_kv}
 * partition of its TTL class and time; a batch meeting a partition that does not exist yet creates it
 * ({@link TsPartitions#ensure}) and is written again. The queue is bounded in data points; when it is full a request
 * is refused at once ({@link MoteException#overloaded()}), so callers push back instead of data being
 * dropped.
 */
public class TimeseriesWriter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TimeseriesWriter.class);

    private record Request(UUID entityId, List<TsKvEntry> entries, int ttl, CompletableFuture<Void> done) {
    }

    /** PostgreSQL's check_violation, which a row with no partition to go to raises. */
    private static final String NO_PARTITION = "23514";

    private final DataSource dataSource;
    private final KeyDictionary dictionary;
    private final TsPartitions partitions;
    private final int maxBatchPoints;
    private final Semaphore capacity;
    private final BlockingQueue<Request> queue = new LinkedBlockingQueue<>();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong writtenPoints = new AtomicLong();
    private final AtomicLong rejectedRequests = new AtomicLong();
    private volatile boolean running = true;

    /**
     * @param queueCapacity  data points that may wait to be written before requests are refused
     * @param maxBatchPoints data points written in one transaction at most
     * @param threads        writer threads (each with its own connection)
     */
    public TimeseriesWriter(DataSource dataSource, KeyDictionary dictionary, TsPartitions partitions,
                            int queueCapacity, int maxBatchPoints, int threads) {
        this.dataSource = dataSource;
        this.dictionary = dictionary;
        this.partitions = partitions;
        this.maxBatchPoints = maxBatchPoints;
        this.capacity = new Semaphore(queueCapacity);
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::run, "ts-writer-" + i);
            t.setDaemon(true);
            t.start();
            this.threads.add(t);
        }
    }

    /** Queues entries kept forever; the future completes once they are committed. */
    public CompletableFuture<Void> write(UUID entityId, List<TsKvEntry> entries) {
        return write(entityId, entries, 0);
    }

    /**
     * Queues the entries, to be kept for {@code ttlSeconds} (0 = forever); the future completes once they
     * are committed.
     */
    public CompletableFuture<Void> write(UUID entityId, List<TsKvEntry> entries, long ttlSeconds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (entries.isEmpty()) {
            done.complete(null);
            return done;
        }
        if (!running || !capacity.tryAcquire(entries.size())) {
            rejectedRequests.incrementAndGet();
            done.completeExceptionally(MoteException.overloaded());
            return done;
        }
        queue.add(new Request(entityId, entries, partitions.ttlClass(ttlSeconds), done));
        return done;
    }

    public long writtenPoints() {
        return writtenPoints.get();
    }

    public long rejectedRequests() {
        return rejectedRequests.get();
    }

    public int queuedPoints() {
        return queue.stream().mapToInt(r -> r.entries().size()).sum();
    }

    private void run() {
        List<Request> batch = new ArrayList<>();
        while (running || !queue.isEmpty()) {
            try {
                Request first = queue.poll(100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int points = first.entries().size();
                Request next;
                while (points < maxBatchPoints && (next = queue.poll()) != null) {
                    batch.add(next);
                    points += next.entries().size();
                }
                flush(batch, points);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Request> batch, int points) {
        try {
            TsBatch rows = new TsBatch();
            for (Request r : batch) {
                for (TsKvEntry e : r.entries()) {
                    rows.add(r.entityId(), dictionary.idOf(e.key()), e, r.ttl());
                }
            }
            try {
                commit(rows);
            } catch (SQLException e) {
                if (!NO_PARTITION.equals(e.getSQLState())) {
                    throw e;
                }
                // A point of a TTL or a time no partition holds yet: create them and write the batch again.
                partitions.ensure(rows.partitionKeys());
                commit(rows);
            }
            writtenPoints.addAndGet(rows.size());
            capacity.release(points);
            for (Request r : batch) {
                r.done().complete(null);
            }
        } catch (Exception e) {
            log.error("Telemetry batch of {} requests failed: {}", batch.size(), e.toString());
            capacity.release(points);
            MoteException failure = new MoteException(io.mote.common.error.ErrorCode.GENERAL,
                    "Telemetry could not be stored");
            for (Request r : batch) {
                r.done().completeExceptionally(failure);
            }
        }
    }

    private void commit(TsBatch rows) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            Transactions.run(c, () -> {
                rows.write(c);
                return null;
            });
        }
    }

    /** Stops accepting writes and waits for the queued ones to be written. */
    @Override
    public void close() {
        running = false;
        for (Thread t : threads) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
