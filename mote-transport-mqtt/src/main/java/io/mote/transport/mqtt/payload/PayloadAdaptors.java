package io.mote.transport.mqtt.payload;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.proto.ProtoSchemas;

/**
 * The payload adaptor of a device's profile: JSON, or PROTOBUF with the profile's compiled schemas.
 * Compiled adaptors are cached by the profile's transport configuration text, so the schemas of a profile
 * are compiled once (and again only when they change). Compiling may take milliseconds: call this off the
 * event loop.
 */
public final class PayloadAdaptors {

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

    private static final int MAX_CACHED = 1024;
    private static final Map<String, PayloadAdaptor> CACHE = new ConcurrentHashMap<>();

    private PayloadAdaptors() {
    }

    /** The adaptor for a device's transport configuration; a bad request if its schemas do not compile. */
    public static PayloadAdaptor of(TransportConfiguration configuration) {
        String profile = configuration == null ? null : configuration.profile();
        if (profile == null || !profile.contains("PROTOBUF")) {
            return JsonPayloadAdaptor.INSTANCE;
        }
        JsonNode tc = Json.parse(profile);
        JsonNode payload = tc.path("transportPayloadTypeConfiguration");
        if (!"MQTT".equals(tc.path("type").asString("")) || !"PROTOBUF".equals(payload.path("transportPayloadType").asString(""))) {
            return JsonPayloadAdaptor.INSTANCE;
        }
        String key = Json.write(payload);
        PayloadAdaptor cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        PayloadAdaptor compiled = new ProtoPayloadAdaptor(
                ProtoSchemas.compile(schema(payload, "deviceTelemetryProtoSchema", DEFAULT_TELEMETRY_SCHEMA)),
                ProtoSchemas.compile(schema(payload, "deviceAttributesProtoSchema", DEFAULT_ATTRIBUTES_SCHEMA)),
                ProtoSchemas.compile(schema(payload, "deviceRpcRequestProtoSchema", DEFAULT_RPC_REQUEST_SCHEMA)),
                ProtoSchemas.compile(schema(payload, "deviceRpcResponseProtoSchema", DEFAULT_RPC_RESPONSE_SCHEMA)),
                payload.path("enableCompatibilityWithJsonPayloadFormat").asBoolean(false),
                payload.path("useJsonPayloadFormatForDefaultDownlinkTopics").asBoolean(false));
        if (CACHE.size() >= MAX_CACHED) {
            CACHE.clear();
        }
        CACHE.put(key, compiled);
        return compiled;
    }

    private static String schema(JsonNode payload, String field, String fallback) {
        String s = payload.path(field).asString("");
        return s.isBlank() ? fallback : s;
    }
}
