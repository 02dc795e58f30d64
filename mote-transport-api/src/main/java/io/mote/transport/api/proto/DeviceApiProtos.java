package io.mote.transport.api.proto;

import com.google.protobuf.Descriptors;

/**
 * The fixed protobuf messages of ThingsBoard's device API that are not part of a profile: attribute
 * requests, attribute responses, shared-attribute updates, client-side RPC requests (CoAP's
 * ToServerRpcRequestMsg, MQTT's RpcRequest) and their answers, claiming, and MQTT's gateway API. Same field numbers and names, so devices built against ThingsBoard's messages decode
 * them unchanged. Shared by the transports that carry PROTOBUF payloads.
 */
public final class DeviceApiProtos {

    private static final String SCHEMA = """
            syntax = "proto3";
            package transport;

            enum KeyValueType {
              BOOLEAN_V = 0;
              LONG_V = 1;
              DOUBLE_V = 2;
              STRING_V = 3;
              JSON_V = 4;
            }

            message KeyValueProto {
              string key = 1;
              KeyValueType type = 2;
              bool bool_v = 3;
              int64 long_v = 4;
              double double_v = 5;
              string string_v = 6;
              string json_v = 7;
            }

            message TsKvProto {
              int64 ts = 1;
              KeyValueProto kv = 2;
            }

            message AttributeUpdateNotificationMsg {
              repeated TsKvProto sharedUpdated = 1;
              repeated string sharedDeleted = 2;
            }

            message GetAttributeResponseMsg {
              int32 requestId = 1;
              repeated TsKvProto clientAttributeList = 2;
              repeated TsKvProto sharedAttributeList = 3;
              bool isMultipleAttributesRequest = 4;
              string error = 5;
            }

            message AttributesRequest {
              string clientKeys = 1;
              string sharedKeys = 2;
            }

            message ToServerRpcRequestMsg {
              int32 requestId = 1;
              string methodName = 2;
              string params = 3;
            }

            message ToServerRpcResponseMsg {
              int32 requestId = 1;
              string payload = 2;
              string error = 3;
            }

            message ClaimDevice {
              string secretKey = 1;
              int64 durationMs = 2;
            }

            message RpcRequest {
              string method = 1;
              string params = 2;
            }

            message TsKvListProto {
              int64 ts = 1;
              repeated KeyValueProto kv = 2;
            }

            message PostTelemetryMsg {
              repeated TsKvListProto tsKvList = 1;
            }

            message PostAttributeMsg {
              repeated KeyValueProto kv = 1;
              bool shared = 2;
            }

            message ToDeviceRpcRequestMsg {
              int32 requestId = 1;
              string methodName = 2;
              string params = 3;
              int64 expirationTime = 4;
              int64 requestIdMSB = 5;
              int64 requestIdLSB = 6;
              bool oneway = 7;
              bool persisted = 8;
            }

            message ConnectMsg {
              string deviceName = 1;
              string deviceType = 2;
            }

            message DisconnectMsg {
              string deviceName = 1;
            }

            message TelemetryMsg {
              string deviceName = 1;
              PostTelemetryMsg msg = 3;
            }

            message AttributesMsg {
              string deviceName = 1;
              PostAttributeMsg msg = 2;
            }

            message ClaimDeviceMsg {
              string deviceName = 1;
              ClaimDevice claimRequest = 2;
            }

            message GatewayTelemetryMsg {
              repeated TelemetryMsg msg = 1;
            }

            message GatewayClaimMsg {
              repeated ClaimDeviceMsg msg = 1;
            }

            message GatewayAttributesMsg {
              repeated AttributesMsg msg = 1;
            }

            message GatewayRpcResponseMsg {
              string deviceName = 1;
              int32 id = 2;
              string data = 3;
            }

            message GatewayAttributesRequestMsg {
              int32 id = 1;
              string deviceName = 2;
              bool client = 3;
              repeated string keys = 4;
            }

            message GatewayDeviceRpcRequestMsg {
              string deviceName = 1;
              ToDeviceRpcRequestMsg rpcRequestMsg = 2;
            }
            """;

    public static final Descriptors.Descriptor ATTRIBUTE_UPDATE = ProtoSchemas.compile(SCHEMA, "AttributeUpdateNotificationMsg");
    public static final Descriptors.Descriptor ATTRIBUTE_RESPONSE = ProtoSchemas.compile(SCHEMA, "GetAttributeResponseMsg");
    public static final Descriptors.Descriptor ATTRIBUTES_REQUEST = ProtoSchemas.compile(SCHEMA, "AttributesRequest");
    /** A client-side RPC from the device: {@code methodName} and {@code params} (JSON text). */
    public static final Descriptors.Descriptor CLIENT_RPC_REQUEST = ProtoSchemas.compile(SCHEMA, "ToServerRpcRequestMsg");
    /** The answer to a client-side RPC: {@code payload} (JSON text) or {@code error}. */
    public static final Descriptors.Descriptor CLIENT_RPC_RESPONSE = ProtoSchemas.compile(SCHEMA, "ToServerRpcResponseMsg");

    // MQTT's claim and client-side RPC (answered with CLIENT_RPC_RESPONSE), and the gateway API. The gateway's
    // attribute responses and updates and its children's RPC wrap a device name around the messages above
    // (GatewayAttributeResponseMsg, GatewayAttributeUpdateNotificationMsg, GatewayDeviceRpcRequestMsg).
    public static final Descriptors.Descriptor CLAIM_DEVICE = ProtoSchemas.compile(SCHEMA, "ClaimDevice");
    public static final Descriptors.Descriptor RPC_REQUEST = ProtoSchemas.compile(SCHEMA, "RpcRequest");
    public static final Descriptors.Descriptor GATEWAY_CONNECT = ProtoSchemas.compile(SCHEMA, "ConnectMsg");
    public static final Descriptors.Descriptor GATEWAY_DISCONNECT = ProtoSchemas.compile(SCHEMA, "DisconnectMsg");
    public static final Descriptors.Descriptor GATEWAY_TELEMETRY = ProtoSchemas.compile(SCHEMA, "GatewayTelemetryMsg");
    public static final Descriptors.Descriptor GATEWAY_ATTRIBUTES = ProtoSchemas.compile(SCHEMA, "GatewayAttributesMsg");
    public static final Descriptors.Descriptor GATEWAY_CLAIM = ProtoSchemas.compile(SCHEMA, "GatewayClaimMsg");
    public static final Descriptors.Descriptor GATEWAY_RPC_RESPONSE = ProtoSchemas.compile(SCHEMA, "GatewayRpcResponseMsg");
    public static final Descriptors.Descriptor GATEWAY_ATTRIBUTES_REQUEST =
            ProtoSchemas.compile(SCHEMA, "GatewayAttributesRequestMsg");
    public static final Descriptors.Descriptor GATEWAY_RPC_REQUEST = ProtoSchemas.compile(SCHEMA, "GatewayDeviceRpcRequestMsg");

    private DeviceApiProtos() {
    }
}
