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

    /** The core closed the session: the device was deleted or its credentials changed. */
    default void onSessionClosed(String reason) {
    }
}
