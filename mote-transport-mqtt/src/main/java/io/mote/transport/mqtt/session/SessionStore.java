package io.mote.transport.mqtt.session;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * MQTT sessions by client id: MQTT 3.1.1 {@code cleanSession=false} and MQTT 5 sessions with a Session
 * Expiry Interval are kept after their connection ends, for at most {@code maxExpiryMs}, and resumed by
 * the next connection of the same client id and device. Memory is bounded per session by
 * {@link InFlight}'s limit; expired sessions are removed by {@link #sweep(long)}.
 */
public final class SessionStore {

    /** What a connection starts with: the session, and whether it was resumed (CONNACK's Session Present). */
    public record Opened(PersistedSession session, boolean present) {
    }

    private final Map<String, PersistedSession> sessions = new ConcurrentHashMap<>();
    private final boolean enabled;
    private final long maxExpiryMs;
    private final int maxInFlight;

    public SessionStore(boolean enabled, long maxExpiryMs, int maxInFlight) {
        this.enabled = enabled;
        this.maxExpiryMs = Math.max(0, maxExpiryMs);
        this.maxInFlight = maxInFlight;
    }

    /** The expiry a client asked for, as the server grants it (0 when persistent sessions are off). */
    public long grant(long requestedMs) {
        return enabled ? Math.min(Math.max(0, requestedMs), maxExpiryMs) : 0;
    }

    /**
     * Opens the session of a connection that authenticated as {@code deviceId}. Unless {@code cleanStart},
     * a kept session of the same client id and device is resumed; a session of another device under the
     * same client id is never handed over.
     */
    public Opened open(Object connection, String clientId, UUID deviceId, boolean cleanStart, long expiryMs,
                       long now) {
        PersistedSession existing = sessions.get(clientId);
        boolean resume = !cleanStart && existing != null && existing.deviceId().equals(deviceId)
                && !existing.expired(now);
        PersistedSession s = resume ? existing : new PersistedSession(clientId, deviceId, maxInFlight);
        s.open(connection, expiryMs);
        if (expiryMs > 0 || resume) {
            sessions.put(clientId, s);
        } else if (existing != null) {
            sessions.remove(clientId, existing);
        }
        return new Opened(s, resume);
    }

    /** The connection ended: keep the session for its expiry, or drop it at once. */
    public void closed(Object connection, PersistedSession s, long now) {
        if (!s.isOwnedBy(connection)) {
            return; // taken over: the new connection owns it now
        }
        s.closed(now);
        if (s.expiryMs() <= 0) {
            sessions.remove(s.clientId(), s);
        }
    }

    /** Removes sessions whose expiry has passed. */
    public void sweep(long now) {
        sessions.values().removeIf(s -> s.expired(now));
    }

    public int size() {
        return sessions.size();
    }
}
