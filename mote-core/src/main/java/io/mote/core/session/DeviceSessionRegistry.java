package io.mote.core.session;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.mote.core.cluster.CorePeers;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;

/** The live device sessions that transports registered, by device. */
@Component
public class DeviceSessionRegistry {

    private static final Logger log = LoggerFactory.getLogger(DeviceSessionRegistry.class);

    private final Map<UUID, Set<Session>> byDevice = new ConcurrentHashMap<>();
    private volatile Consumer<UUID> rpcSubscribedHook = deviceId -> { };
    private final List<ConnectionListener> connectionListeners = new CopyOnWriteArrayList<>();
    private final CorePeers peers;

    public DeviceSessionRegistry(CorePeers peers) {
        this.peers = peers;
    }

    /** Told when a device gets its first live session, loses its last one, or is deleted. */
    public interface ConnectionListener {
        void connected(DeviceInfo device);

        void disconnected(UUID deviceId);

        default void deleted(UUID deviceId) {
        }
    }

    public void addConnectionListener(ConnectionListener listener) {
        connectionListeners.add(listener);
    }

    private void fire(Consumer<ConnectionListener> event) {
        for (ConnectionListener l : connectionListeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("Connection listener failed: {}", e.toString());
            }
        }
    }

    /** Called with the device id whenever one of its sessions starts subscribing to RPC. */
    public void onRpcSubscribed(Consumer<UUID> hook) {
        this.rpcSubscribedHook = hook;
    }

    /** Offers an RPC to the device's RPC-subscribed sessions; true when one took it. */
    public boolean offerRpc(UUID deviceId, RpcRequest request) {
        Set<Session> sessions = byDevice.get(deviceId);
        if (sessions == null) {
            return false;
        }
        for (Session s : sessions) {
            if (s.rpcSubscribed) {
                try {
                    if (s.listener.onRpcRequest(request)) {
                        return true;
                    }
                } catch (RuntimeException e) {
                    log.warn("Session {} of device {} failed on an RPC: {}", s.id, deviceId, e.toString());
                }
            }
        }
        return false;
    }

    public DeviceSession open(DeviceInfo device, SessionListener listener) {
        Session s = new Session(UUID.randomUUID(), device, listener);
        boolean[] first = {false};
        byDevice.compute(device.deviceId(), (k, set) -> {
            if (set == null) {
                set = ConcurrentHashMap.newKeySet();
                first[0] = true;
            }
            set.add(s);
            return set;
        });
        if (first[0]) {
            fire(l -> l.connected(device));
        }
        return s;
    }

    public boolean isConnected(UUID deviceId) {
        Set<Session> sessions = byDevice.get(deviceId);
        return sessions != null && !sessions.isEmpty();
    }

    public int sessionCount() {
        return byDevice.values().stream().mapToInt(Set::size).sum();
    }

    /** Pushes a shared-attribute change to the device's sessions that subscribe to it (on the device's owner). */
    public void pushAttributes(UUID deviceId, AttributesUpdate update) {
        CorePeers.Peers owner = peers.elsewhere(deviceId);
        if (owner != null) {
            owner.pushAttributes(deviceId, update);
            return;
        }
        pushAttributesHere(deviceId, update);
    }

    /** {@link #pushAttributes} to the sessions registered on this node. */
    public void pushAttributesHere(UUID deviceId, AttributesUpdate update) {
        Set<Session> sessions = byDevice.get(deviceId);
        if (sessions == null) {
            return;
        }
        for (Session s : sessions) {
            if (s.attributesSubscribed) {
                try {
                    s.listener.onAttributesUpdate(update);
                } catch (RuntimeException e) {
                    log.warn("Session {} of device {} failed on an attribute update: {}", s.id, deviceId, e.toString());
                }
            }
        }
    }

    /** Tells the device's sessions that the device or its profile changed (on the device's owner). */
    public void deviceUpdated(DeviceInfo info) {
        CorePeers.Peers owner = peers.elsewhere(info.deviceId());
        if (owner != null) {
            owner.deviceUpdated(info);
            return;
        }
        deviceUpdatedHere(info);
    }

    /** {@link #deviceUpdated} for the sessions registered on this node. */
    public void deviceUpdatedHere(DeviceInfo info) {
        Set<Session> sessions = byDevice.get(info.deviceId());
        if (sessions == null) {
            return;
        }
        for (Session s : sessions) {
            s.device = info;
            try {
                s.listener.onDeviceUpdated(info);
            } catch (RuntimeException e) {
                log.warn("Session {} of device {} failed on a device update: {}", s.id, info.deviceId(), e.toString());
            }
        }
    }

    /** Tells the sessions of every device of the profile that the profile changed (on every node). */
    public void profileUpdated(UUID profileId) {
        CorePeers.Peers all = peers.get();
        if (all != null) {
            all.profileUpdated(profileId);
        }
        profileUpdatedHere(profileId);
    }

    /** {@link #profileUpdated} for the sessions registered on this node. */
    public void profileUpdatedHere(UUID profileId) {
        for (Set<Session> sessions : byDevice.values()) {
            for (Session s : sessions) {
                if (profileId.equals(s.device.deviceProfileId())) {
                    try {
                        s.listener.onDeviceUpdated(s.device);
                    } catch (RuntimeException e) {
                        log.warn("Session {} failed on a profile update: {}", s.id, e.toString());
                    }
                }
            }
        }
    }

    /** The device was deleted: its sessions are closed and its state forgotten. */
    public void deviceDeleted(UUID deviceId) {
        CorePeers.Peers owner = peers.elsewhere(deviceId);
        if (owner != null) {
            owner.closeAll(deviceId, "Device deleted", true);
            return;
        }
        deviceDeletedHere(deviceId);
    }

    /** {@link #deviceDeleted} on the device's owner. */
    public void deviceDeletedHere(UUID deviceId) {
        fire(l -> l.deleted(deviceId));
        closeAllHere(deviceId, "Device deleted");
    }

    /** Closes every session of the device (it was deleted, or its credentials changed). */
    public void closeAll(UUID deviceId, String reason) {
        CorePeers.Peers owner = peers.elsewhere(deviceId);
        if (owner != null) {
            owner.closeAll(deviceId, reason, false);
            return;
        }
        closeAllHere(deviceId, reason);
    }

    /** {@link #closeAll} for the sessions registered on this node. */
    public void closeAllHere(UUID deviceId, String reason) {
        Set<Session> sessions = byDevice.remove(deviceId);
        if (sessions == null) {
            return;
        }
        fire(l -> l.disconnected(deviceId));
        for (Session s : sessions) {
            try {
                s.listener.onSessionClosed(reason);
            } catch (RuntimeException e) {
                log.warn("Session {} of device {} failed to close: {}", s.id, deviceId, e.toString());
            }
        }
    }

    private final class Session implements DeviceSession {
        private final UUID id;
        /** Replaced when the device is updated, so a later profile update passes the current info. */
        private volatile DeviceInfo device;
        private final SessionListener listener;
        private volatile boolean attributesSubscribed;
        private volatile boolean rpcSubscribed;

        Session(UUID id, DeviceInfo device, SessionListener listener) {
            this.id = id;
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

        @Override
        public void subscribeToAttributes(boolean subscribe) {
            attributesSubscribed = subscribe;
        }

        @Override
        public void subscribeToRpc(boolean subscribe) {
            rpcSubscribed = subscribe;
            if (subscribe) {
                rpcSubscribedHook.accept(device.deviceId());
            }
        }

        @Override
        public void close() {
            boolean[] last = {false};
            byDevice.computeIfPresent(device.deviceId(), (k, set) -> {
                if (set.remove(this) && set.isEmpty()) {
                    last[0] = true;
                    return null;
                }
                return set;
            });
            if (last[0]) {
                fire(l -> l.disconnected(device.deviceId()));
            }
        }
    }
}
