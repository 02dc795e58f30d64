package io.mote.cluster.transport;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.Lwm2mModel;
import io.mote.transport.api.OtaPackageRef;
import io.mote.transport.api.OtaPackageType;
import io.mote.transport.api.ProvisionResult;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.TransportDevice;
import io.mote.transport.api.TransportService;

/**
 * The transport seam on a transport node: every call is a request on the core topic keyed by the device
 * (credentials id, request), answered on this node's topic; sessions are registered on the core owning
 * the device, whose callbacks come back on this node's topic. No call blocks: requests are sent
 * asynchronously and their futures complete on the bus's answer threads.
 */
public final class KafkaTransportService implements TransportService, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTransportService.class);

    private final KafkaBus bus;
    private final Map<UUID, RemoteSession> sessions = new ConcurrentHashMap<>();
    private final List<DeviceChangeListener> changeListeners = new CopyOnWriteArrayList<>();
    private final List<Consumer<UUID>> modelListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "cluster-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean heartbeatFailed;

    public KafkaTransportService(KafkaBus bus) {
        this.bus = bus;
    }

    /** Reads this node's topic and the broadcast topic, and starts the heartbeat. */
    public void start() {
        bus.consumeNodeTopic(this::onCallback);
        bus.consumeBroadcast(this::onBroadcast);
        long every = bus.settings().heartbeatMs();
        heartbeat.scheduleWithFixedDelay(this::beat, 0, every, TimeUnit.MILLISECONDS);
    }

    private void beat() {
        bus.send(bus.settings().broadcastTopic(), bus.nodeId(), Ops.HEARTBEAT, new Out().str(bus.nodeId()).toBytes())
                .whenComplete((v, ex) -> {
                    if (ex != null) {
                        if (!heartbeatFailed) {
                            log.warn("Cluster heartbeat not sent: {}", ex.getMessage());
                        }
                        heartbeatFailed = true;
                    } else if (heartbeatFailed) {
                        // The cores may have dropped this node's sessions meanwhile: register them again.
                        heartbeatFailed = false;
                        reopen(p -> true);
                    }
                });
    }

    // ---- requests ----

    private static String key(DeviceInfo d) {
        return d.deviceId().toString();
    }

    private <T> CompletableFuture<T> call(String op, String key, Out body, Function<In, T> result) {
        return bus.request(op, key, body.toBytes()).thenApply(result);
    }

    private CompletableFuture<Void> callVoid(String op, DeviceInfo device, Out body) {
        return call(op, key(device), body, in -> null);
    }

    @Override
    public CompletableFuture<Optional<AuthenticatedDevice>> authenticate(CredentialsType type, String credentialsId) {
        if (credentialsId == null || credentialsId.isEmpty()) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return call(Ops.AUTHENTICATE, credentialsId, new Out().i32(type.ordinal()).str(credentialsId), Codec::authenticated);
    }

    @Override
    public CompletableFuture<Void> postTelemetry(DeviceInfo device, List<TsKvEntry> entries) {
        return callVoid(Ops.TELEMETRY, device, new Out().device(device).tsKvs(entries));
    }

    @Override
    public CompletableFuture<Void> postTransportLog(DeviceInfo device, List<TsKvEntry> lines) {
        return callVoid(Ops.TRANSPORT_LOG, device, new Out().device(device).tsKvs(lines));
    }

    @Override
    public CompletableFuture<Void> postAttributes(DeviceInfo device, List<KvEntry> attributes) {
        return callVoid(Ops.ATTRIBUTES, device, new Out().device(device).kvs(attributes));
    }

    @Override
    public CompletableFuture<DeviceAttributes> getAttributes(DeviceInfo device, Collection<String> clientKeys,
                                                             Collection<String> sharedKeys) {
        return call(Ops.GET_ATTRIBUTES, key(device), new Out().device(device).strs(clientKeys).strs(sharedKeys),
                Codec::attributes);
    }

    @Override
    public CompletableFuture<TransportConfiguration> transportConfiguration(DeviceInfo device) {
        return call(Ops.TRANSPORT_CONFIGURATION, key(device), new Out().device(device), Codec::configuration);
    }

    @Override
    public CompletableFuture<DeviceInfo> gatewayChild(DeviceInfo gateway, String deviceName, String deviceType) {
        // Keyed by the gateway: its children are created in order, once.
        return call(Ops.GATEWAY_CHILD, key(gateway), new Out().device(gateway).str(deviceName).str(deviceType),
                In::device);
    }

    @Override
    public void reportActivity(DeviceInfo device) {
        bus.send(bus.settings().coreTopic(), key(device), Ops.ACTIVITY, new Out().device(device).toBytes());
    }

    @Override
    public void reportUnreachable(DeviceInfo device) {
        bus.send(bus.settings().coreTopic(), key(device), Ops.UNREACHABLE, new Out().device(device).toBytes());
    }

    @Override
    public CompletableFuture<Void> acknowledgeRpc(DeviceInfo device, int requestId) {
        return callVoid(Ops.RPC_ACK, device, new Out().device(device).i32(requestId));
    }

    @Override
    public CompletableFuture<Void> sendRpcResponse(DeviceInfo device, int requestId, String response) {
        return callVoid(Ops.RPC_RESPONSE, device, new Out().device(device).i32(requestId).str(response));
    }

    @Override
    public CompletableFuture<Void> reportRpcTimeout(DeviceInfo device, int requestId, String reason) {
        return callVoid(Ops.RPC_TIMEOUT, device, new Out().device(device).i32(requestId).str(reason));
    }

    @Override
    public CompletableFuture<String> clientRpc(DeviceInfo device, String request) {
        // The core waits for an application up to its own timeout (as long as a request's by default) and then
        // answers with an error object: wait for that answer rather than fail first.
        long wait = 2 * bus.settings().requestTimeoutMs();
        return bus.request(Ops.CLIENT_RPC, key(device), new Out().device(device).str(request).toBytes(), wait)
                .thenApply(In::str);
    }

    @Override
    public CompletableFuture<Void> claimDevice(DeviceInfo device, String secretKey, long durationMs) {
        return callVoid(Ops.CLAIM, device, new Out().device(device).str(secretKey).i64(durationMs));
    }

    @Override
    public CompletableFuture<ProvisionResult> provision(String request) {
        return call(Ops.PROVISION, String.valueOf(request), new Out().str(request), Codec::provision);
    }

    @Override
    public CompletableFuture<Optional<DeviceInfo>> provisionByCertificateChain(List<byte[]> chain) {
        Out o = new Out().i32(chain.size());
        chain.forEach(o::bin);
        String key = chain.isEmpty() ? "" : Integer.toHexString(java.util.Arrays.hashCode(chain.get(0)));
        return call(Ops.PROVISION_CHAIN, key, o, in -> Optional.ofNullable(in.device()));
    }

    @Override
    public CompletableFuture<Optional<OtaPackageRef>> otaPackage(DeviceInfo device, OtaPackageType type) {
        return call(Ops.OTA_PACKAGE, key(device), new Out().device(device).i32(type.ordinal()), Codec::otaPackage);
    }

    @Override
    public CompletableFuture<byte[]> otaData(UUID packageId, long offset, int length) {
        return call(Ops.OTA_DATA, packageId.toString(), new Out().uuid(packageId).i64(offset).i32(length), In::bin);
    }

    @Override
    public CompletableFuture<List<TsKvEntry>> latestTelemetry(DeviceInfo device, Collection<String> keys) {
        return call(Ops.LATEST_TELEMETRY, key(device), new Out().device(device).strs(keys), In::tsKvs);
    }

    @Override
    public CompletableFuture<List<Lwm2mModel>> lwm2mModels(UUID tenantId) {
        return call(Ops.LWM2M_MODELS, tenantId.toString(), new Out().uuid(tenantId), Codec::models);
    }

    @Override
    public void onLwm2mModelsChanged(Consumer<UUID> listener) {
        modelListeners.add(listener);
    }

    @Override
    public CompletableFuture<List<TransportDevice>> devicesOfTransport(TransportType type) {
        return call(Ops.DEVICES_OF_TRANSPORT, type.name(), new Out().i32(type.ordinal()), Codec::transportDevices);
    }

    @Override
    public void onDeviceChanges(DeviceChangeListener listener) {
        changeListeners.add(listener);
    }

    // ---- sessions ----

    @Override
    public DeviceSession openSession(DeviceInfo device, SessionListener listener) {
        RemoteSession s = new RemoteSession(this, device, listener);
        sessions.put(s.sessionId(), s);
        sessionMessage(s, Ops.SESSION_OPEN);
        return s;
    }

    void sessionMessage(RemoteSession s, String op) {
        if (!s.closed) {
            bus.send(bus.settings().coreTopic(), key(s.device()), op, s.state(bus.nodeId()));
        }
    }

    void closed(RemoteSession s) {
        sessions.remove(s.sessionId());
        bus.send(bus.settings().coreTopic(), key(s.device()), Ops.SESSION_CLOSE,
                new Out().uuid(s.sessionId()).device(s.device()).toBytes());
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Sends the session-opens again of the sessions whose device {@code which} selects (idempotent on the core). */
    private void reopen(java.util.function.Predicate<DeviceInfo> which) {
        for (RemoteSession s : sessions.values()) {
            if (which.test(s.device())) {
                sessionMessage(s, Ops.SESSION_OPEN);
            }
        }
    }

    private void onCallback(Envelope e) {
        In in = new In(e.body());
        RemoteSession s = sessions.get(in.uuid());
        if (s == null) {
            return; // closed here meanwhile
        }
        switch (e.op()) {
            case Ops.ON_ATTRIBUTES -> s.listener.onAttributesUpdate(Codec.update(in));
            case Ops.ON_RPC -> {
                RpcRequest rpc = Codec.rpc(in);
                if (!s.listener.onRpcRequest(rpc)) {
                    // The core counted it as taken: put it back in the device's queue there.
                    bus.send(bus.settings().coreTopic(), key(s.device()), Ops.RPC_DECLINED,
                            new Out().device(s.device()).i32(rpc.id()).toBytes());
                }
            }
            case Ops.ON_DEVICE_UPDATED -> {
                DeviceInfo d = in.device();
                s.device(d);
                s.listener.onDeviceUpdated(d);
            }
            case Ops.ON_SESSION_CLOSED -> {
                s.closed = true;
                sessions.remove(s.sessionId());
                s.listener.onSessionClosed(in.str());
            }
            default -> log.debug("Unknown callback {}", e.op());
        }
    }

    private void onBroadcast(Envelope e) {
        In in = new In(e.body());
        switch (e.op()) {
            case Ops.PARTITIONS_ASSIGNED -> {
                Set<Integer> moved = new java.util.HashSet<>();
                int n = in.i32();
                for (int i = 0; i < n; i++) {
                    moved.add(in.i32());
                }
                reopen(d -> moved.contains(bus.partitionOf(d.deviceId().toString())));
            }
            case Ops.DEVICE_SAVED -> {
                DeviceInfo d = in.device();
                changeListeners.forEach(l -> safely(() -> l.deviceSaved(d)));
            }
            case Ops.DEVICE_DELETED -> {
                UUID id = in.uuid();
                changeListeners.forEach(l -> safely(() -> l.deviceDeleted(id)));
            }
            case Ops.PROFILE_SAVED -> {
                UUID id = in.uuid();
                changeListeners.forEach(l -> safely(() -> l.profileSaved(id)));
            }
            case Ops.MODELS_CHANGED -> {
                UUID owner = in.uuid();
                modelListeners.forEach(l -> safely(() -> l.accept(owner)));
            }
            default -> {
                // meant for the cores
            }
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException ex) {
            log.warn("Device change listener failed: {}", ex.toString());
        }
    }

    /** Tells the cores this node is gone, so they drop its sessions at once. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            bus.send(bus.settings().broadcastTopic(), bus.nodeId(), Ops.NODE_LEFT, new Out().str(bus.nodeId()).toBytes())
                    .get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Node-left not sent: {}", e.toString());
        }
    }
}
