package io.mote.transport.mqtt;

import java.util.LinkedHashMap;
import java.util.Map;

import io.mote.transport.mqtt.payload.PayloadFormat;

/**
 * What a device subscribed to, as the granted QoS per kind of message the server sends it
 * ({@link #NOT_SUBSCRIBED} when it did not). Touched on the connection's event loop only; a persistent
 * session keeps a {@link #copy()}.
 */
public final class Subscriptions {

    public static final byte NOT_SUBSCRIBED = -1;

    byte attributes = NOT_SUBSCRIBED;
    /** The filter the attribute subscription used (the default topic or the profile's). */
    String attributesTopic;
    /** The payload format of attribute updates: the profile's, or the short topic's {@code /j} / {@code /p}. */
    PayloadFormat attributesFormat = PayloadFormat.PROFILE;
    byte rpc = NOT_SUBSCRIBED;
    /** Where server-side RPC goes ({@code v1/devices/me/rpc/request/} or a short topic), and in what format. */
    String rpcTopic = MqttTopics.RPC_REQUEST;
    PayloadFormat rpcFormat = PayloadFormat.PROFILE;
    byte attributesResponse = NOT_SUBSCRIBED;
    byte rpcResponse = NOT_SUBSCRIBED;
    byte firmware = NOT_SUBSCRIBED;
    byte software = NOT_SUBSCRIBED;
    byte provision = NOT_SUBSCRIBED;
    /** The gateway filters granted, with their QoS (replayed to the gateway's sessions on resume). */
    final Map<String, Byte> gateway = new LinkedHashMap<>(4);

    /** A snapshot for a persistent session. */
    public Subscriptions copy() {
        Subscriptions c = new Subscriptions();
        c.attributes = attributes;
        c.attributesTopic = attributesTopic;
        c.attributesFormat = attributesFormat;
        c.rpc = rpc;
        c.rpcTopic = rpcTopic;
        c.rpcFormat = rpcFormat;
        c.attributesResponse = attributesResponse;
        c.rpcResponse = rpcResponse;
        c.firmware = firmware;
        c.software = software;
        c.provision = provision;
        c.gateway.putAll(gateway);
        return c;
    }

    public byte attributes() {
        return attributes;
    }

    public String attributesTopic() {
        return attributesTopic;
    }

    public PayloadFormat attributesFormat() {
        return attributesFormat;
    }

    public byte rpc() {
        return rpc;
    }

    public String rpcTopic() {
        return rpcTopic;
    }

    public PayloadFormat rpcFormat() {
        return rpcFormat;
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
