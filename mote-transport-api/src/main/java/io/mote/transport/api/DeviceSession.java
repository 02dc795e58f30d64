package io.mote.transport.api;

import java.util.UUID;

/** A device's live connection as the core sees it. Closing it unregisters the listener. */
public interface DeviceSession extends AutoCloseable {

    UUID sessionId();

    DeviceInfo device();

    /** Start or stop receiving shared attribute updates. */
    void subscribeToAttributes(boolean subscribe);

    /** Start or stop receiving server-side RPC; subscribing delivers RPC queued while the device was away. */
    void subscribeToRpc(boolean subscribe);

    @Override
    void close();
}
