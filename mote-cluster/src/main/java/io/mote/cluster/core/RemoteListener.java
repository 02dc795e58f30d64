package io.mote.cluster.core;

import java.util.UUID;

import io.mote.cluster.bus.KafkaBus;
import io.mote.cluster.bus.Ops;
import io.mote.cluster.codec.Codec;
import io.mote.cluster.codec.Out;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;

/** A session's listener on the core: each callback is a message to the transport node holding the session. */
final class RemoteListener implements SessionListener {

    private final KafkaBus bus;
    private final CoreNode node;
    private final UUID sessionId;
    private final String holder;

    RemoteListener(KafkaBus bus, CoreNode node, UUID sessionId, String holder) {
        this.bus = bus;
        this.node = node;
        this.sessionId = sessionId;
        this.holder = holder;
    }

    private void send(String op, Out body) {
        bus.send(bus.settings().nodeTopic(holder), sessionId.toString(), op, body.toBytes());
    }

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        send(Ops.ON_ATTRIBUTES, Codec.update(new Out().uuid(sessionId), update));
    }

    /**
     * Taken while the holding node is alive: the node offers it to the real listener and sends
     * {@code rpcDeclined} back when that one declines, which puts the call back in the queue.
     */
    @Override
    public boolean onRpcRequest(RpcRequest request) {
        if (!node.alive(holder)) {
            return false;
        }
        send(Ops.ON_RPC, Codec.rpc(new Out().uuid(sessionId), request));
        return true;
    }

    @Override
    public void onDeviceUpdated(DeviceInfo device) {
        send(Ops.ON_DEVICE_UPDATED, new Out().uuid(sessionId).device(device));
    }

    @Override
    public void onSessionClosed(String reason) {
        node.forget(sessionId);
        send(Ops.ON_SESSION_CLOSED, new Out().uuid(sessionId).str(reason));
    }
}
