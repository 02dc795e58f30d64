package io.mote.transport.api.proto;

import com.google.protobuf.Descriptors;

/**
 * The fixed protobuf messages of ThingsBoard's device API that are not part of a profile: attribute
 * requests, attribute responses, shared-attribute updates, and (over CoAP) client-side RPC requests and
 * their answers. Same field numbers and names, so devices built against ThingsBoard's messages decode
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
            """;

    public static final Descriptors.Descriptor ATTRIBUTE_UPDATE = ProtoSchemas.compile(SCHEMA, "AttributeUpdateNotificationMsg");
    public static final Descriptors.Descriptor ATTRIBUTE_RESPONSE = ProtoSchemas.compile(SCHEMA, "GetAttributeResponseMsg");
    public static final Descriptors.Descriptor ATTRIBUTES_REQUEST = ProtoSchemas.compile(SCHEMA, "AttributesRequest");
    /** A client-side RPC from the device: {@code methodName} and {@code params} (JSON text). */
    public static final Descriptors.Descriptor CLIENT_RPC_REQUEST = ProtoSchemas.compile(SCHEMA, "ToServerRpcRequestMsg");
    /** The answer to a client-side RPC: {@code payload} (JSON text) or {@code error}. */
    public static final Descriptors.Descriptor CLIENT_RPC_RESPONSE = ProtoSchemas.compile(SCHEMA, "ToServerRpcResponseMsg");

    private DeviceApiProtos() {
    }
}
