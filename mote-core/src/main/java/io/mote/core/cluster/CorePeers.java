package io.mote.core.cluster;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import org.springframework.stereotype.Component;

import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.rpc.RpcOutcome;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;

/**
 * The other core nodes, when several share the devices (role {@code core}): a device's sessions and RPC
 * queue live on the node that owns the device's partition, so work for a device found elsewhere is sent
 * there, and what every node must know (cache invalidations, live updates) is told to all. Unset in a
 * single process: everything is local and nothing here is called.
 */
@Component
public class CorePeers {

    /** How this node reaches the others; implemented by the cluster wiring. */
    public interface Peers {

        /** Whether this node processes the device's messages now (it owns the device's partition). */
        boolean owns(UUID deviceId);

        // ---- to the device's owner ----

        void pushAttributes(UUID deviceId, AttributesUpdate update);

        void deviceUpdated(DeviceInfo device);

        /** Closes the device's sessions on its owner; {@code deleted}: the device itself is gone. */
        void closeAll(UUID deviceId, String reason, boolean deleted);

        /** A server-side RPC submitted on the owner; {@code body} is the request's JSON text. */
        CompletableFuture<RpcOutcome> submitRpc(UUID tenantId, UUID deviceId, boolean oneway, String body);

        // ---- to every node ----

        void profileUpdated(UUID profileId);

        void credentialsInvalidated(String credentialsId);

        void deviceInvalidated(UUID deviceId);

        void timeseries(UUID entityId, List<TsKvEntry> entries);

        void attributes(UUID entityId, AttributeScope scope, List<AttributeKvEntry> attributes);
    }

    private volatile Peers peers;

    /** The other nodes, or null when this process is alone. */
    public Peers get() {
        return peers;
    }

    public void set(Peers peers) {
        this.peers = peers;
    }

    /** The peers when the device is owned by another node, else null (do the work here). */
    public Peers elsewhere(UUID deviceId) {
        Peers p = peers;
        return p != null && !p.owns(deviceId) ? p : null;
    }
}
