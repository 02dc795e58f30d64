package io.mote.transport.mqtt.payload;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.proto.ProfileProtos;

/**
 * PROTOBUF payloads of an MQTT device profile, converted by the shared {@link ProfileProtos}: telemetry,
 * attributes and RPC in the profile's schemas, attribute requests, responses and updates in ThingsBoard's
 * fixed messages. With {@code enableCompatibilityWithJsonPayloadFormat} a payload that is JSON text is
 * taken as JSON, and with {@code useJsonPayloadFormatForDefaultDownlinkTopics} as well, what the server
 * sends is JSON.
 */
final class ProtoPayloadAdaptor implements PayloadAdaptor {

    private final ProfileProtos protos;
    private final boolean acceptJson;
    private final boolean sendJson;

    ProtoPayloadAdaptor(ProfileProtos protos, boolean acceptJson, boolean sendJson) {
        this.protos = protos;
        this.acceptJson = acceptJson;
        this.sendJson = acceptJson && sendJson;
    }

    // ---------------------------------------------------------------- from the device

    @Override
    public JsonNode telemetry(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.telemetry(payload) : protos.telemetry(payload);
    }

    @Override
    public JsonNode attributes(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.attributes(payload) : protos.attributes(payload);
    }

    @Override
    public JsonNode attributesRequest(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.attributesRequest(payload)
                : ProfileProtos.attributesRequest(payload);
    }

    @Override
    public String rpcResponse(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.rpcResponse(payload) : protos.rpcResponse(payload);
    }

    @Override
    public boolean isProtobuf(byte[] payload) {
        return !isJson(payload);
    }

    @Override
    public boolean sendsProtobuf() {
        return !sendJson;
    }

    /** Compatibility mode: a payload that is a JSON object or array is read as JSON. */
    private boolean isJson(byte[] payload) {
        if (!acceptJson) {
            return false;
        }
        for (byte b : payload) {
            if (b == ' ' || b == '\n' || b == '\r' || b == '\t') {
                continue;
            }
            if (b != '{' && b != '[') {
                return false;
            }
            try {
                Json.parse(payload);
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- to the device

    @Override
    public byte[] attributesUpdate(AttributesUpdate update) {
        return sendJson ? JsonPayloadAdaptor.INSTANCE.attributesUpdate(update) : ProfileProtos.attributesUpdate(update);
    }

    @Override
    public byte[] attributesResponse(int requestId, DeviceAttributes attrs, boolean withClient, boolean withShared) {
        return sendJson ? JsonPayloadAdaptor.INSTANCE.attributesResponse(requestId, attrs, withClient, withShared)
                : ProfileProtos.attributesResponse(requestId, attrs, withClient, withShared);
    }

    @Override
    public byte[] rpcRequest(RpcRequest request) {
        return sendJson ? JsonPayloadAdaptor.INSTANCE.rpcRequest(request) : protos.rpcRequest(request);
    }
}
