package io.mote.transport.mqtt.provision;

import java.nio.charset.StandardCharsets;

import io.mote.common.json.Json;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.MqttTopics;
import io.mote.transport.mqtt.MqttUtil;
import io.mote.transport.mqtt.Publish;

/**
 * Device provisioning: a connection whose user name (or client id) is {@code provision} may only publish
 * {@code /provision/request} and subscribe to {@code /provision/response}, where the core's answer goes as
 * it is.
 */
public final class ProvisionRequests {

    /** The user name or client id of a provisioning connection. */
    public static final String USER_NAME = "provision";

    private ProvisionRequests() {
    }

    public static boolean isRequestTopic(String topic) {
        return topic.equals(MqttTopics.PROVISION_REQUEST) || topic.equals("/provision");
    }

    public static void request(MqttConnection c, Publish p) {
        String body = Json.write(Json.parse(p.payload()));
        c.complete(p, c.transport().provision(body).thenAccept(result -> c.publish(MqttTopics.PROVISION_RESPONSE,
                result.json().getBytes(StandardCharsets.UTF_8), MqttUtil.qosOr0(c.subscriptions().provision()))));
    }
}
