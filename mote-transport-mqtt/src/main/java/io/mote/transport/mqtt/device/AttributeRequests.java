package io.mote.transport.mqtt.device;

import java.util.Collection;

import tools.jackson.databind.JsonNode;

import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttTopics;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;

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
        int id = MqttUtil.intLevel(requestId, "request id");
        JsonNode body = c.payloads().attributesRequest(p.payload());
        Collection<String> client = MqttUtil.keys(body.get("clientKeys"));
        Collection<String> shared = MqttUtil.keys(body.get("sharedKeys"));
        boolean all = client == null && shared == null;
        String responseTopic = MqttTopics.ATTRIBUTES_RESPONSE + requestId;
        c.complete(p, c.transport().getAttributes(c.device(), client, shared).thenAccept(attrs ->
                c.publish(responseTopic, c.payloads().attributesResponse(id, attrs, all || client != null, all || shared != null),
                        MqttUtil.qosOr0(c.subscriptions().attributesResponse()))));
    }
}
