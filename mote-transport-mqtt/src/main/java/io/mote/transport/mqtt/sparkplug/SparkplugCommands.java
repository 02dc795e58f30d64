package io.mote.transport.mqtt.sparkplug;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.json.KvJson;
import io.mote.common.kv.AttributeKvEntry;
import io.mote.transport.api.AttributesUpdate;
import io.mote.transport.api.DeviceInfo;
import io.mote.transport.api.RpcRequest;
import io.mote.transport.api.TransportService;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.sparkplug.SparkplugTopic.MessageType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;

/**
 * NCMD and DCMD: what the core sends a Sparkplug node or one of its devices, written as a metric of the
 * BIRTH metric's name (or alias) and type. A shared attribute whose key is no BIRTH metric is not sent.
 * RPC, as ThingsBoard takes it: method {@code NCMD} (to the node) or {@code DCMD} (to a device), params
 * {@code {"metricName":..,"value":..}}; once the command is sent a two-way call is answered
 * {@code {"result":"Success"}}, and one naming no BIRTH metric {@code {"error":..}}. Runs on core threads.
 */
final class SparkplugCommands {

    private static final Logger log = LoggerFactory.getLogger(SparkplugCommands.class);

    private SparkplugCommands() {
    }

    static void attributes(SparkplugNode node, MqttConnection c, String device, Map<String, Metric> birth,
                           AttributesUpdate update) {
        byte qos = node.commandQos(device);
        if (qos < 0) {
            return;
        }
        long now = System.currentTimeMillis();
        List<Metric> metrics = new ArrayList<>();
        for (AttributeKvEntry a : update.updated()) {
            Metric b = birth.get(a.key());
            if (b == null) {
                continue;
            }
            try {
                metrics.add(SparkplugMetrics.command(b, a.kv(), now));
            } catch (MoteException e) {
                log.debug("Sparkplug node {}/{}: attribute {} not sent: {}", node.group(), node.edge(), a.key(),
                        e.getMessage());
            }
        }
        if (!metrics.isEmpty()) {
            publish(node, c, device, metrics, qos, null);
        }
    }

    static boolean rpc(SparkplugNode node, MqttConnection c, DeviceInfo target, String device, Map<String, Metric> birth,
                       RpcRequest request) {
        byte qos = node.commandQos(device);
        if (qos < 0 || !c.channel().isActive()) {
            return false;
        }
        TransportService transport = c.transport();
        MessageType expected = device == null ? MessageType.NCMD : MessageType.DCMD;
        Metric metric = null;
        String error;
        if (!expected.name().equals(request.method())) {
            error = "The RPC method of a Sparkplug " + (device == null ? "node" : "device") + " is " + expected.name();
        } else {
            JsonNode params = request.params() == null ? Json.object() : Json.parse(request.params());
            String name = params.path("metricName").asString("");
            Metric b = birth.get(name);
            JsonNode value = params.get("value");
            if (b == null) {
                error = "This device does not have a metricName: [" + name + "]";
            } else if (value == null || value.isNull()) {
                error = "The RPC params need a 'value' for metric [" + name + "]";
            } else {
                try {
                    metric = SparkplugMetrics.command(b, KvJson.toKv(name, value), System.currentTimeMillis());
                    error = null;
                } catch (MoteException e) {
                    error = e.getMessage();
                }
            }
        }
        if (error != null) {
            String answer = Json.write(Json.object().put("error", error));
            transport.acknowledgeRpc(target, request.id())
                    .thenCompose(v -> transport.sendRpcResponse(target, request.id(), answer));
            return true;
        }
        publish(node, c, device, List.of(metric), qos, () -> {
            var acked = transport.acknowledgeRpc(target, request.id());
            if (!request.oneway()) {
                acked.thenCompose(v -> transport.sendRpcResponse(target, request.id(), "{\"result\":\"Success\"}"));
            }
        });
        return true;
    }

    private static void publish(SparkplugNode node, MqttConnection c, String device, List<Metric> metrics, byte qos,
                                Runnable done) {
        byte[] body = Payload.newBuilder().setTimestamp(System.currentTimeMillis()).addAllMetrics(metrics).build()
                .toByteArray();
        MessageType type = device == null ? MessageType.NCMD : MessageType.DCMD;
        c.publish(SparkplugTopic.of(node.group(), type, node.edge(), device), body, qos, done);
    }
}
