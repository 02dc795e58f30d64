package io.mote.core.subscription;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import jakarta.annotation.PreDestroy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.cluster.CorePeers;

/**
 * Fans stored values out to live subscriptions. Delivery runs on one notifier thread, in the order
 * values were stored, so a slow subscriber never holds up a writer.
 */
@Service
public class SubscriptionService {

    private static final Logger log = LoggerFactory.getLogger(SubscriptionService.class);

    private final Map<UUID, Set<Subscription>> byEntity = new ConcurrentHashMap<>();
    private final ExecutorService notifier = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "subscription-notifier");
        t.setDaemon(true);
        return t;
    });

    public void add(Subscription s) {
        byEntity.computeIfAbsent(s.entityId(), k -> ConcurrentHashMap.newKeySet()).add(s);
    }

    public void remove(Subscription s) {
        byEntity.computeIfPresent(s.entityId(), (k, set) -> {
            set.remove(s);
            return set.isEmpty() ? null : set;
        });
    }

    public int count() {
        return byEntity.values().stream().mapToInt(Set::size).sum();
    }

    private final CorePeers peers;

    public SubscriptionService(CorePeers peers) {
        this.peers = peers;
    }

    /** Values stored on this node: delivered here and told to the other core nodes. */
    public void onTimeseries(UUID entityId, List<TsKvEntry> entries) {
        CorePeers.Peers all = peers.get();
        if (all != null) {
            all.timeseries(entityId, entries);
        }
        deliverTimeseries(entityId, entries);
    }

    /** Values stored on this or another node, delivered to this node's subscriptions only. */
    public void deliverTimeseries(UUID entityId, List<TsKvEntry> entries) {
        Set<Subscription> subs = byEntity.get(entityId);
        if (subs == null || subs.isEmpty()) {
            return;
        }
        notifier.execute(() -> {
            for (Subscription s : subs) {
                if (s.kind() == Subscription.Kind.TIMESERIES) {
                    deliver(s, entries);
                }
            }
        });
    }

    public void onAttributes(UUID entityId, AttributeScope scope, List<AttributeKvEntry> attributes) {
        CorePeers.Peers all = peers.get();
        if (all != null) {
            all.attributes(entityId, scope, attributes);
        }
        deliverAttributes(entityId, scope, attributes);
    }

    public void deliverAttributes(UUID entityId, AttributeScope scope, List<AttributeKvEntry> attributes) {
        Set<Subscription> subs = byEntity.get(entityId);
        if (subs == null || subs.isEmpty()) {
            return;
        }
        List<TsKvEntry> entries = attributes.stream().map(a -> new TsKvEntry(a.lastUpdateTs(), a.kv())).toList();
        notifier.execute(() -> {
            for (Subscription s : subs) {
                if (s.kind() == Subscription.Kind.ATTRIBUTES && (s.scope() == null || s.scope() == scope)) {
                    deliver(s, entries);
                }
            }
        });
    }

    private static void deliver(Subscription s, List<TsKvEntry> entries) {
        List<TsKvEntry> wanted = entries;
        if (s.keys() != null) {
            wanted = new ArrayList<>();
            for (TsKvEntry e : entries) {
                if (s.wants(e.key())) {
                    wanted.add(e);
                }
            }
        }
        if (wanted.isEmpty()) {
            return;
        }
        try {
            s.sink().accept(wanted);
        } catch (RuntimeException e) {
            log.warn("Subscription sink failed: {}", e.toString());
        }
    }

    @PreDestroy
    public void stop() {
        notifier.shutdown();
    }
}
