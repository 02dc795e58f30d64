package io.mote.cluster.transport;

import java.util.UUID;

import io.mote.cluster.bus.Ops;
import io.mote.cluster.codec.Out;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.SessionListener;

/**
 * A device session held on this transport node and registered on the core that owns the device. Its
 * subscription state travels with every change, so a session-open sent again (a new owner) restores it.
 */
final class RemoteSession implements DeviceSession {

    private final KafkaTransportService service;
    private final UUID id = UUID.randomUUID();
    private volatile DeviceInfo device;
    final SessionListener listener;
    private volatile boolean attributes;
    private volatile boolean rpc;
    volatile boolean closed;

    RemoteSession(KafkaTransportService service, DeviceInfo device, SessionListener listener) {
        this.service = service;
        this.device = device;
        this.listener = listener;
    }

    @Override
    public UUID sessionId() {
        return id;
    }

    @Override
    public DeviceInfo device() {
        return device;
    }

    void device(DeviceInfo updated) {
        this.device = updated;
    }

    @Override
    public void subscribeToAttributes(boolean subscribe) {
        attributes = subscribe;
        service.sessionMessage(this, Ops.SESSION_SUBSCRIBE);
    }

    @Override
    public void subscribeToRpc(boolean subscribe) {
        rpc = subscribe;
        service.sessionMessage(this, Ops.SESSION_SUBSCRIBE);
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            service.closed(this);
        }
    }

    /** Session id, device, holding node, subscriptions: the body of a session-open or subscribe. */
    byte[] state(String node) {
        return new Out().uuid(id).device(device).str(node).bool(attributes).bool(rpc).toBytes();
    }
}
