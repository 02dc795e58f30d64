package io.mote.cluster.core;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.cluster.bus.Envelope;
import io.mote.cluster.bus.KafkaBus;
import io.mote.cluster.bus.Ops;
import io.mote.cluster.codec.Codec;
import io.mote.cluster.codec.In;
import io.mote.cluster.codec.Out;
import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.TransportType;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.TransportService;

/**
 * A core node's side of the seam: the core topic's requests are served by the local (in-process)
 * {@link TransportService}, sessions of transport nodes are registered in it with a {@link RemoteListener},
 * and what is not a transport's request (work forwarded by another core, broadcasts) goes to the
 * {@link Extension} the application supplies.
 */
public final class CoreNode implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CoreNode.class);

    /** The core's own handling of forwarded work and of broadcasts. */
    public interface Extension {
        /** A core-topic message that is not a transport's request; returns the work to wait for, or null. */
        CompletableFuture<?> onCoreMessage(Envelope e);

        void onBroadcast(Envelope e);

        /** The node lost these partitions: work for their devices now goes to their new owner. */
        default void revoked(Collection<Integer> partitions) {
        }
    }

    private record Held(String node, DeviceSession session) {
    }

    private final KafkaBus bus;
    private final TransportService local;
    private final Extension extension;
    private final Map<UUID, Held> sessions = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeen = new ConcurrentHashMap<>();
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-sweep");
        t.setDaemon(true);
        return t;
    });

    public CoreNode(KafkaBus bus, TransportService local, Extension extension) {
        this.bus = bus;
        this.local = local;
        this.extension = extension;
    }

    public void start() {
        bus.consumeBroadcast(this::onBroadcast);
        bus.consumeNodeTopic(e -> log.debug("Unexpected {} on a core's topic", e.op()));
        bus.consumeCoreTopic(this::onCore, new KafkaBus.PartitionListener() {
            @Override
            public void assigned(Collection<Integer> partitions) {
                log.info("Core partitions assigned: {}", partitions);
                Out o = new Out().i32(partitions.size());
                partitions.forEach(o::i32);
                // Transport nodes send the session-opens of these partitions' devices again, to this node.
                bus.send(bus.settings().broadcastTopic(), bus.nodeId(), Ops.PARTITIONS_ASSIGNED, o.toBytes());
            }

            @Override
            public void revoked(Collection<Integer> partitions) {
                log.info("Core partitions revoked: {}", partitions);
                dropWhere(h -> partitions.contains(bus.partitionOf(h.session().device().deviceId().toString())));
                extension.revoked(partitions);
            }
        });
        long every = bus.settings().heartbeatMs();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Whether the transport node has been heard from within its allowed silence. */
    boolean alive(String node) {
        Long seen = lastSeen.get(node);
        return seen != null && System.currentTimeMillis() - seen
                <= bus.settings().heartbeatMs() * bus.settings().missedHeartbeats();
    }

    void forget(UUID sessionId) {
        sessions.remove(sessionId);
    }

    public int sessionCount() {
        return sessions.size();
    }

    private void sweep() {
        try {
            for (String node : List.copyOf(lastSeen.keySet())) {
                if (!alive(node)) {
                    lastSeen.remove(node);
                    int n = dropWhere(h -> h.node().equals(node));
                    log.warn("Transport node {} went silent: dropped its {} sessions", node, n);
                }
            }
        } catch (RuntimeException e) {
            log.warn("Session sweep failed: {}", e.toString());
        }
    }

    /** Unregisters sessions here without telling their node (they live on, registered elsewhere or gone). */
    private int dropWhere(java.util.function.Predicate<Held> which) {
        int n = 0;
        for (Map.Entry<UUID, Held> e : sessions.entrySet()) {
            if (which.test(e.getValue()) && sessions.remove(e.getKey(), e.getValue())) {
                e.getValue().session().close();
                n++;
            }
        }
        return n;
    }

    private void onBroadcast(Envelope e) {
        switch (e.op()) {
            case Ops.HEARTBEAT -> lastSeen.put(new In(e.body()).str(), System.currentTimeMillis());
            case Ops.NODE_LEFT -> {
                String node = new In(e.body()).str();
                lastSeen.remove(node);
                dropWhere(h -> h.node().equals(node));
            }
            default -> {
                if (!bus.nodeId().equals(e.from())) {
                    extension.onBroadcast(e);
                }
            }
        }
    }

    private CompletableFuture<?> onCore(Envelope e) {
        In in = new In(e.body());
        try {
            return switch (e.op()) {
                case Ops.AUTHENTICATE -> answer(e, local.authenticate(CredentialsType.values()[in.i32()], in.str()),
                        Codec::authenticated);
                case Ops.TELEMETRY -> answer(e, local.postTelemetry(in.device(), in.tsKvs()), v -> new byte[0]);
                case Ops.TRANSPORT_LOG -> answer(e, local.postTransportLog(in.device(), in.tsKvs()), v -> new byte[0]);
                case Ops.ATTRIBUTES -> answer(e, local.postAttributes(in.device(), in.kvs()), v -> new byte[0]);
                case Ops.GET_ATTRIBUTES -> answer(e, local.getAttributes(in.device(), in.strs(), in.strs()),
                        Codec::attributes);
                case Ops.TRANSPORT_CONFIGURATION -> answer(e, local.transportConfiguration(in.device()),
                        c -> Codec.configuration(new Out(), c).toBytes());
                case Ops.GATEWAY_CHILD -> answer(e, local.gatewayChild(in.device(), in.str(), in.str()),
                        d -> new Out().device(d).toBytes());
                case Ops.ACTIVITY -> {
                    local.reportActivity(in.device());
                    yield null;
                }
                case Ops.UNREACHABLE -> {
                    local.reportUnreachable(in.device());
                    yield null;
                }
                case Ops.RPC_ACK -> answer(e, local.acknowledgeRpc(in.device(), in.i32()), v -> new byte[0]);
                case Ops.RPC_RESPONSE -> answer(e, local.sendRpcResponse(in.device(), in.i32(), in.str()), v -> new byte[0]);
                case Ops.RPC_TIMEOUT -> answer(e, local.reportRpcTimeout(in.device(), in.i32(), in.str()), v -> new byte[0]);
                case Ops.CLIENT_RPC -> {
                    // Waits for an application: answered when it ends, not held up the partition meanwhile.
                    answer(e, local.clientRpc(in.device(), in.str()), s -> new Out().str(s).toBytes());
                    yield null;
                }
                case Ops.CLAIM -> answer(e, local.claimDevice(in.device(), in.str(), in.i64()), v -> new byte[0]);
                case Ops.PROVISION -> answer(e, local.provision(in.str()), Codec::provision);
                case Ops.PROVISION_CHAIN -> {
                    int n = in.i32();
                    List<byte[]> chain = new java.util.ArrayList<>();
                    for (int i = 0; i < n; i++) {
                        chain.add(in.bin());
                    }
                    yield answer(e, local.provisionByCertificateChain(chain), d -> new Out().device(d.orElse(null)).toBytes());
                }
                case Ops.OTA_PACKAGE -> answer(e, local.otaPackage(in.device(), OtaPackageType.values()[in.i32()]),
                        Codec::otaPackage);
                case Ops.OTA_DATA -> answer(e, local.otaData(in.uuid(), in.i64(), in.i32()), b -> new Out().bin(b).toBytes());
                case Ops.LATEST_TELEMETRY -> answer(e, local.latestTelemetry(in.device(), in.strs()),
                        l -> new Out().tsKvs(l).toBytes());
                case Ops.LWM2M_MODELS -> answer(e, local.lwm2mModels(in.uuid()), Codec::models);
                case Ops.DEVICES_OF_TRANSPORT -> answer(e, local.devicesOfTransport(TransportType.values()[in.i32()]),
                        Codec::transportDevices);
                case Ops.SESSION_OPEN, Ops.SESSION_SUBSCRIBE -> {
                    openOrUpdate(e.from(), in);
                    yield null;
                }
                case Ops.SESSION_CLOSE -> {
                    Held h = sessions.remove(in.uuid());
                    if (h != null) {
                        h.session().close();
                    }
                    yield null;
                }
                default -> extension.onCoreMessage(e);
            };
        } catch (RuntimeException ex) {
            bus.replyError(e, ex);
            return null;
        }
    }

    /** Registers the node's session here, or brings a known one's subscriptions up to date (idempotent). */
    private void openOrUpdate(String from, In in) {
        UUID id = in.uuid();
        DeviceInfo device = in.device();
        String node = in.str();
        boolean attributes = in.bool();
        boolean rpc = in.bool();
        lastSeen.putIfAbsent(node, System.currentTimeMillis());
        Held h = sessions.computeIfAbsent(id, k -> new Held(node,
                local.openSession(device, new RemoteListener(bus, this, id, node))));
        h.session().subscribeToAttributes(attributes);
        h.session().subscribeToRpc(rpc);
    }

    private <T> CompletableFuture<T> answer(Envelope e, CompletableFuture<T> work, Function<T, byte[]> encode) {
        work.whenComplete((v, ex) -> {
            if (ex != null) {
                bus.replyError(e, ex);
            } else {
                bus.reply(e, encode.apply(v));
            }
        });
        return work;
    }

    /** Stops taking work before the core's services (writers, database) stop. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        bus.stopConsuming();
    }

    /** For the application's forwarded work: the answer to a forwarded request. */
    public KafkaBus bus() {
        return bus;
    }
}
