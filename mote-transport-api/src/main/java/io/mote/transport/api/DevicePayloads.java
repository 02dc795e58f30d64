package io.mote.transport.api;

import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.AttributeKvEntry;

/**
 * The JSON a device receives, the same over HTTP, MQTT and CoAP: attribute responses and shared
 * attribute updates.
 */
public final class DevicePayloads {

    private DevicePayloads() {
    }

    /** {@code {"client":{..},"shared":{..}}}, each part present only when asked for. */
    public static ObjectNode attributesResponse(DeviceAttributes attrs, boolean withClient, boolean withShared) {
        ObjectNode root = Json.object();
        if (withClient && !attrs.client().isEmpty()) {
            root.set("client", flat(attrs.client()));
        }
        if (withShared && !attrs.shared().isEmpty()) {
            root.set("shared", flat(attrs.shared()));
        }
        return root;
    }

    /** A shared attribute update: {@code {"key":value,..}}, plus {@code "deleted":[..]} for deletions. */
    public static ObjectNode attributesUpdate(AttributesUpdate update) {
        ObjectNode root = flat(update.updated());
        if (!update.deleted().isEmpty()) {
            ArrayNode deleted = root.putArray("deleted");
            update.deleted().forEach(deleted::add);
        }
        return root;
    }

    /**
     * A server-side RPC as HTTP and CoAP devices and gateways receive it:
     * {@code {"id":1,"method":"..","params":{..}}}.
     */
    public static ObjectNode rpcRequest(RpcRequest request) {
        ObjectNode o = Json.object();
        o.put("id", request.id());
        o.put("method", request.method());
        o.set("params", Json.parse(request.params()));
        return o;
    }

    /**
     * A server-side RPC where the id travels in the topic ({@code v1/devices/me/rpc/request/1}), as
     * ThingsBoard sends it to MQTT devices: {@code {"method":"..","params":{..}}}.
     */
    public static ObjectNode rpcRequestWithoutId(RpcRequest request) {
        ObjectNode o = Json.object();
        o.put("method", request.method());
        o.set("params", Json.parse(request.params()));
        return o;
    }

    /** A device's claim request: {@code {"secretKey","durationMs"}}, both optional ("" and 0 = the default). */
    public record ClaimRequest(String secretKey, long durationMs) {
    }

    /** Parses a claim request body; an empty body asks with the defaults. */
    public static ClaimRequest claimRequest(byte[] body) {
        if (body == null || body.length == 0 || new String(body, java.nio.charset.StandardCharsets.UTF_8).isBlank()) {
            return new ClaimRequest("", 0);
        }
        JsonNode root = Json.parse(body);
        if (!root.isObject()) {
            throw MoteException.badRequest("Claim request must be a JSON object");
        }
        String secret = "";
        JsonNode s = root.get("secretKey");
        if (s != null && !s.isNull()) {
            if (!s.isString()) {
                throw MoteException.badRequest("secretKey must be a string");
            }
            secret = s.asString();
        }
        long duration = 0;
        JsonNode d = root.get("durationMs");
        if (d != null && !d.isNull()) {
            if (!d.isIntegralNumber() || !d.canConvertToLong() || d.asLong() < 0) {
                throw MoteException.badRequest("durationMs must be a non-negative integer (milliseconds)");
            }
            duration = d.asLong();
        }
        return new ClaimRequest(secret, duration);
    }

    public static ObjectNode flat(List<AttributeKvEntry> attrs) {
        ObjectNode o = Json.object();
        for (AttributeKvEntry a : attrs) {
            o.set(a.key(), KvJson.toJsonValue(a.kv()));
        }
        return o;
    }
}
