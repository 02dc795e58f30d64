package io.mote.rest.ws;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.handler.ConcurrentWebSocketSessionDecorator;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.id.EntityType;
import io.mote.common.json.Json;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.common.kv.AttributeScope;
import io.mote.common.kv.TsKvEntry;
import io.mote.core.EntityAccess;
import io.mote.core.rpc.ClientRpcService;
import io.mote.core.security.SecurityUser;
import io.mote.core.subscription.Subscription;
import io.mote.core.subscription.SubscriptionService;
import io.mote.core.telemetry.AttributesService;
import io.mote.core.telemetry.TelemetryService;
import io.mote.dao.Aggregation;

/**
 * The telemetry WebSocket ({@code /api/ws/plugins/telemetry?token=<jwt>}) in ThingsBoard's command
 * format: {@code tsSubCmds}, {@code attrSubCmds} and {@code historyCmds}. Each subscription first
 * receives the current values, then every change, as
 * {@code {"subscriptionId","errorCode","errorMsg","data":{"key":[[ts,"value"]]},"latestValues"}}.
 */
public class TelemetryWebSocketHandler extends TextWebSocketHandler {

    private static final Logger log = LoggerFactory.getLogger(TelemetryWebSocketHandler.class);

    static final int NO_ERROR = 0;
    static final int INTERNAL_ERROR = 1;
    static final int BAD_REQUEST = 2;
    static final int UNAUTHORIZED = 3;

    private static final int SEND_TIME_LIMIT_MS = 10_000;
    private static final int BUFFER_LIMIT_BYTES = 1024 * 1024;
    private static final int MAX_MESSAGE = 64 * 1024;

    private final TelemetryService telemetry;
    private final AttributesService attributes;
    private final SubscriptionService subscriptions;
    private final EntityAccess access;
    private final ClientRpcService clientRpc;

    /** A connected application; {@code subs} maps each command id to what cancels its subscription. */
    private record Client(WebSocketSession out, SecurityUser user, Map<Integer, Runnable> subs) {
    }

    private final Map<String, Client> clients = new ConcurrentHashMap<>();

    public TelemetryWebSocketHandler(TelemetryService telemetry, AttributesService attributes,
                                     SubscriptionService subscriptions, EntityAccess access,
                                     ClientRpcService clientRpc) {
        this.clientRpc = clientRpc;
        this.telemetry = telemetry;
        this.attributes = attributes;
        this.subscriptions = subscriptions;
        this.access = access;
    }

    @Override
    public void afterConnectionEstablished(WebSocketSession session) {
        session.setTextMessageSizeLimit(MAX_MESSAGE);
        SecurityUser user = (SecurityUser) session.getAttributes().get(WsAuthInterceptor.USER);
        clients.put(session.getId(), new Client(
                new ConcurrentWebSocketSessionDecorator(session, SEND_TIME_LIMIT_MS, BUFFER_LIMIT_BYTES), user,
                new ConcurrentHashMap<>()));
    }

    @Override
    public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
        Client c = clients.remove(session.getId());
        if (c != null) {
            c.subs().values().forEach(Runnable::run);
        }
    }

    @Override
    protected void handleTextMessage(WebSocketSession session, TextMessage message) {
        Client c = clients.get(session.getId());
        if (c == null) {
            return;
        }
        JsonNode root;
        try {
            root = Json.parse(message.getPayload());
        } catch (MoteException e) {
            send(c, error(0, BAD_REQUEST, "Failed to parse the payload: " + e.getMessage()));
            return;
        }
        for (JsonNode cmd : root.path("tsSubCmds")) {
            run(c, cmd, () -> tsSubscribe(c, cmd));
        }
        for (JsonNode cmd : root.path("attrSubCmds")) {
            run(c, cmd, () -> attrSubscribe(c, cmd));
        }
        for (JsonNode cmd : root.path("historyCmds")) {
            run(c, cmd, () -> history(c, cmd));
        }
        for (JsonNode cmd : root.path("rpcSubCmds")) {
            run(c, cmd, () -> rpcSubscribe(c, cmd));
        }
        for (JsonNode cmd : root.path("rpcReplyCmds")) {
            run(c, cmd, () -> rpcReply(c, cmd));
        }
    }

    private void run(Client c, JsonNode cmd, Runnable action) {
        int cmdId = cmd.path("cmdId").asInt(0);
        try {
            action.run();
        } catch (MoteException e) {
            int code = switch (e.errorCode()) {
                case ITEM_NOT_FOUND, PERMISSION_DENIED, AUTHENTICATION -> UNAUTHORIZED;
                default -> BAD_REQUEST;
            };
            send(c, error(cmdId, code, e.getMessage()));
        } catch (JacksonException e) {
            // A value of the wrong kind somewhere a check above missed: still the client's mistake.
            send(c, error(cmdId, BAD_REQUEST, "Invalid command: " + e.getOriginalMessage()));
        } catch (RuntimeException e) {
            log.warn("WebSocket command failed: {}", e.toString());
            send(c, error(cmdId, INTERNAL_ERROR, "Internal error"));
        }
    }

    private void tsSubscribe(Client c, JsonNode cmd) {
        int cmdId = cmdId(cmd);
        if (cmd.path("unsubscribe").asBoolean(false)) {
            unsubscribe(c, cmdId);
            return;
        }
        UUID entityId = entity(c, cmd);
        Set<String> keys = keys(cmd);
        long now = System.currentTimeMillis();
        // Parameters are read before subscribing, so a bad one leaves no subscription behind.
        long startTs = cmd.hasNonNull("startTs") ? longParam(cmd, "startTs", 0)
                : cmd.hasNonNull("timeWindow") ? now - longParam(cmd, "timeWindow", 0) : 0;
        long interval = longParam(cmd, "interval", 0);
        int limit = intParam(cmd, "limit", 100);
        Aggregation agg = aggregation(cmd);
        unsubscribe(c, cmdId);
        // Without a time window the subscription is to the latest values: a point stored late with an
        // older timestamp is not the latest and is not pushed. A time-series subscription gets every point.
        boolean series = cmd.hasNonNull("startTs") || cmd.hasNonNull("timeWindow");
        LatestValues latest = series ? null : new LatestValues();
        Subscription sub = new Subscription(entityId, Subscription.Kind.TIMESERIES, null, keys, entries -> {
            List<TsKvEntry> pushed = latest == null ? entries : latest.newer(entries);
            if (!pushed.isEmpty()) {
                send(c, data(cmdId, pushed));
            }
        });
        c.subs().put(cmdId, () -> subscriptions.remove(sub));
        subscriptions.add(sub);
        List<TsKvEntry> initial;
        if (series) {
            Set<String> history = keys != null ? keys : Set.copyOf(telemetry.keys(entityId));
            initial = telemetry.history(entityId, history, startTs, now, interval, agg, limit, false);
        } else {
            initial = telemetry.latest(entityId, keys);
            latest.seed(initial);
        }
        send(c, data(cmdId, initial));
    }

    private void attrSubscribe(Client c, JsonNode cmd) {
        int cmdId = cmdId(cmd);
        if (cmd.path("unsubscribe").asBoolean(false)) {
            unsubscribe(c, cmdId);
            return;
        }
        UUID entityId = entity(c, cmd);
        Set<String> keys = keys(cmd);
        String scopeName = cmd.path("scope").asString("");
        AttributeScope scope = scopeName.isEmpty() ? null : AttributeScope.parse(scopeName)
                .orElseThrow(() -> MoteException.invalid("Invalid attribute scope '" + scopeName + "'"));
        unsubscribe(c, cmdId);
        Subscription sub = new Subscription(entityId, Subscription.Kind.ATTRIBUTES, scope, keys,
                entries -> send(c, data(cmdId, entries)));
        c.subs().put(cmdId, () -> subscriptions.remove(sub));
        subscriptions.add(sub);
        List<TsKvEntry> initial = new ArrayList<>();
        for (AttributeScope s : scope == null ? AttributeScope.values() : new AttributeScope[]{scope}) {
            for (AttributeKvEntry a : attributes.find(entityId, s, keys)) {
                initial.add(new TsKvEntry(a.lastUpdateTs(), a.kv()));
            }
        }
        send(c, data(cmdId, initial));
    }

    private void history(Client c, JsonNode cmd) {
        int cmdId = cmdId(cmd);
        UUID entityId = entity(c, cmd);
        Set<String> keys = keys(cmd);
        if (keys == null) {
            throw MoteException.invalid("keys should be specified");
        }
        if (!cmd.hasNonNull("startTs") || !cmd.hasNonNull("endTs")) {
            throw MoteException.invalid("startTs and endTs should be specified");
        }
        send(c, data(cmdId, telemetry.history(entityId, keys, longParam(cmd, "startTs", 0), longParam(cmd, "endTs", 0),
                longParam(cmd, "interval", 0), aggregation(cmd), intParam(cmd, "limit", 100), false)));
    }

    private void unsubscribe(Client c, int cmdId) {
        Runnable cancel = c.subs().remove(cmdId);
        if (cancel != null) {
            cancel.run();
        }
    }

    /**
     * Client-side RPC of a device (entityType DEVICE) or of every device of a tenant (TENANT) is offered
     * to this application as {@code {"subscriptionId","errorCode":0,"rpcRequest":{"requestId","deviceId",
     * "deviceName","method","params"}}}; it answers with an {@code rpcReplyCmds} entry.
     */
    private void rpcSubscribe(Client c, JsonNode cmd) {
        int cmdId = cmdId(cmd);
        if (cmd.path("unsubscribe").asBoolean(false)) {
            unsubscribe(c, cmdId);
            return;
        }
        UUID entityId = entity(c, cmd);
        unsubscribe(c, cmdId);
        ClientRpcService.Handler handler = (requestId, device, method, params) -> {
            ObjectNode msg = Json.object();
            msg.put("subscriptionId", cmdId);
            msg.put("errorCode", NO_ERROR);
            msg.putNull("errorMsg");
            msg.putNull("data");
            ObjectNode req = msg.putObject("rpcRequest");
            req.put("requestId", requestId.toString());
            req.put("deviceId", device.deviceId().toString());
            req.put("deviceName", device.deviceName());
            req.put("method", method);
            req.set("params", params);
            send(c, msg);
        };
        clientRpc.subscribe(entityId, handler);
        c.subs().put(cmdId, () -> clientRpc.unsubscribe(entityId, handler));
        ObjectNode ack = Json.object();
        ack.put("subscriptionId", cmdId);
        ack.put("errorCode", NO_ERROR);
        ack.putNull("errorMsg");
        ack.putNull("data");
        send(c, ack);
    }

    private void rpcReply(Client c, JsonNode cmd) {
        int cmdId = cmdId(cmd);
        UUID requestId;
        try {
            requestId = UUID.fromString(cmd.path("requestId").asString(""));
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid requestId");
        }
        JsonNode response = cmd.get("response");
        String text = response == null || response.isNull() ? "{}" : Json.write(response);
        if (!clientRpc.reply(requestId, text)) {
            send(c, error(cmdId, BAD_REQUEST, "Unknown or already answered requestId " + requestId));
        }
    }

    private UUID entity(Client c, JsonNode cmd) {
        EntityType type = EntityAccess.parseType(cmd.path("entityType").asString(null));
        UUID id;
        try {
            id = UUID.fromString(cmd.path("entityId").asString(""));
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid entityId");
        }
        access.check(c.user(), type, id);
        return id;
    }

    private static int cmdId(JsonNode cmd) {
        JsonNode id = cmd.path("cmdId");
        if (!id.isIntegralNumber() || !id.canConvertToInt()) {
            throw MoteException.invalid("cmdId should be specified");
        }
        return id.asInt();
    }

    /**
     * A numeric parameter: a number (an integral one, or one with a fraction, which is cut) or text
     * holding one, as ThingsBoard's command binding reads it; anything else is a bad request.
     */
    private static long longParam(JsonNode cmd, String name, long dflt) {
        JsonNode v = cmd.get(name);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (v.isNumber() && v.canConvertToLong()) {
            return v.asLong();
        }
        if (v.isString()) {
            try {
                return Long.parseLong(v.asString().trim());
            } catch (NumberFormatException e) {
                // refused below
            }
        }
        throw MoteException.invalid(name + " should be a number");
    }

    private static int intParam(JsonNode cmd, String name, int dflt) {
        long v = longParam(cmd, name, dflt);
        if (v != (int) v) {
            throw MoteException.invalid(name + " is out of range");
        }
        return (int) v;
    }

    private static Set<String> keys(JsonNode cmd) {
        JsonNode k = cmd.get("keys");
        if (k == null || k.isNull()) {
            return null;
        }
        Set<String> out = new java.util.LinkedHashSet<>();
        if (k.isArray()) {
            for (JsonNode n : k) {
                if (!n.isString()) {
                    throw MoteException.invalid("keys should be key names");
                }
                out.add(n.asString());
            }
        } else if (!k.isString()) {
            throw MoteException.invalid("keys should be key names");
        } else {
            for (String s : k.asString().split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static Aggregation aggregation(JsonNode cmd) {
        String agg = cmd.path("agg").asString("NONE");
        try {
            return Aggregation.valueOf(agg);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid("Invalid agg '" + agg + "'");
        }
    }

    static ObjectNode data(int subscriptionId, List<TsKvEntry> entries) {
        ObjectNode msg = Json.object();
        msg.put("subscriptionId", subscriptionId);
        msg.put("errorCode", NO_ERROR);
        msg.putNull("errorMsg");
        ObjectNode data = msg.putObject("data");
        Map<String, Long> latest = new LinkedHashMap<>();
        for (TsKvEntry e : entries) {
            ArrayNode values = data.has(e.key()) ? (ArrayNode) data.get(e.key()) : data.putArray(e.key());
            values.addArray().add(e.ts()).add(e.kv().valueAsString());
            latest.merge(e.key(), e.ts(), Math::max);
        }
        ObjectNode lv = msg.putObject("latestValues");
        latest.forEach(lv::put);
        return msg;
    }

    static ObjectNode error(int subscriptionId, int code, String message) {
        ObjectNode msg = Json.object();
        msg.put("subscriptionId", subscriptionId);
        msg.put("errorCode", code);
        msg.put("errorMsg", message);
        msg.putNull("data");
        return msg;
    }

    private void send(Client c, ObjectNode msg) {
        try {
            c.out().sendMessage(new TextMessage(Json.write(msg)));
        } catch (IOException | RuntimeException e) {
            log.debug("WebSocket send failed: {}", e.toString());
        }
    }
}
