package io.mote.cluster.bus;

import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The core topic's records whose work is still under way, per partition in offset order, so the consumer
 * can go on polling while earlier work completes and commit each partition up to its first record not yet
 * done (at least once: what was not committed is read again by the partition's next owner). Touched by the
 * consumer's thread only; the work itself completes on other threads.
 */
final class CommitTracker {

    private record Tracked(long offset, CompletableFuture<?> work) {
    }

    private final Map<TopicPartition, ArrayDeque<Tracked>> inFlight = new HashMap<>();
    /** The next offset to commit per partition, not yet committed. */
    private final Map<TopicPartition, Long> ready = new HashMap<>();
    private int size;

    /** A record whose work started; {@code work} null when it needs no waiting for. */
    void add(TopicPartition tp, long offset, CompletableFuture<?> work) {
        ArrayDeque<Tracked> q = inFlight.computeIfAbsent(tp, k -> new ArrayDeque<>());
        if (work == null && q.isEmpty()) {
            ready.put(tp, offset + 1);
            return;
        }
        q.addLast(new Tracked(offset, work == null ? CompletableFuture.completedFuture(null) : work));
        size++;
    }

    /** Records whose work has not been seen completed yet. */
    int size() {
        return size;
    }

    /** The offsets to commit now (each partition's first record not done), forgotten once returned. */
    Map<TopicPartition, OffsetAndMetadata> completed() {
        for (Map.Entry<TopicPartition, ArrayDeque<Tracked>> e : inFlight.entrySet()) {
            ArrayDeque<Tracked> q = e.getValue();
            long next = -1;
            while (!q.isEmpty() && q.peekFirst().work().isDone()) {
                next = q.pollFirst().offset() + 1;
                size--;
            }
            if (next >= 0) {
                ready.put(e.getKey(), next);
            }
        }
        if (ready.isEmpty()) {
            return Map.of();
        }
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>(ready.size() * 2);
        ready.forEach((tp, offset) -> out.put(tp, new OffsetAndMetadata(offset)));
        ready.clear();
        return out;
    }

    /**
     * Partitions leaving this node: their work is waited for (up to {@code waitMs} in all) so what completed
     * can be committed before the next owner starts; the rest is read again there.
     */
    void awaitWork(Collection<TopicPartition> partitions, long waitMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        for (TopicPartition tp : partitions) {
            ArrayDeque<Tracked> q = inFlight.get(tp);
            if (q == null) {
                continue;
            }
            for (Tracked t : q) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    t.work().get(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                } catch (Exception e) {
                    // Failed work was answered as failed; slow work is answered when it ends.
                }
            }
        }
    }

    /** Drops what is tracked for these partitions (call after committing {@link #completed()}). */
    void forget(Collection<TopicPartition> partitions) {
        for (TopicPartition tp : partitions) {
            ArrayDeque<Tracked> q = inFlight.remove(tp);
            if (q != null) {
                size -= q.size();
            }
            ready.remove(tp);
        }
    }
}
