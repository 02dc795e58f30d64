package io.mote.transport.mqtt.payload;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import com.google.protobuf.CodedOutputStream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.json.Json;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceAttributes;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.proto.DeviceApiProtos;
import io.mote.transport.api.proto.ProfileProtos;
import io.mote.transport.api.proto.ProtoJson;

/**
 * ThingsBoard's PROTOBUF messages on the MQTT topics whose payload is not one of the profile's schemas:
 * claiming ({@code ClaimDevice}), client-side RPC ({@code RpcRequest} in, {@code ToServerRpcResponseMsg}
 * out) and the gateway API. What a device sends is turned into the JSON body of the same topic, so the
 * JSON handlers do the rest; what goes to the device is built from the same values the JSON is. Bad input
 * fails with a bad request.
 */
public final class ApiProtos {

    private ApiProtos() {
    }

    // ---------------------------------------------------------------- device topics

    /** {@code ClaimDevice} as the JSON claim body {@code {"secretKey","durationMs"}}. */
    public static byte[] claimJson(byte[] payload) {
        return JsonPayloadAdaptor.bytes(claim(ProtoJson.parse(DeviceApiProtos.CLAIM_DEVICE, payload)));
    }

    private static ObjectNode claim(JsonNode c) {
        return Json.object().put("secretKey", c.path("secretKey").asString(""))
                .put("durationMs", c.path("durationMs").asLong(0));
    }

    /** {@code RpcRequest} as {@code {"method","params"}}; params that are JSON text become that JSON. */
    public static ObjectNode clientRpcRequest(byte[] payload) {
        ObjectNode r = ProtoJson.parse(DeviceApiProtos.RPC_REQUEST, payload);
        ObjectNode json = Json.object().put("method", r.path("method").asString(""));
        json.set("params", jsonOrText(r.path("params").asString("")));
        return json;
    }

    /** The answer to client-side RPC {@code requestId} as {@code ToServerRpcResponseMsg}. */
    public static byte[] clientRpcResponse(int requestId, String answer, String error) {
        ObjectNode msg = Json.object().put("requestId", requestId);
        if (error != null) {
            msg.put("error", error);
        } else {
            msg.put("payload", answer);
        }
        return ProtoJson.fromJson(DeviceApiProtos.CLIENT_RPC_RESPONSE, msg).toByteArray();
    }

    // ---------------------------------------------------------------- gateway topics, from the gateway

    /** A gateway topic's PROTOBUF payload as the JSON body of that topic; null for a topic without one. */
    public static byte[] gatewayJson(String topic, byte[] payload) {
        JsonNode json = switch (topic) {
            case "v1/gateway/connect" -> {
                ObjectNode m = ProtoJson.parse(DeviceApiProtos.GATEWAY_CONNECT, payload);
                yield Json.object().put("device", m.path("deviceName").asString(""))
                        .put("type", m.path("deviceType").asString(""));
            }
            case "v1/gateway/disconnect" -> Json.object().put("device",
                    ProtoJson.parse(DeviceApiProtos.GATEWAY_DISCONNECT, payload).path("deviceName").asString(""));
            case "v1/gateway/telemetry" -> telemetry(ProtoJson.parse(DeviceApiProtos.GATEWAY_TELEMETRY, payload));
            case "v1/gateway/attributes" -> attributes(ProtoJson.parse(DeviceApiProtos.GATEWAY_ATTRIBUTES, payload));
            case "v1/gateway/attributes/request" -> {
                ObjectNode m = ProtoJson.parse(DeviceApiProtos.GATEWAY_ATTRIBUTES_REQUEST, payload);
                ObjectNode r = Json.object().put("id", m.path("id").asInt(0))
                        .put("device", m.path("deviceName").asString("")).put("client", m.path("client").asBoolean(false));
                r.set("keys", m.has("keys") ? m.get("keys") : Json.MAPPER.createArrayNode());
                yield r;
            }
            case "v1/gateway/rpc" -> {
                ObjectNode m = ProtoJson.parse(DeviceApiProtos.GATEWAY_RPC_RESPONSE, payload);
                yield Json.object().put("device", m.path("deviceName").asString("")).put("id", m.path("id").asInt(0))
                        .put("data", m.path("data").asString(""));
            }
            case "v1/gateway/claim" -> {
                ObjectNode out = Json.object();
                for (JsonNode c : ProtoJson.parse(DeviceApiProtos.GATEWAY_CLAIM, payload).path("msg")) {
                    out.set(c.path("deviceName").asString(""), claim(c.path("claimRequest")));
                }
                yield out;
            }
            default -> null;
        };
        return json == null ? null : JsonPayloadAdaptor.bytes(json);
    }

    /** {@code {"Dev":[{"ts":..,"values":{..}},..],..}}; a list without a timestamp is stored at the time it came. */
    private static ObjectNode telemetry(JsonNode gatewayTelemetry) {
        ObjectNode out = Json.object();
        for (JsonNode t : gatewayTelemetry.path("msg")) {
            ArrayNode points = out.has(t.path("deviceName").asString(""))
                    ? (ArrayNode) out.get(t.path("deviceName").asString(""))
                    : out.putArray(t.path("deviceName").asString(""));
            for (JsonNode list : t.path("msg").path("tsKvList")) {
                long ts = list.path("ts").asLong(0);
                ObjectNode values = points.addObject().put("ts", ts > 0 ? ts : System.currentTimeMillis())
                        .putObject("values");
                list.path("kv").forEach(kv -> values.set(kv.path("key").asString(""), value(kv)));
            }
        }
        return out;
    }

    /** {@code {"Dev":{"attr":value,..},..}}. */
    private static ObjectNode attributes(JsonNode gatewayAttributes) {
        ObjectNode out = Json.object();
        for (JsonNode a : gatewayAttributes.path("msg")) {
            String name = a.path("deviceName").asString("");
            ObjectNode attrs = out.has(name) ? (ObjectNode) out.get(name) : out.putObject(name);
            a.path("msg").path("kv").forEach(kv -> attrs.set(kv.path("key").asString(""), value(kv)));
        }
        return out;
    }

    /** A {@code KeyValueProto}'s value by its type (JSON_V: the JSON it holds). */
    private static JsonNode value(JsonNode kv) {
        return switch (kv.path("type").asString("BOOLEAN_V")) {
            case "LONG_V" -> Json.MAPPER.getNodeFactory().numberNode(kv.path("long_v").asLong(0));
            case "DOUBLE_V" -> Json.MAPPER.getNodeFactory().numberNode(kv.path("double_v").asDouble(0));
            case "STRING_V" -> Json.MAPPER.getNodeFactory().stringNode(kv.path("string_v").asString(""));
            case "JSON_V" -> Json.parse(kv.path("json_v").asString("null"));
            default -> Json.MAPPER.getNodeFactory().booleanNode(kv.path("bool_v").asBoolean(false));
        };
    }

    private static JsonNode jsonOrText(String text) {
        try {
            return Json.parse(text);
        } catch (RuntimeException e) {
            return Json.MAPPER.getNodeFactory().stringNode(text);
        }
    }

    // ---------------------------------------------------------------- gateway topics, to the gateway

    /** {@code GatewayAttributeResponseMsg}: the device's name around {@code GetAttributeResponseMsg}. */
    public static byte[] gatewayAttributesResponse(String device, int requestId, DeviceAttributes attrs, boolean client) {
        return named(device, ProfileProtos.attributesResponse(requestId, attrs, client, !client));
    }

    /** {@code GatewayAttributeUpdateNotificationMsg}: the device's name around {@code AttributeUpdateNotificationMsg}. */
    public static byte[] gatewayAttributesUpdate(String device, AttributesUpdate update) {
        return named(device, ProfileProtos.attributesUpdate(update));
    }

    /** {@code GatewayDeviceRpcRequestMsg}: the device's name around {@code ToDeviceRpcRequestMsg}. */
    public static byte[] gatewayRpcRequest(String device, RpcRequest request) {
        ObjectNode msg = Json.object().put("deviceName", device);
        msg.putObject("rpcRequestMsg").put("requestId", request.id()).put("methodName", request.method())
                .put("params", request.params() == null ? "{}" : request.params())
                .put("expirationTime", request.expirationTime()).put("oneway", request.oneway());
        return ProtoJson.fromJson(DeviceApiProtos.GATEWAY_RPC_REQUEST, msg).toByteArray();
    }

    /** Field 1 the device name, field 2 the embedded message (an embedded message is length-delimited bytes). */
    private static byte[] named(String device, byte[] message) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream(message.length + device.length() + 8);
            CodedOutputStream o = CodedOutputStream.newInstance(out);
            o.writeByteArray(1, device.getBytes(StandardCharsets.UTF_8));
            o.writeByteArray(2, message);
            o.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
