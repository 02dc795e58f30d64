package io.mote.transport.api.proto;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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

/**
 * The PROTOBUF payloads of a device profile, whatever the transport: the profile's four compiled schemas
 * (telemetry, attributes, RPC request, RPC response; each the last top-level message of its text) and
 * ThingsBoard's fixed messages ({@link DeviceApiProtos}) for attribute requests, responses and updates.
 * Everything converts to and from the JSON the JSON payload path uses, so what follows is the same for
 * both. Compiled schemas are cached by their text: a profile's schemas are compiled once, for all its
 * devices and all transports, and again only when they change. Bad input fails with a bad request.
 */
public final class ProfileProtos {

    /** Default schemas, used for any a PROTOBUF profile leaves out (as ThingsBoard's defaults). */
    public static final String DEFAULT_TELEMETRY_SCHEMA = """
            syntax ="proto3";
            package telemetry;

            message SensorDataReading {

              optional double temperature = 1;
              optional double humidity = 2;
              InnerObject innerObject = 3;

              message InnerObject {
                optional string key1 = 1;
                optional bool key2 = 2;
                optional double key3 = 3;
                optional int32 key4 = 4;
                optional string key5 = 5;
              }
            }
            """;
    public static final String DEFAULT_ATTRIBUTES_SCHEMA = """
            syntax ="proto3";
            package attributes;

            message SensorConfiguration {
              optional string firmwareVersion = 1;
              optional string serialNumber = 2;
            }
            """;
    public static final String DEFAULT_RPC_REQUEST_SCHEMA = """
            syntax ="proto3";
            package rpc;

            message RpcRequestMsg {
              optional string method = 1;
              optional int32 requestId = 2;
              optional string params = 3;
            }
            """;
    public static final String DEFAULT_RPC_RESPONSE_SCHEMA = """
            syntax ="proto3";
            package rpc;

            message RpcResponseMsg {
              optional string payload = 1;
            }
            """;

    /** The schema fields of a {@code transportPayloadTypeConfiguration}, in the order of the constructor. */
    public static final List<String> SCHEMA_FIELDS = List.of("deviceTelemetryProtoSchema",
            "deviceAttributesProtoSchema", "deviceRpcRequestProtoSchema", "deviceRpcResponseProtoSchema");

    private static final int MAX_CACHED = 1024;
    private static final Map<List<String>, ProfileProtos> CACHE = new ConcurrentHashMap<>();

    private final Descriptors.Descriptor telemetry;
    private final Descriptors.Descriptor attributes;
    private final Descriptors.Descriptor rpcRequest;
    private final Descriptors.Descriptor rpcResponse;

    private ProfileProtos(List<String> schemas) {
        this.telemetry = ProtoSchemas.compile(schemas.get(0));
        this.attributes = ProtoSchemas.compile(schemas.get(1));
        this.rpcRequest = ProtoSchemas.compile(schemas.get(2));
        this.rpcResponse = ProtoSchemas.compile(schemas.get(3));
    }

    /**
     * The compiled schemas of a PROTOBUF {@code transportPayloadTypeConfiguration} (a blank or absent
     * schema is the default one); a bad request naming the problem if one does not compile. Compiling
     * may take milliseconds: call this off event loops.
     */
    public static ProfileProtos of(JsonNode payloadTypeConfiguration) {
        List<String> schemas = List.of(
                schema(payloadTypeConfiguration, SCHEMA_FIELDS.get(0), DEFAULT_TELEMETRY_SCHEMA),
                schema(payloadTypeConfiguration, SCHEMA_FIELDS.get(1), DEFAULT_ATTRIBUTES_SCHEMA),
                schema(payloadTypeConfiguration, SCHEMA_FIELDS.get(2), DEFAULT_RPC_REQUEST_SCHEMA),
                schema(payloadTypeConfiguration, SCHEMA_FIELDS.get(3), DEFAULT_RPC_RESPONSE_SCHEMA));
        ProfileProtos cached = CACHE.get(schemas);
        if (cached != null) {
            return cached;
        }
        ProfileProtos compiled = new ProfileProtos(schemas);
        if (CACHE.size() >= MAX_CACHED) {
            CACHE.clear();
        }
        CACHE.put(schemas, compiled);
        return compiled;
    }

    private static String schema(JsonNode payload, String field, String fallback) {
        String s = payload == null ? "" : payload.path(field).asString("");
        return s.isBlank() ? fallback : s;
    }

    // ---------------------------------------------------------------- from the device

    /** Telemetry in the profile's telemetry message, as telemetry JSON. */
    public ObjectNode telemetry(byte[] payload) {
        return ProtoJson.parse(telemetry, payload);
    }

    /** Attributes in the profile's attributes message, as a JSON object of attributes. */
    public ObjectNode attributes(byte[] payload) {
        return ProtoJson.parse(attributes, payload);
    }

    /** A device's answer to server-side RPC in the profile's response message, as the JSON text for the application. */
    public String rpcResponse(byte[] payload) {
        return Json.write(ProtoJson.parse(rpcResponse, payload));
    }

    /** {@link DeviceApiProtos#ATTRIBUTES_REQUEST} as {@code {"clientKeys","sharedKeys"}}, each only when asked for. */
    public static ObjectNode attributesRequest(byte[] payload) {
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

    // ---------------------------------------------------------------- to the device

    /** A server-side RPC in the profile's request message. */
    public byte[] rpcRequest(RpcRequest request) {
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

    /** A shared-attribute update (or the current shared attributes) as {@link DeviceApiProtos#ATTRIBUTE_UPDATE}. */
    public static byte[] attributesUpdate(AttributesUpdate update) {
        ObjectNode msg = Json.object();
        tsKvList(msg.putArray("sharedUpdated"), update.updated());
        ArrayNode deleted = msg.putArray("sharedDeleted");
        update.deleted().forEach(deleted::add);
        return ProtoJson.fromJson(DeviceApiProtos.ATTRIBUTE_UPDATE, msg).toByteArray();
    }

    /** The answer to attribute request {@code requestId} as {@link DeviceApiProtos#ATTRIBUTE_RESPONSE}. */
    public static byte[] attributesResponse(int requestId, DeviceAttributes attrs, boolean withClient, boolean withShared) {
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
