package io.mote.server.it;

import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.proto.ProtoJson;
import io.mote.transport.api.proto.ProtoSchemas;

/**
 * The {@code .proto} schemas a test device profile declares, and the fixed device API messages as a
 * device built for ThingsBoard knows them (written out here, independently of the server's copy), with
 * ways to encode and decode them.
 */
public final class DeviceProtos {

    public static final String TELEMETRY = """
            syntax = "proto3";
            package telemetry;

            message Reading {
              optional double temperature = 1;
              optional int64 count = 2;
              Inner inner = 3;
              Mode mode = 4;

              message Inner {
                optional string label = 1;
              }
              enum Mode {
                IDLE = 0;
                RUNNING = 1;
              }
            }
            """;
    public static final String ATTRIBUTES = """
            syntax = "proto3";
            message SensorConfiguration {
              optional string firmwareVersion = 1;
              optional string serialNumber = 2;
            }
            """;
    public static final String RPC_REQUEST = """
            syntax = "proto3";
            message RpcRequestMsg {
              optional string method = 1;
              optional int32 requestId = 2;
              optional string params = 3;
            }
            """;
    public static final String RPC_RESPONSE = """
            syntax = "proto3";
            message RpcResponseMsg {
              optional string payload = 1;
            }
            """;
    public static final String DEVICE_API = """
            syntax = "proto3";
            enum KeyValueType { BOOLEAN_V = 0; LONG_V = 1; DOUBLE_V = 2; STRING_V = 3; JSON_V = 4; }
            message KeyValueProto {
              string key = 1; KeyValueType type = 2; bool bool_v = 3; int64 long_v = 4; double double_v = 5;
              string string_v = 6; string json_v = 7;
            }
            message TsKvProto { int64 ts = 1; KeyValueProto kv = 2; }
            message AttributeUpdateNotificationMsg { repeated TsKvProto sharedUpdated = 1; repeated string sharedDeleted = 2; }
            message GetAttributeResponseMsg {
              int32 requestId = 1; repeated TsKvProto clientAttributeList = 2; repeated TsKvProto sharedAttributeList = 3;
            }
            message AttributesRequest { string clientKeys = 1; string sharedKeys = 2; }
            message ToServerRpcRequestMsg { int32 requestId = 1; string methodName = 2; string params = 3; }
            message ToServerRpcResponseMsg { int32 requestId = 1; string payload = 2; string error = 3; }
            """;

    /** ThingsBoard's MQTT messages of claiming, client-side RPC and the gateway API, with {@link #DEVICE_API}'s. */
    public static final String MQTT_API = DEVICE_API + """
            message ClaimDevice { string secretKey = 1; int64 durationMs = 2; }
            message RpcRequest { string method = 1; string params = 2; }
            message TsKvListProto { int64 ts = 1; repeated KeyValueProto kv = 2; }
            message PostTelemetryMsg { repeated TsKvListProto tsKvList = 1; }
            message PostAttributeMsg { repeated KeyValueProto kv = 1; bool shared = 2; }
            message ToDeviceRpcRequestMsg {
              int32 requestId = 1; string methodName = 2; string params = 3; int64 expirationTime = 4;
              int64 requestIdMSB = 5; int64 requestIdLSB = 6; bool oneway = 7; bool persisted = 8;
            }
            message ConnectMsg { string deviceName = 1; string deviceType = 2; }
            message DisconnectMsg { string deviceName = 1; }
            message TelemetryMsg { string deviceName = 1; PostTelemetryMsg msg = 3; }
            message AttributesMsg { string deviceName = 1; PostAttributeMsg msg = 2; }
            message ClaimDeviceMsg { string deviceName = 1; ClaimDevice claimRequest = 2; }
            message GatewayTelemetryMsg { repeated TelemetryMsg msg = 1; }
            message GatewayClaimMsg { repeated ClaimDeviceMsg msg = 1; }
            message GatewayAttributesMsg { repeated AttributesMsg msg = 1; }
            message GatewayRpcResponseMsg { string deviceName = 1; int32 id = 2; string data = 3; }
            message GatewayAttributeResponseMsg { string deviceName = 1; GetAttributeResponseMsg responseMsg = 2; }
            message GatewayAttributeUpdateNotificationMsg { string deviceName = 1; AttributeUpdateNotificationMsg notificationMsg = 2; }
            message GatewayDeviceRpcRequestMsg { string deviceName = 1; ToDeviceRpcRequestMsg rpcRequestMsg = 2; }
            message GatewayAttributesRequestMsg { int32 id = 1; string deviceName = 2; bool client = 3; repeated string keys = 4; }
            """;

    private DeviceProtos() {
    }

    /** The JSON encoded as the schema's last top-level message. */
    public static byte[] encode(String schema, String json) {
        return ProtoJson.fromJson(ProtoSchemas.compile(schema), Json.parse(json)).toByteArray();
    }

    /** The JSON encoded as the named message of the schema. */
    public static byte[] encode(String schema, String messageName, String json) {
        return ProtoJson.fromJson(ProtoSchemas.compile(schema, messageName), Json.parse(json)).toByteArray();
    }

    /** The bytes decoded as the named message of the schema, as JSON. */
    public static JsonNode decode(String schema, String messageName, byte[] bytes) throws InvalidProtocolBufferException {
        return ProtoJson.toJson(DynamicMessage.parseFrom(ProtoSchemas.compile(schema, messageName), bytes));
    }
}
