package io.mote.transport.mqtt.gateway;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.DevicePayloads;
import io.mote.transport.api.DeviceSession;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.SessionListener;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttTopics;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.payload.ApiProtos;

/**
 * The gateway API of one connection: child devices connected through it, each with a session of its own
 * so that shared-attribute updates and RPC for a child reach the gateway's connection. Touched on the
 * connection's event loop only.
 */
public final class GatewaySessions {

    private static final Logger log = LoggerFactory.getLogger(GatewaySessions.class);

    private final MqttConnection connection;
    private final TransportService transport;
    /** Children by device name; the future completes once the device is found or created. */
    private final Map<String, CompletableFuture<Child>> children = new HashMap<>();
    /** Set by {@link #closeAll}; event-loop confined, like the map. */
    private boolean closed;
    private byte attrQos = -1;
    private byte rpcQos = -1;
    private byte attrResponseQos = -1;

    public GatewaySessions(MqttConnection connection, TransportService transport) {
        this.connection = connection;
        this.transport = transport;
    }

    // ---------------------------------------------------------------- subscriptions

    public boolean subscribe(String filter, byte qos) {
        switch (filter) {
            case MqttTopics.GW_ATTRIBUTES -> {
                attrQos = qos;
                eachChild(c -> c.session.subscribeToAttributes(true));
            }
            case MqttTopics.GW_RPC -> {
                rpcQos = qos;
                eachChild(c -> c.session.subscribeToRpc(true));
            }
            case MqttTopics.GW_ATTRIBUTES_RESPONSE -> attrResponseQos = qos;
            default -> {
                return false;
            }
        }
        return true;
    }

    public void unsubscribe(String filter) {
        switch (filter) {
            case MqttTopics.GW_ATTRIBUTES -> {
                attrQos = -1;
                eachChild(c -> c.session.subscribeToAttributes(false));
            }
            case MqttTopics.GW_RPC -> {
                rpcQos = -1;
                eachChild(c -> c.session.subscribeToRpc(false));
            }
            case MqttTopics.GW_ATTRIBUTES_RESPONSE -> attrResponseQos = -1;
            default -> {
            }
        }
    }

    private void eachChild(java.util.function.Consumer<Child> action) {
        for (CompletableFuture<Child> f : children.values()) {
            Child c = f.getNow(null);
            if (c != null) {
                action.accept(c);
            }
        }
    }

    /** On the event loop: closes every child session; a child still being looked up is not opened afterwards. */
    public void closeAll() {
        closed = true;
        eachChild(c -> c.session.close());
        children.clear();
    }

    // ---------------------------------------------------------------- publishes from the gateway

    public void onPublish(Publish in) {
        // ThingsBoard's PROTOBUF messages for a PROTOBUF profile: read as the topic's JSON body.
        byte[] json = connection.payloads().isProtobuf(in.payload()) ? ApiProtos.gatewayJson(in.topic(), in.payload()) : null;
        Publish p = json == null ? in : new Publish(in.topic(), in.packetId(), in.qos(), json);
        switch (p.topic()) {
            case MqttTopics.GW_CONNECT -> {
                JsonNode body = Json.parse(p.payload());
                String name = deviceName(body.get("device"));
                String type = body.path("type").asString("");
                connection.complete(p, child(name, type));
            }
            case MqttTopics.GW_DISCONNECT -> {
                String name = deviceName(Json.parse(p.payload()).get("device"));
                CompletableFuture<Child> f = children.remove(name);
                if (f != null) {
                    f.thenAccept(c -> c.session.close());
                }
                connection.ack(p);
            }
            case MqttTopics.GW_TELEMETRY -> telemetry(p);
            case MqttTopics.GW_ATTRIBUTES -> attributes(p);
            case MqttTopics.GW_ATTRIBUTES_REQUEST -> attributesRequest(p);
            case MqttTopics.GW_RPC -> {
                JsonNode body = Json.parse(p.payload());
                String name = deviceName(body.get("device"));
                JsonNode id = body.get("id");
                if (id == null || !id.canConvertToInt()) {
                    throw MoteException.badRequest("RPC response needs an integer 'id'");
                }
                JsonNode data = body.get("data");
                String response = data == null ? "{}" : data.isString() ? data.asString() : Json.write(data);
                connection.complete(p, child(name, null).thenCompose(c ->
                        transport.sendRpcResponse(c.info, id.asInt(), response)));
            }
            case MqttTopics.GW_CLAIM -> {
                JsonNode body = object(Json.parse(p.payload()));
                List<CompletableFuture<?>> all = new ArrayList<>();
                for (var e : body.properties()) {
                    JsonNode v = e.getValue();
                    all.add(child(deviceName(e.getKey()), null).thenCompose(c -> transport.claimDevice(c.info,
                            v.path("secretKey").asString(""), v.path("durationMs").asLong(0))));
                }
                connection.complete(p, CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
            }
            default -> connection.reject(p, io.netty.handler.codec.mqtt.MqttReasonCodes.PubAck.TOPIC_NAME_INVALID,
                    "Unknown gateway topic " + p.topic());
        }
    }

    /** {@code {"Dev":[{"ts":..,"values":{..}}],..}}: each device's telemetry in any of the device forms. */
    private void telemetry(Publish p) {
        JsonNode body = object(Json.parse(p.payload()));
        long now = System.currentTimeMillis();
        Map<String, List<TsKvEntry>> byDevice = new HashMap<>();
        for (var e : body.properties()) {
            byDevice.put(deviceName(e.getKey()), KvJson.parseTelemetry(e.getValue(), now));
        }
        List<CompletableFuture<?>> all = new ArrayList<>(byDevice.size());
        byDevice.forEach((name, entries) -> all.add(child(name, null)
                .thenCompose(c -> transport.postTelemetry(c.info, entries))));
        connection.complete(p, CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    }

    /** {@code {"Dev":{"attr":value,..},..}}. */
    private void attributes(Publish p) {
        JsonNode body = object(Json.parse(p.payload()));
        Map<String, List<KvEntry>> byDevice = new HashMap<>();
        for (var e : body.properties()) {
            byDevice.put(deviceName(e.getKey()), KvJson.parseKvObject(e.getValue()));
        }
        List<CompletableFuture<?>> all = new ArrayList<>(byDevice.size());
        byDevice.forEach((name, attrs) -> all.add(child(name, null)
                .thenCompose(c -> transport.postAttributes(c.info, attrs))));
        connection.complete(p, CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)));
    }

    /**
     * {@code {"id":1,"device":"Dev","client":true,"key":"k"}} (or {@code "keys":[..]}), answered on
     * {@code v1/gateway/attributes/response} with {@code {"id","device","value"}} (or {@code "values"}).
     */
    private void attributesRequest(Publish p) {
        JsonNode body = Json.parse(p.payload());
        String name = deviceName(body.get("device"));
        JsonNode id = body.get("id");
        if (id == null || !id.isNumber()) {
            throw MoteException.badRequest("Attribute request needs a numeric 'id'");
        }
        boolean client = body.path("client").asBoolean(false);
        JsonNode key = body.get("key");
        Collection<String> keys;
        boolean single = key != null && key.isString();
        if (single) {
            keys = List.of(key.asString());
        } else {
            keys = MqttUtil.keys(body.get("keys"));
            if (keys == null || keys.isEmpty()) {
                throw MoteException.badRequest("Attribute request needs 'key' or 'keys'");
            }
        }
        connection.complete(p, child(name, null).thenCompose(c -> transport.getAttributes(c.info,
                client ? keys : List.of(), client ? List.of() : keys)).thenAccept(attrs -> {
            if (connection.payloads().sendsProtobuf()) {
                connection.publish(MqttTopics.GW_ATTRIBUTES_RESPONSE, ApiProtos.gatewayAttributesResponse(name,
                        id.asInt(), attrs, client), MqttUtil.qosOr0(attrResponseQos));
                return;
            }
            List<AttributeKvEntry> found = client ? attrs.client() : attrs.shared();
            ObjectNode response = Json.object();
            response.set("id", id);
            response.put("device", name);
            if (single) {
                if (!found.isEmpty()) {
                    response.set("value", KvJson.toJsonValue(found.get(0).kv()));
                }
            } else {
                response.set("values", DevicePayloads.flat(found));
            }
            connection.publish(MqttTopics.GW_ATTRIBUTES_RESPONSE, response, MqttUtil.qosOr0(attrResponseQos));
        }));
    }

    private static JsonNode object(JsonNode body) {
        if (!body.isObject() || body.isEmpty()) {
            throw MoteException.badRequest("Expected a JSON object keyed by device name");
        }
        return body;
    }

    private static String deviceName(JsonNode node) {
        if (node == null || !node.isString()) {
            throw MoteException.badRequest("'device' must be the device name");
        }
        return deviceName(node.asString());
    }

    private static String deviceName(String name) {
        if (name == null || name.isBlank()) {
            throw MoteException.badRequest("Device name must not be empty");
        }
        if (name.length() > 255) {
            throw MoteException.badRequest("Device name is longer than 255 characters");
        }
        return name;
    }

    // ---------------------------------------------------------------- child devices

    /** The child, found or created through the core on first use; completes on a core thread. */
    private CompletableFuture<Child> child(String name, String type) {
        CompletableFuture<Child> existing = children.get(name);
        if (existing != null && !existing.isCompletedExceptionally()) {
            return existing;
        }
        DeviceInfo gw = connection.device();
        CompletableFuture<Child> f = transport.gatewayChild(gw, name, type == null ? "" : type)
                .thenApplyAsync(info -> open(name, info), connection.channel().eventLoop());
        children.put(name, f);
        f.whenComplete((c, err) -> {
            if (err != null) {
                connection.channel().eventLoop().execute(() -> children.remove(name, f));
            }
        });
        return f;
    }

    /** On the event loop: opens the child's session and subscribes it as the gateway is subscribed. */
    private Child open(String name, DeviceInfo info) {
        Child c = new Child(name, info);
        if (closed || !connection.channel().isActive()) {
            throw new MoteException(io.mote.common.error.ErrorCode.GENERAL, "Gateway disconnected");
        }
        c.session = transport.openSession(info, c);
        if (attrQos >= 0) {
            c.session.subscribeToAttributes(true);
        }
        if (rpcQos >= 0) {
            c.session.subscribeToRpc(true);
        }
        log.debug("Gateway {} connected child device {}", connection.device().deviceName(), name);
        return c;
    }

    /** A child device's session: the core reaches it through the gateway's connection. */
    private final class Child implements SessionListener {
        final String name;
        final DeviceInfo info;
        DeviceSession session;

        Child(String name, DeviceInfo info) {
            this.name = name;
            this.info = info;
        }

        @Override
        public void onAttributesUpdate(AttributesUpdate update) {
            ObjectNode msg = Json.object();
            msg.put("device", name);
            msg.set("data", DevicePayloads.attributesUpdate(update));
            byte[] body = connection.payloads().sendsProtobuf() ? ApiProtos.gatewayAttributesUpdate(name, update)
                    : Json.write(msg).getBytes(StandardCharsets.UTF_8);
            connection.channel().eventLoop().execute(() -> {
                if (attrQos >= 0) {
                    connection.publish(MqttTopics.GW_ATTRIBUTES, body, attrQos);
                }
            });
        }

        @Override
        public boolean onRpcRequest(RpcRequest request) {
            byte qos = rpcQos;
            if (qos < 0 || !connection.channel().isActive()) {
                return false;
            }
            ObjectNode msg = Json.object();
            msg.put("device", name);
            msg.set("data", DevicePayloads.rpcRequest(request));
            byte[] body = connection.payloads().sendsProtobuf() ? ApiProtos.gatewayRpcRequest(name, request)
                    : Json.write(msg).getBytes(StandardCharsets.UTF_8);
            connection.publish(MqttTopics.GW_RPC, body, qos,
                    () -> transport.acknowledgeRpc(info, request.id()));
            return true;
        }

        @Override
        public void onSessionClosed(String reason) {
            connection.channel().eventLoop().execute(() -> {
                CompletableFuture<Child> f = children.get(name);
                if (f != null && f.getNow(null) == this) {
                    children.remove(name);
                }
            });
        }
    }
}
