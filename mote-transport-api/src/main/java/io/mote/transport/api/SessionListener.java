package io.mote.transport.api;

/**
 * Callbacks through which the core reaches a connected device. A transport implements these with its
 * own protocol (an MQTT publish, a CoAP notification, an HTTP long-poll answer). Callbacks must not
 * block: they run on core threads.
 */
public interface SessionListener {

    /** Shared attributes changed; delivered only while the session subscribes to attribute updates. */
    default void onAttributesUpdate(AttributesUpdate update) {
    }

    /**
     * A server-side RPC for the device; offered only while the session subscribes to RPC. Returns true when
     * the transport takes it (it then reports delivery with {@link TransportService#acknowledgeRpc} and the
     * device's answer with {@link TransportService#sendRpcResponse}); false leaves it queued for a later
     * session (an HTTP long-poll takes one request per poll).
     */
    default boolean onRpcRequest(RpcRequest request) {
        return false;
    }

    /** The device or its profile changed (name, profile, transport configuration): refresh what depends on it. */
    default void onDeviceUpdated(DeviceInfo device) {
    }

    /** The core closed the session: the device was deleted or its credentials changed. */
    default void onSessionClosed(String reason) {
    }
}
