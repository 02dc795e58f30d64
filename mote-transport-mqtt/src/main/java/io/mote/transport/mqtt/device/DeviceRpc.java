package io.mote.transport.mqtt.device;

import java.nio.charset.StandardCharsets;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.log.RateLimitedLog;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttTopics;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.Subscriptions;
import io.mote.transport.mqtt.payload.ApiProtos;
import io.mote.transport.mqtt.payload.PayloadAdaptor;

/**
 * RPC on the device topics: server-side requests published on {@code v1/devices/me/rpc/request/{id}} and
 * answered on {@code v1/devices/me/rpc/response/{id}}; client-side requests the other way round
 * (including {@code getSessionLimits}).
 */
public final class DeviceRpc {

    private static final Logger log = LoggerFactory.getLogger(DeviceRpc.class);
    private static final RateLimitedLog failures = new RateLimitedLog(log);

    private DeviceRpc() {
    }

    /** Server-side RPC for the device (a core thread); false when the device is not listening. */
    public static boolean deliver(MqttConnection c, RpcRequest request) {
        byte qos = c.subscriptions().rpc();
        if (!c.channel().isActive() || qos < 0) {
            return false;
        }
        Subscriptions s = c.subscriptions();
        byte[] body;
        try {
            body = s.rpcFormat().of(c.payloads()).rpcRequest(request);
        } catch (MoteException e) {
            log.debug("MQTT client {}: RPC {} not sent: {}", c.clientId(), request.id(), e.getMessage());
            return false;
        }
        DeviceInfo d = c.device();
        c.publish(s.rpcTopic() + request.id(), body, qos, () -> c.transport().acknowledgeRpc(d, request.id()));
        return true;
    }

    /** {@code v1/devices/me/rpc/response/{id}}: the device's answer to server-side RPC {@code id}. */
    public static void response(MqttConnection c, Publish p, String requestId) {
        response(c, p, requestId, c.payloads());
    }

    public static void response(MqttConnection c, Publish p, String requestId, PayloadAdaptor payloads) {
        int id = MqttUtil.intLevel(requestId, "RPC id");
        c.complete(p, c.transport().sendRpcResponse(c.device(), id, payloads.rpcResponse(p.payload())));
    }

    /**
     * {@code v1/devices/me/rpc/request/{id}} with {@code {"method","params"}} (PROTOBUF: {@code RpcRequest},
     * answered with {@code ToServerRpcResponseMsg}): client-side RPC.
     */
    public static void clientRequest(MqttConnection c, Publish p, String requestId) {
        clientRequest(c, p, requestId, MqttTopics.RPC_RESPONSE + requestId, c.payloads());
    }

    /** A client-side request whose answer goes to {@code responseTopic}, in the payloads of {@code format}. */
    public static void clientRequest(MqttConnection c, Publish p, String requestId, String responseTopic,
                                     PayloadAdaptor format) {
        int id = MqttUtil.intLevel(requestId, "request id");
        boolean proto = format.isProtobuf(p.payload());
        JsonNode body = proto ? ApiProtos.clientRpcRequest(p.payload()) : Json.parse(p.payload());
        if (!body.isObject() || !body.path("method").isString()) {
            throw MoteException.badRequest("Client-side RPC must be {\"method\":..,\"params\":..}");
        }
        // Acknowledge at once: the answer may take as long as an application needs.
        c.ack(p);
        c.transport().clientRpc(c.device(), Json.write(body)).whenComplete((answer, err) -> {
            byte qos = MqttUtil.qosOr0(c.subscriptions().rpcResponse());
            if (format.sendsProtobuf()) {
                c.publish(responseTopic, ApiProtos.clientRpcResponse(id, answer,
                        err == null ? null : MqttUtil.unwrap(err).getMessage()), qos);
            } else if (err != null) {
                Throwable cause = MqttUtil.unwrap(err);
                // A request the device got wrong is its answer's business, not the log's; others are one
                // rate-limited line (a device sends as many as it likes).
                if (!(cause instanceof MoteException m) || m.errorCode().httpStatus() >= 500) {
                    failures.warn("MQTT client {}: client-side RPC failed: {}", c.clientId(), cause);
                }
                ObjectNode e = Json.object().put("error", cause.getMessage());
                c.publish(responseTopic, e, qos);
            } else {
                c.publish(responseTopic, answer.getBytes(StandardCharsets.UTF_8), qos);
            }
        });
    }
}
