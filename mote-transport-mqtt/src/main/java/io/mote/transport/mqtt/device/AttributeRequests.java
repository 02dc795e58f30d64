package io.mote.transport.mqtt.device;

import java.util.Collection;

import tools.jackson.databind.JsonNode;

import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttTopics;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.payload.PayloadAdaptor;
import io.mote.transport.mqtt.payload.PayloadFormat;

/**
 * {@code v1/devices/me/attributes/request/{id}} with {@code {"clientKeys","sharedKeys"}} (both absent =
 * every attribute), answered on {@code v1/devices/me/attributes/response/{id}} with
 * {@code {"client":{..},"shared":{..}}}.
 */
public final class AttributeRequests {

    private AttributeRequests() {
    }

    /** {@code requestId} is the topic's last level. */
    public static void request(MqttConnection c, Publish p, String requestId) {
        request(c, p, requestId, PayloadFormat.PROFILE, MqttTopics.ATTRIBUTES_RESPONSE + requestId);
    }

    /** A request in {@code format}, answered in it on {@code responseTopic}. */
    public static void request(MqttConnection c, Publish p, String requestId, PayloadFormat format,
                               String responseTopic) {
        int id = MqttUtil.intLevel(requestId, "request id");
        PayloadAdaptor payloads = format.of(c.payloads());
        JsonNode body = payloads.attributesRequest(p.payload());
        Collection<String> client = MqttUtil.keys(body.get("clientKeys"));
        Collection<String> shared = MqttUtil.keys(body.get("sharedKeys"));
        boolean all = client == null && shared == null;
        c.complete(p, c.transport().getAttributes(c.device(), client, shared).thenAccept(attrs ->
                c.publish(responseTopic, payloads.attributesResponse(id, attrs, all || client != null, all || shared != null),
                        MqttUtil.qosOr0(c.subscriptions().attributesResponse()))));
    }
}
