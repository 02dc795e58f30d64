package io.mote.server.cluster;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import tools.jackson.databind.JsonNode;

import io.mote.cluster.bus.Envelope;
import io.mote.cluster.bus.KafkaBus;
import io.mote.cluster.bus.Ops;
import io.mote.cluster.codec.Codec;
import io.mote.cluster.codec.In;
import io.mote.cluster.codec.Out;
import io.mote.cluster.core.CoreNode;
import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.cluster.CorePeers;
import io.mote.core.device.DeviceAuthCache;
import io.mote.core.resource.ResourceService;
import io.mote.core.rpc.RpcOutcome;
import io.mote.core.rpc.RpcService;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.core.subscription.SubscriptionService;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.TransportService;

/**
 * The other core nodes over Kafka: work for a device another core owns goes to the core topic keyed by
 * the device (the owner consumes it), what every node must know goes to the broadcast topic; and the
 * same messages from the other cores are applied here.
 */
final class KafkaPeers implements CorePeers.Peers, CoreNode.Extension {

    private static final AttributeScope[] SCOPES = AttributeScope.values();

    private final KafkaBus bus;
    private final DeviceSessionRegistry sessions;
    private final RpcService rpc;
    private final SubscriptionService subscriptions;
    private final DeviceAuthCache auth;
    private final ResourceService resources;

    KafkaPeers(KafkaBus bus, DeviceSessionRegistry sessions, RpcService rpc, SubscriptionService subscriptions,
               DeviceAuthCache auth, ResourceService resources) {
        this.bus = bus;
        this.sessions = sessions;
        this.rpc = rpc;
        this.subscriptions = subscriptions;
        this.auth = auth;
        this.resources = resources;
    }

    /** Device and profile changes and LwM2M model changes of this core, told to every node (SNMP, LwM2M). */
    void publishChanges(TransportService local) {
        local.onDeviceChanges(new DeviceChangeListener() {
            @Override
            public void deviceSaved(DeviceInfo device) {
                broadcast(Ops.DEVICE_SAVED, new Out().device(device));
            }

            @Override
            public void deviceDeleted(UUID deviceId) {
                broadcast(Ops.DEVICE_DELETED, new Out().uuid(deviceId));
            }

            @Override
            public void profileSaved(UUID profileId) {
                broadcast(Ops.PROFILE_SAVED, new Out().uuid(profileId));
            }
        });
        local.onLwm2mModelsChanged(owner -> broadcast(Ops.MODELS_CHANGED, new Out().uuid(owner)));
    }

    private void broadcast(String op, Out body) {
        bus.send(bus.settings().broadcastTopic(), null, op, body.toBytes());
    }

    private void toOwner(UUID deviceId, String op, Out body) {
        bus.send(bus.settings().coreTopic(), deviceId.toString(), op, body.toBytes());
    }

    // ---- CorePeers.Peers: this node asks ----

    @Override
    public boolean owns(UUID deviceId) {
        return bus.owns(deviceId.toString());
    }

    @Override
    public void pushAttributes(UUID deviceId, AttributesUpdate update) {
        toOwner(deviceId, Ops.FWD_PUSH_ATTRIBUTES, Codec.update(new Out().uuid(deviceId), update));
    }

    @Override
    public void deviceUpdated(DeviceInfo device) {
        toOwner(device.deviceId(), Ops.FWD_DEVICE_UPDATED, new Out().device(device));
    }

    @Override
    public void closeAll(UUID deviceId, String reason, boolean deleted) {
        toOwner(deviceId, Ops.FWD_CLOSE, new Out().uuid(deviceId).str(reason).bool(deleted));
    }

    @Override
    public CompletableFuture<RpcOutcome> submitRpc(UUID tenantId, UUID deviceId, boolean oneway, String body) {
        // The owner answers once the call ends: allow its own timeout on top of the hop's.
        JsonNode timeout = Json.parse(body).get("timeout");
        long wait = Math.max(RpcService.MIN_TIMEOUT_MS, timeout != null && timeout.isIntegralNumber()
                ? timeout.asLong() : RpcService.DEFAULT_TIMEOUT_MS) + bus.settings().requestTimeoutMs();
        return bus.request(Ops.FWD_RPC, deviceId.toString(),
                new Out().uuid(tenantId).uuid(deviceId).bool(oneway).str(body).toBytes(), wait)
                .thenApply(KafkaPeers::outcome);
    }

    @Override
    public void profileUpdated(UUID profileId) {
        broadcast(Ops.PROFILE_UPDATED, new Out().uuid(profileId));
    }

    @Override
    public void credentialsInvalidated(String credentialsId) {
        broadcast(Ops.CREDENTIALS_INVALIDATED, new Out().str(credentialsId));
    }

    @Override
    public void deviceInvalidated(UUID deviceId) {
        broadcast(Ops.DEVICE_INVALIDATED, new Out().uuid(deviceId));
    }

    @Override
    public void timeseries(UUID entityId, List<TsKvEntry> entries) {
        broadcast(Ops.TIMESERIES_UPDATE, new Out().uuid(entityId).tsKvs(entries));
    }

    @Override
    public void attributes(UUID entityId, AttributeScope scope, List<AttributeKvEntry> attributes) {
        broadcast(Ops.ATTRIBUTES_UPDATE, new Out().uuid(entityId).i32(scope.ordinal()).attrs(attributes));
    }

    // ---- CoreNode.Extension: another node asks ----

    @Override
    public CompletableFuture<?> onCoreMessage(Envelope e) {
        In in = new In(e.body());
        switch (e.op()) {
            case Ops.FWD_PUSH_ATTRIBUTES -> sessions.pushAttributesHere(in.uuid(), Codec.update(in));
            case Ops.FWD_DEVICE_UPDATED -> sessions.deviceUpdatedHere(in.device());
            case Ops.FWD_CLOSE -> {
                UUID deviceId = in.uuid();
                String reason = in.str();
                if (in.bool()) {
                    sessions.deviceDeletedHere(deviceId);
                } else {
                    sessions.closeAllHere(deviceId, reason);
                }
            }
            case Ops.FWD_RPC -> {
                UUID tenantId = in.uuid();
                UUID deviceId = in.uuid();
                boolean oneway = in.bool();
                JsonNode body = Json.parse(in.str());
                try {
                    rpc.submit(tenantId, deviceId, oneway, body).whenComplete((o, ex) -> {
                        if (ex != null) {
                            bus.replyError(e, ex);
                        } else {
                            bus.reply(e, outcome(o));
                        }
                    });
                } catch (RuntimeException ex) {
                    bus.replyError(e, ex);
                }
            }
            case Ops.RPC_DECLINED -> {
                DeviceInfo device = in.device();
                rpc.onDeclined(device.deviceId(), in.i32());
            }
            default -> {
                // a message type of a newer node
            }
        }
        return null;
    }

    @Override
    public void onBroadcast(Envelope e) {
        In in = new In(e.body());
        switch (e.op()) {
            case Ops.PROFILE_UPDATED -> sessions.profileUpdatedHere(in.uuid());
            case Ops.CREDENTIALS_INVALIDATED -> auth.invalidateHere(in.str());
            case Ops.DEVICE_INVALIDATED -> auth.invalidateDeviceHere(in.uuid());
            case Ops.TIMESERIES_UPDATE -> subscriptions.deliverTimeseries(in.uuid(), in.tsKvs());
            case Ops.ATTRIBUTES_UPDATE -> {
                UUID entityId = in.uuid();
                AttributeScope scope = SCOPES[in.i32()];
                subscriptions.deliverAttributes(entityId, scope, in.attrs());
            }
            case Ops.MODELS_CHANGED -> resources.forget(in.uuid());
            default -> {
                // for transport nodes
            }
        }
    }

    private static byte[] outcome(RpcOutcome o) {
        Out out = new Out();
        if (o instanceof RpcOutcome.Response r) {
            out.i32(0).str(r.body());
        } else if (o instanceof RpcOutcome.Delivered) {
            out.i32(1);
        } else if (o instanceof RpcOutcome.Persisted p) {
            out.i32(2).uuid(p.rpcId());
        } else {
            out.i32(3).str(((RpcOutcome.Timeout) o).message());
        }
        return out.toBytes();
    }

    private static RpcOutcome outcome(In in) {
        return switch (in.i32()) {
            case 0 -> new RpcOutcome.Response(in.str());
            case 1 -> new RpcOutcome.Delivered();
            case 2 -> new RpcOutcome.Persisted(in.uuid());
            default -> new RpcOutcome.Timeout(in.str());
        };
    }
}
