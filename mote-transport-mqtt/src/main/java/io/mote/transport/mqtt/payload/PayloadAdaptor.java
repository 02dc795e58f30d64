package io.mote.transport.mqtt.payload;

import tools.jackson.databind.JsonNode;

import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.RpcRequest;

/**
 * Converts the device-topic payloads of one payload type (JSON, or PROTOBUF with the profile's schemas)
 * to and from the JSON the rest of the transport works with, so everything after it is the same for
 * both. Bad input fails with {@code MoteException.badRequest}.
 */
public interface PayloadAdaptor {

    /** {@code v1/devices/me/telemetry} (or the profile's topic) as telemetry JSON. */
    JsonNode telemetry(byte[] payload);

    /** {@code v1/devices/me/attributes} (or the profile's topic) as a JSON object of attributes. */
    JsonNode attributes(byte[] payload);

    /** An attribute request as {@code {"clientKeys","sharedKeys"}} (either may be absent). */
    JsonNode attributesRequest(byte[] payload);

    /** A device's answer to server-side RPC, as the text handed to the application. */
    String rpcResponse(byte[] payload);

    /** A shared-attribute update for the device. */
    byte[] attributesUpdate(AttributesUpdate update);

    /** The answer to attribute request {@code requestId}. */
    byte[] attributesResponse(int requestId, DeviceAttributes attributes, boolean withClient, boolean withShared);

    /** A server-side RPC for the device. */
    byte[] rpcRequest(RpcRequest request);

    /**
     * Whether a payload on a topic of ThingsBoard's fixed messages (claim, client-side RPC, the gateway
     * API) is PROTOBUF: for a PROTOBUF profile, unless compatibility mode takes it as JSON.
     */
    default boolean isProtobuf(byte[] payload) {
        return false;
    }

    /** Whether what the server sends on those topics is PROTOBUF. */
    default boolean sendsProtobuf() {
        return false;
    }
}
