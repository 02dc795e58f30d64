package io.mote.transport.coap;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.coap.CoAP.ResponseCode;
import org.eclipse.californium.core.coap.MediaTypeRegistry;
import org.eclipse.californium.core.coap.MessageObserverAdapter;
import org.eclipse.californium.core.coap.Response;
import org.eclipse.californium.core.network.Exchange;
import org.eclipse.californium.core.observe.ObserveRelation;

import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportService;
import io.mote.transport.api.proto.ProfileProtos;

/**
 * One CoAP observation of a device's shared attributes or RPC. Only one notification is in transit at a
 * time; the next waits for its acknowledgement. Attribute changes made meanwhile are merged (the newest
 * value of each key, and the deleted keys); RPC stays queued in the core, which offers it again once the
 * observation can take it. While the device is unreachable (PSM, eDRX) nothing is sent: it goes out when
 * the device is next heard from (or its next eDRX paging window). At most {@code maxHeld} changed keys are
 * held; past that the oldest change is dropped and logged (the device can read the attributes with a GET).
 * Notifications are JSON, or for a PROTOBUF profile ThingsBoard's attribute update message and the
 * profile's RPC request message.
 */
final class Observation implements SessionListener {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Observation.class);

    enum Kind { ATTRIBUTES, RPC }

    final Kind kind;
    final DeviceInfo device;
    final DeviceState state;
    final Exchange exchange;
    private final TransportService transport;
    private final ScheduledExecutorService timer;
    private final int maxHeld;
    private DeviceSession session;

    private int sequence;               // the Observe option of the last notification (0 = the first answer)
    private boolean ready;              // the first answer was sent
    private boolean inTransit;
    private boolean closed;
    private boolean windowScheduled;
    private final Map<String, AttributeKvEntry> pendingValues = new LinkedHashMap<>();
    private final Set<String> pendingDeleted = new LinkedHashSet<>();
    private RpcRequest pendingRpc;

    Observation(Kind kind, DeviceInfo device, DeviceState state, Exchange exchange, TransportService transport,
                ScheduledExecutorService timer, int maxHeld) {
        this.kind = kind;
        this.maxHeld = maxHeld;
        this.device = device;
        this.state = state;
        this.exchange = exchange;
        this.transport = transport;
        this.timer = timer;
    }

    /** Registers with the core and subscribes; updates arriving before the first answer wait for it. */
    void open() {
        session = transport.openSession(device, this);
        state.observations.add(this);
        if (kind == Kind.ATTRIBUTES) {
            session.subscribeToAttributes(true);
        }
    }

    /** The first answer went out: start delivering (and, for RPC, ask the core for what is queued). */
    void ready() {
        synchronized (this) {
            if (closed) {
                return;
            }
            ready = true;
        }
        if (kind == Kind.RPC) {
            session.subscribeToRpc(true);
        }
        flush();
    }

    /** The answer to the registration, with Observe 0: the shared attributes known so far ({@code {}} if none), empty for RPC. */
    void sendFirst(org.eclipse.californium.core.server.resources.CoapExchange ex) {
        Response r = new Response(ResponseCode.CONTENT);
        r.getOptions().setObserve(0);
        if (kind == Kind.ATTRIBUTES) {
            List<AttributeKvEntry> values;
            synchronized (this) {
                values = new ArrayList<>(pendingValues.values());
                pendingValues.clear();
                pendingDeleted.clear();
            }
            attributes(r, values, List.of());
        }
        ex.respond(r);
    }

    @Override
    public void onAttributesUpdate(AttributesUpdate update) {
        int dropped = 0;
        synchronized (this) {
            for (AttributeKvEntry a : update.updated()) {
                // Re-inserted, so the map stays ordered by the time of each key's latest change.
                pendingValues.remove(a.key());
                pendingValues.put(a.key(), a);
                pendingDeleted.remove(a.key());
            }
            for (String k : update.deleted()) {
                pendingValues.remove(k);
                pendingDeleted.remove(k);
                pendingDeleted.add(k);
            }
            while (pendingValues.size() + pendingDeleted.size() > maxHeld) {
                dropOldest();
                dropped++;
            }
        }
        if (dropped > 0) {
            log.warn("CoAP device {}: {} held shared-attribute changes over the limit of {} were dropped (oldest first)",
                    device.deviceId(), dropped, maxHeld);
        }
        flush();
    }

    /** Drops the value changed longest ago (a device can read values back with a GET); deletions only when no value is held. */
    private void dropOldest() {
        if (!pendingValues.isEmpty()) {
            pendingValues.remove(pendingValues.keySet().iterator().next());
        } else {
            pendingDeleted.remove(pendingDeleted.iterator().next());
        }
    }

    @Override
    public boolean onRpcRequest(RpcRequest request) {
        synchronized (this) {
            if (closed || !ready || inTransit || pendingRpc != null || !state.reachable()) {
                return false;
            }
            pendingRpc = request;
        }
        flush();
        return true;
    }

    @Override
    public void onSessionClosed(String reason) {
        Response r = new Response(ResponseCode.UNAUTHORIZED);
        r.setPayload(reason == null ? "Session closed" : reason);
        try {
            exchange.sendResponse(r);
        } finally {
            ObserveRelation relation = exchange.getRelation();
            if (relation != null) {
                relation.cancel();
            }
            close();
        }
    }

    /** A newer registration of the same device and resource took over: end this relation without a word. */
    void replaced() {
        try {
            ObserveRelation relation = exchange.getRelation();
            if (relation != null) {
                relation.cancel();
            }
        } finally {
            close();
        }
    }

    /**
     * A shared-attributes payload: JSON ({@code {"key":value,…,"deleted":[…]}}), or for a PROTOBUF profile
     * ThingsBoard's attribute update message.
     */
    private void attributes(Response r, List<AttributeKvEntry> values, List<String> deleted) {
        AttributesUpdate update = new AttributesUpdate(values, deleted);
        if (state.settings.protobuf()) {
            r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            r.setPayload(ProfileProtos.attributesUpdate(update));
            return;
        }
        r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
        r.setPayload(Json.write(DevicePayloads.attributesUpdate(update)));
    }

    /** A server-side RPC: JSON, or for a PROTOBUF profile the profile's RPC request message. */
    private void rpc(Response r, RpcRequest request) {
        ProfileProtos protos = state.settings.protos();
        if (protos != null) {
            r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_OCTET_STREAM);
            r.setPayload(protos.rpcRequest(request));
        } else {
            r.getOptions().setContentFormat(MediaTypeRegistry.APPLICATION_JSON);
            r.setPayload(Json.write(DevicePayloads.rpcRequest(request)).getBytes(StandardCharsets.UTF_8));
        }
    }

    /** Sends the next notification when one is due and the device can receive it. */
    void flush() {
        Response r = new Response(ResponseCode.CONTENT);
        Object delivered;
        RpcRequest rpc = null;
        List<AttributeKvEntry> values = null;
        List<String> deleted = null;
        synchronized (this) {
            if (closed || !ready || inTransit) {
                return;
            }
            boolean due = pendingRpc != null || !pendingValues.isEmpty() || !pendingDeleted.isEmpty();
            if (!due) {
                if (kind == Kind.RPC && state.reachable()) {
                    // Nothing held here: let the core offer what it queued while the device slept.
                    timer.execute(() -> {
                        DeviceSession s = session;
                        if (s != null && !isClosed()) {
                            s.subscribeToRpc(true);
                        }
                    });
                }
                return;
            }
            if (!state.reachable()) {
                scheduleWindow();
                return;
            }
            if (pendingRpc != null) {
                rpc = pendingRpc;
                delivered = pendingRpc;
            } else {
                values = new ArrayList<>(pendingValues.values());
                deleted = new ArrayList<>(pendingDeleted);
                pendingValues.clear();
                pendingDeleted.clear();
                delivered = null;
            }
            inTransit = true;
            sequence = (sequence + 1) & 0xFFFFFF;
            r.getOptions().setObserve(sequence);
        }
        try {
            if (rpc != null) {
                rpc(r, rpc);
            } else {
                attributes(r, values, deleted);
            }
        } catch (RuntimeException e) {
            // An RPC the profile's request message cannot carry: not sent; the core times it out.
            log.warn("CoAP device {}: notification could not be encoded: {}", device.deviceId(), e.getMessage());
            synchronized (this) {
                inTransit = false;
                if (rpc != null) {
                    pendingRpc = null;
                }
            }
            return;
        }
        r.addMessageObserver(new MessageObserverAdapter() {
            @Override
            public void onAcknowledgement() {
                done(delivered);
            }

            @Override
            public void onSent(boolean retransmission) {
                if (!r.isConfirmable()) {
                    done(delivered);
                }
            }

            @Override
            protected void failed() {
                // Timed out or rejected: Californium cancels the relation, which closes this observation.
                synchronized (Observation.this) {
                    inTransit = false;
                }
            }
        });
        exchange.sendResponse(r);
    }

    private void done(Object delivered) {
        synchronized (this) {
            if (!inTransit) {
                return;
            }
            inTransit = false;
            if (delivered != null) {
                pendingRpc = null;
            }
        }
        if (delivered instanceof RpcRequest rpc) {
            transport.acknowledgeRpc(device, rpc.id());
        }
        flush();
    }

    private void scheduleWindow() {
        long at = state.settings.nextWindow(state.lastUplink, System.currentTimeMillis());
        if (at < 0 || windowScheduled) {
            return;
        }
        windowScheduled = true;
        timer.schedule(() -> {
            synchronized (this) {
                windowScheduled = false;
            }
            flush();
        }, Math.max(1, at - System.currentTimeMillis() + 5), TimeUnit.MILLISECONDS);
    }

    synchronized boolean isClosed() {
        return closed;
    }

    /** The relation ended (RST, deregistration, timeout, server stop): unregister from the core. */
    void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        state.observations.remove(this);
        if (session != null) {
            session.close();
        }
    }
}
