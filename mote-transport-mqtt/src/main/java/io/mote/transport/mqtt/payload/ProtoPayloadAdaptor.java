package io.mote.transport.mqtt.payload;

import java.util.List;

import com.google.protobuf.Descriptors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.proto.ProtoJson;

/**
 * PROTOBUF payloads of an MQTT device profile. Telemetry, attributes and RPC use the profile's schemas
 * (the last top-level message of each); attribute requests, attribute responses and shared-attribute
 * updates use ThingsBoard's fixed messages ({@link DeviceApiProtos}). With
 * {@code enableCompatibilityWithJsonPayloadFormat} a payload that is JSON text is taken as JSON, and with
 * {@code useJsonPayloadFormatForDefaultDownlinkTopics} as well, what the server sends is JSON.
 */
final class ProtoPayloadAdaptor implements PayloadAdaptor {

    private final Descriptors.Descriptor telemetry;
    private final Descriptors.Descriptor attributes;
    private final Descriptors.Descriptor rpcRequest;
    private final Descriptors.Descriptor rpcResponse;
    private final boolean acceptJson;
    private final boolean sendJson;

    ProtoPayloadAdaptor(Descriptors.Descriptor telemetry, Descriptors.Descriptor attributes,
                        Descriptors.Descriptor rpcRequest, Descriptors.Descriptor rpcResponse,
                        boolean acceptJson, boolean sendJson) {
        this.telemetry = telemetry;
        this.attributes = attributes;
        this.rpcRequest = rpcRequest;
        this.rpcResponse = rpcResponse;
        this.acceptJson = acceptJson;
        this.sendJson = acceptJson && sendJson;
    }

    // ---------------------------------------------------------------- from the device

    @Override
    public JsonNode telemetry(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.telemetry(payload) : ProtoJson.parse(telemetry, payload);
    }

    @Override
    public JsonNode attributes(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.attributes(payload) : ProtoJson.parse(attributes, payload);
    }

    @Override
    public JsonNode attributesRequest(byte[] payload) {
        if (isJson(payload)) {
            return JsonPayloadAdaptor.INSTANCE.attributesRequest(payload);
        }
        ObjectNode request = ProtoJson.parse(DeviceApiProtos.ATTRIBUTES_REQUEST, payload);
        // Empty strings are proto3 defaults, that is: not asked for.
        ObjectNode keys = Json.object();
        for (String field : List.of("clientKeys", "sharedKeys")) {
            String v = request.path(field).asString("");
            if (!v.isBlank()) {
                keys.put(field, v);
            }
        }
        return keys;
    }

    @Override
    public String rpcResponse(byte[] payload) {
        return isJson(payload) ? JsonPayloadAdaptor.INSTANCE.rpcResponse(payload)
                : Json.write(ProtoJson.parse(rpcResponse, payload));
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
        if (sendJson) {
            return JsonPayloadAdaptor.INSTANCE.attributesUpdate(update);
        }
        ObjectNode msg = Json.object();
        tsKvList(msg.putArray("sharedUpdated"), update.updated());
        ArrayNode deleted = msg.putArray("sharedDeleted");
        update.deleted().forEach(deleted::add);
        return ProtoJson.fromJson(DeviceApiProtos.ATTRIBUTE_UPDATE, msg).toByteArray();
    }

    @Override
    public byte[] attributesResponse(int requestId, DeviceAttributes attrs, boolean withClient, boolean withShared) {
        if (sendJson) {
            return JsonPayloadAdaptor.INSTANCE.attributesResponse(requestId, attrs, withClient, withShared);
        }
        ObjectNode msg = Json.object();
        msg.put("requestId", requestId);
        if (withClient) {
            tsKvList(msg.putArray("clientAttributeList"), attrs.client());
        }
        if (withShared) {
            tsKvList(msg.putArray("sharedAttributeList"), attrs.shared());
        }
        msg.put("isMultipleAttributesRequest", true);
        return ProtoJson.fromJson(DeviceApiProtos.ATTRIBUTE_RESPONSE, msg).toByteArray();
    }

    @Override
    public byte[] rpcRequest(RpcRequest request) {
        if (sendJson) {
            return JsonPayloadAdaptor.INSTANCE.rpcRequest(request);
        }
        // The profile's request message: its "method", "requestId" and "params" fields, where present;
        // params is the JSON text for a string field, or the message the params object maps to.
        ObjectNode msg = Json.object();
        msg.put("method", request.method());
        msg.put("requestId", request.id());
        var params = rpcRequest.findFieldByName("params");
        if (params != null) {
            JsonNode p = Json.parse(request.params());
            if (params.getJavaType() == Descriptors.FieldDescriptor.JavaType.MESSAGE && p.isObject()) {
                msg.set("params", p);
            } else {
                msg.put("params", p.isString() ? p.asString() : Json.write(p));
            }
        }
        return ProtoJson.fromJson(rpcRequest, msg).toByteArray();
    }

    private static void tsKvList(ArrayNode list, List<AttributeKvEntry> entries) {
        for (AttributeKvEntry a : entries) {
            ObjectNode tsKv = list.addObject();
            tsKv.put("ts", a.lastUpdateTs());
            tsKv.set("kv", keyValue(a.kv()));
        }
    }

    private static ObjectNode keyValue(KvEntry kv) {
        ObjectNode o = Json.object().put("key", kv.key());
        switch (kv.type()) {
            case BOOLEAN -> o.put("type", "BOOLEAN_V").put("bool_v", (Boolean) kv.value());
            case LONG -> o.put("type", "LONG_V").put("long_v", (Long) kv.value());
            case DOUBLE -> o.put("type", "DOUBLE_V").put("double_v", (Double) kv.value());
            case STRING -> o.put("type", "STRING_V").put("string_v", (String) kv.value());
            case JSON -> o.put("type", "JSON_V").put("json_v", (String) kv.value());
        }
        return o;
    }
}
