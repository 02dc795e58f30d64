package io.mote.transport.mqtt.session;

import java.util.UUID;

import io.mote.transport.mqtt.Subscriptions;

/**
 * An MQTT session's state that may outlive its connection: the device it belongs to, its subscriptions
 * and its unacknowledged QoS 1 messages. {@code expiryMs} is how long it is kept after the connection
 * ends (0 = not at all). Fields are volatile: the connection that owns the session writes them on its
 * event loop, a taking-over connection or the expiry sweep reads them on another thread.
 */
public final class PersistedSession {

    private final String clientId;
    private final UUID deviceId;
    private final InFlight inFlight;
    private volatile Subscriptions subscriptions = new Subscriptions();
    private volatile long expiryMs;
    private volatile Object owner;
    private volatile long expiresAt = Long.MAX_VALUE;

    PersistedSession(String clientId, UUID deviceId, int maxInFlight) {
        this.clientId = clientId;
        this.deviceId = deviceId;
        this.inFlight = new InFlight(maxInFlight);
    }

    public String clientId() {
        return clientId;
    }

    public UUID deviceId() {
        return deviceId;
    }

    public InFlight inFlight() {
        return inFlight;
    }

    /** A copy of the subscriptions last recorded, for a resuming connection. */
    public Subscriptions subscriptions() {
        return subscriptions.copy();
    }

    /** Records the connection's subscriptions (a copy: the connection keeps changing its own). */
    public void subscriptions(Subscriptions current) {
        this.subscriptions = current.copy();
    }

    public long expiryMs() {
        return expiryMs;
    }

    boolean isOwnedBy(Object connection) {
        return owner == connection;
    }

    void open(Object connection, long expiryMs) {
        this.owner = connection;
        this.expiryMs = expiryMs;
        this.expiresAt = Long.MAX_VALUE;
    }

    void closed(long now) {
        owner = null;
        expiresAt = now + expiryMs;
    }

    boolean expired(long now) {
        return owner == null && expiresAt <= now;
    }
}
