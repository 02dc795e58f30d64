package io.mote.cluster.bus;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class CommitTrackerTest {

    private static final TopicPartition P0 = new TopicPartition("core", 0);
    private static final TopicPartition P1 = new TopicPartition("core", 1);

    @Test
    void aPartitionIsCommittedUpToItsFirstWorkNotDone() {
        CommitTracker t = new CommitTracker();
        CompletableFuture<Void> a = new CompletableFuture<>();
        CompletableFuture<Void> b = new CompletableFuture<>();
        CompletableFuture<Void> c = new CompletableFuture<>();
        t.add(P0, 10, a);
        t.add(P0, 11, b);
        t.add(P0, 12, c);
        assertThat(t.completed()).isEmpty();

        b.complete(null); // out of order: 10 is still under way, nothing may be committed
        assertThat(t.completed()).isEmpty();
        a.complete(null);
        assertThat(t.completed()).isEqualTo(Map.of(P0, new OffsetAndMetadata(12)));
        assertThat(t.size()).isEqualTo(1);
        assertThat(t.completed()).as("returned once").isEmpty();

        c.completeExceptionally(new IllegalStateException("answered as failed"));
        assertThat(t.completed()).isEqualTo(Map.of(P0, new OffsetAndMetadata(13)));
        assertThat(t.size()).isZero();
    }

    @Test
    void workThatNeedsNoWaitingIsCommittedBehindWhatWaits() {
        CommitTracker t = new CommitTracker();
        t.add(P1, 5, null);
        assertThat(t.completed()).isEqualTo(Map.of(P1, new OffsetAndMetadata(6)));

        CompletableFuture<Void> slow = new CompletableFuture<>();
        t.add(P1, 6, slow);
        t.add(P1, 7, null);
        assertThat(t.completed()).isEmpty();
        slow.complete(null);
        assertThat(t.completed()).isEqualTo(Map.of(P1, new OffsetAndMetadata(8)));
    }

    @Test
    void revokedPartitionsWaitForTheirWorkThenAreForgotten() {
        CommitTracker t = new CommitTracker();
        CompletableFuture<Void> done = new CompletableFuture<>();
        CompletableFuture<Void> never = new CompletableFuture<>();
        t.add(P0, 1, done);
        t.add(P1, 1, never);
        CompletableFuture.runAsync(() -> done.complete(null));
        t.awaitWork(List.of(P0, P1), 200);
        assertThat(t.completed()).isEqualTo(Map.of(P0, new OffsetAndMetadata(2)));
        t.forget(List.of(P0, P1));
        assertThat(t.size()).isZero();
        assertThat(t.completed()).isEmpty();
    }
}
