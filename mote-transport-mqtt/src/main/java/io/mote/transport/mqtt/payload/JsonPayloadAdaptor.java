package io.mote.transport.mqtt.payload;

import java.nio.charset.StandardCharsets;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.RpcRequest;

/** JSON payloads, the default: the bodies of the HTTP device API, as UTF-8 text. */
public final class JsonPayloadAdaptor implements PayloadAdaptor {

    public static final JsonPayloadAdaptor INSTANCE = new JsonPayloadAdaptor();

    private JsonPayloadAdaptor() {
    }

    @Override
    public JsonNode telemetry(byte[] payload) {
        return Json.parse(payload);
    }

    @Override
    public JsonNode attributes(byte[] payload) {
        return Json.parse(payload);
    }

    @Override
    public JsonNode attributesRequest(byte[] payload) {
        return payload.length == 0 ? Json.object() : Json.parse(payload);
    }

    @Override
    public String rpcResponse(byte[] payload) {
        return new String(payload, StandardCharsets.UTF_8);
    }

    @Override
    public byte[] attributesUpdate(AttributesUpdate update) {
        return bytes(DevicePayloads.attributesUpdate(update));
    }

    @Override
    public byte[] attributesResponse(int requestId, DeviceAttributes attributes, boolean withClient, boolean withShared) {
        return bytes(DevicePayloads.attributesResponse(attributes, withClient, withShared));
    }

    @Override
    public byte[] rpcRequest(RpcRequest request) {
        return bytes(DevicePayloads.rpcRequestWithoutId(request));
    }

    static byte[] bytes(JsonNode node) {
        return Json.write(node).getBytes(StandardCharsets.UTF_8);
    }
}
