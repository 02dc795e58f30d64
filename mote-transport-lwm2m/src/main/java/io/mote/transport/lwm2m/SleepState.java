package io.mote.transport.lwm2m;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.server.registration.Registration;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.transport.api.AttributesUpdate;

/**
 * Whether a client can be reached now (queue mode: Leshan's presence service; PSM / eDRX: a window after
 * each uplink) and what waits for its wake-up: shared-attribute writes (newest value per key) and a
 * profile change.
 */
final class SleepState {

    private final Lwm2mClient client;
    private volatile long lastUplink = System.currentTimeMillis();
    /** Made at the first write held: most clients never sleep through one (guarded by this). */
    private Map<String, AttributeKvEntry> pendingWrites;
    private volatile boolean profilePending;

    SleepState(Lwm2mClient client) {
        this.client = client;
    }

    /** Whether a request sent now would find the client asleep. */
    boolean asleep() {
        Registration r = client.registration();
        if (r.usesQueueMode()) {
            return !client.owner().server().getPresenceService().isClientAwake(r);
        }
        long window = client.profile().power().awakeWindowMs();
        return window > 0 && System.currentTimeMillis() - lastUplink > window;
    }

    /** How long the server counts a queue-mode client awake after an uplink (ms). */
    long awakeTimeMs() {
        long window = client.profile().power().awakeWindowMs();
        return window > 0 ? window : client.owner().props().awakeTimeMs();
    }

    /** An uplink was heard; returns whether a PSM / eDRX client was asleep until now. */
    boolean uplink() {
        boolean wasAsleep = !client.registration().usesQueueMode() && asleep();
        lastUplink = System.currentTimeMillis();
        return wasAsleep;
    }

    void woke() {
        lastUplink = System.currentTimeMillis();
    }

    void holdProfile() {
        profilePending = true;
    }

    /** Whether a profile change waited for the wake-up (and is now taken). */
    boolean takeProfile() {
        if (!profilePending) {
            return false;
        }
        profilePending = false;
        return true;
    }

    synchronized void holdWrites(AttributesUpdate update) {
        if (pendingWrites == null) {
            pendingWrites = new LinkedHashMap<>();
        }
        update.updated().forEach(a -> pendingWrites.put(a.key(), a));
    }

    /** The writes that waited, removed from the waiting set. */
    synchronized List<AttributeKvEntry> takeWrites() {
        if (pendingWrites == null) {
            return List.of();
        }
        List<AttributeKvEntry> writes = new ArrayList<>(pendingWrites.values());
        pendingWrites = null;
        return writes;
    }
}
