package io.mote.transport.coap;

import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** What the transport remembers of a device between requests: its settings, when it was last heard, its observations. */
final class DeviceState {

    final UUID deviceId;
    volatile ClientSettings settings = ClientSettings.DEFAULT;
    volatile long settingsLoadedAt;
    volatile long lastUplink = System.currentTimeMillis();
    final Set<Observation> observations = ConcurrentHashMap.newKeySet();

    DeviceState(UUID deviceId) {
        this.deviceId = deviceId;
    }

    boolean reachable() {
        return settings.reachable(lastUplink, System.currentTimeMillis());
    }

    /** The device sent something: it is reachable again, so held notifications and RPC go out. */
    void heard() {
        lastUplink = System.currentTimeMillis();
        for (Observation o : observations) {
            o.flush();
        }
    }
}
