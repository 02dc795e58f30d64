package io.mote.transport.mqtt;

/**
 * What a device subscribed to, as the granted QoS per kind of message the server sends it
 * ({@link #NOT_SUBSCRIBED} when it did not). Touched on the connection's event loop only.
 */
public final class Subscriptions {

    public static final byte NOT_SUBSCRIBED = -1;

    byte attributes = NOT_SUBSCRIBED;
    /** The filter the attribute subscription used (the default topic or the profile's). */
    String attributesTopic;
    byte rpc = NOT_SUBSCRIBED;
    byte attributesResponse = NOT_SUBSCRIBED;
    byte rpcResponse = NOT_SUBSCRIBED;
    byte firmware = NOT_SUBSCRIBED;
    byte software = NOT_SUBSCRIBED;
    byte provision = NOT_SUBSCRIBED;

    public byte attributes() {
        return attributes;
    }

    public String attributesTopic() {
        return attributesTopic;
    }

    public byte rpc() {
        return rpc;
    }

    public byte attributesResponse() {
        return attributesResponse;
    }

    public byte rpcResponse() {
        return rpcResponse;
    }

    public byte firmware() {
        return firmware;
    }

    public byte software() {
        return software;
    }

    public byte provision() {
        return provision;
    }
}
