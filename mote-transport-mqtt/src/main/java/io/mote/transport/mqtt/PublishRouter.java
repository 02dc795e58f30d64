package io.mote.transport.mqtt;

import io.netty.handler.codec.mqtt.MqttReasonCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.transport.mqtt.device.AttributeRequests;
import io.mote.transport.mqtt.device.DeviceClaim;
import io.mote.transport.mqtt.device.DeviceRpc;
import io.mote.transport.mqtt.device.ShortTopics;
import io.mote.transport.mqtt.device.TelemetryAndAttributes;
import io.mote.transport.mqtt.gateway.GatewaySessions;
import io.mote.transport.mqtt.ota.FirmwareChunks;
import io.mote.transport.mqtt.provision.ProvisionRequests;
import io.mote.transport.mqtt.sparkplug.SparkplugTopic;

/** Hands a device's PUBLISH to the handler of its topic. Event loop only. */
final class PublishRouter {

    private static final Logger log = LoggerFactory.getLogger(PublishRouter.class);

    private PublishRouter() {
    }

    static void route(MqttConnection c, Publish p) {
        String topic = p.topic();
        if (c.isProvisioning()) {
            if (ProvisionRequests.isRequestTopic(topic)) {
                ProvisionRequests.request(c, p);
            } else {
                // A provisioning session only provisions: anything else ends it, whatever the QoS.
                log.debug("MQTT client {}: {} on a provisioning connection, closing", c.clientId(), topic);
                c.disconnect(MqttReasonCodes.Disconnect.TOPIC_NAME_INVALID);
            }
        } else if (c.sparkplug() != null && SparkplugTopic.isSparkplug(topic)) {
            c.sparkplug().onPublish(p);
        } else if (topic.startsWith(ShortTopics.PREFIX) && ShortTopics.isShort(topic)) {
            ShortTopics.route(c, p);
        } else if (TopicFilter.matches(c.topics().telemetry(), topic)) {
            TelemetryAndAttributes.telemetry(c, p);
        } else if (TopicFilter.matches(c.topics().attributes(), topic)) {
            TelemetryAndAttributes.attributes(c, p);
        } else if (topic.startsWith(MqttTopics.ATTRIBUTES_REQUEST)) {
            AttributeRequests.request(c, p, topic.substring(MqttTopics.ATTRIBUTES_REQUEST.length()));
        } else if (topic.startsWith(MqttTopics.RPC_RESPONSE)) {
            DeviceRpc.response(c, p, topic.substring(MqttTopics.RPC_RESPONSE.length()));
        } else if (topic.startsWith(MqttTopics.RPC_REQUEST)) {
            DeviceRpc.clientRequest(c, p, topic.substring(MqttTopics.RPC_REQUEST.length()));
        } else if (topic.equals(MqttTopics.CLAIM)) {
            DeviceClaim.claim(c, p);
        } else if (FirmwareChunks.isRequestTopic(topic)) {
            c.firmware().request(p);
        } else if (topic.startsWith(MqttTopics.GATEWAY)) {
            GatewaySessions g = c.gateway();
            if (g == null) {
                c.reject(p, MqttReasonCodes.PubAck.NOT_AUTHORIZED,
                        "The gateway API is for devices whose additionalInfo.gateway is true");
            } else {
                g.onPublish(p);
            }
        } else {
            c.reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Unknown topic " + topic);
        }
    }
}
