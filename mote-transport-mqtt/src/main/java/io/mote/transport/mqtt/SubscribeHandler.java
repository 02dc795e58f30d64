package io.mote.transport.mqtt;

import java.util.List;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.transport.mqtt.device.ShortTopics;
import io.mote.transport.mqtt.ota.FirmwareChunks;
import io.mote.transport.mqtt.payload.PayloadFormat;
import io.mote.transport.mqtt.sparkplug.SparkplugTopic;

/**
 * SUBSCRIBE and UNSUBSCRIBE: only the filters of the device API are granted (at most QoS 1); anything else
 * is refused in the SUBACK (0x8F for MQTT 5, 0x80 for 3.1.1), and the gateway filters of a device that is
 * not a gateway with 0x87 (not authorized; 0x80 for 3.1.1).
 */
final class SubscribeHandler {

    private static final Logger log = LoggerFactory.getLogger(SubscribeHandler.class);

    private SubscribeHandler() {
    }

    static void subscribe(MqttConnection c, MqttSubscribeMessage m) {
        Subscriptions s = c.subscriptions();
        List<MqttTopicSubscription> subs = m.payload().topicSubscriptions();
        int[] codes = new int[subs.size()];
        boolean attributes = false;
        boolean rpc = false;
        for (int i = 0; i < subs.size(); i++) {
            String f = subs.get(i).topicFilter();
            byte q = (byte) Math.min(subs.get(i).qualityOfService().value(), 1);
            boolean ok = true;
            if (c.isProvisioning()) {
                if (f.equals(MqttTopics.PROVISION_RESPONSE)) {
                    s.provision = q;
                } else {
                    ok = false;
                }
            } else if (f.equals(c.topics().attributesSubscribe()) || f.equals(MqttTopics.ATTRIBUTES)) {
                s.attributes = q;
                s.attributesTopic = f;
                s.attributesFormat = PayloadFormat.PROFILE;
                attributes = true;
            } else if (shortFormat(f, ShortTopics.ATTRIBUTES, "") != null) {
                s.attributes = q;
                s.attributesTopic = f;
                s.attributesFormat = shortFormat(f, ShortTopics.ATTRIBUTES, "");
                attributes = true;
            } else if (f.equals(MqttTopics.RPC_REQUEST + "+") || f.equals(MqttTopics.RPC_REQUEST + "#")) {
                s.rpc = q;
                s.rpcTopic = MqttTopics.RPC_REQUEST;
                s.rpcFormat = PayloadFormat.PROFILE;
                rpc = true;
            } else if (shortFormat(f, ShortTopics.RPC_REQUEST, "+") != null) {
                s.rpc = q;
                s.rpcTopic = f.substring(0, f.length() - 1);
                s.rpcFormat = shortFormat(f, ShortTopics.RPC_REQUEST, "+");
                rpc = true;
            } else if (f.equals(MqttTopics.ATTRIBUTES_RESPONSE + "+") || f.equals(MqttTopics.ATTRIBUTES_RESPONSE + "#")
                    || shortFormat(f, ShortTopics.ATTRIBUTES_RESPONSE, "+") != null) {
                s.attributesResponse = q;
            } else if (f.equals(MqttTopics.RPC_RESPONSE + "+") || f.equals(MqttTopics.RPC_RESPONSE + "#")
                    || shortFormat(f, ShortTopics.RPC_RESPONSE, "+") != null) {
                s.rpcResponse = q;
            } else if (f.startsWith(FirmwareChunks.FIRMWARE)) {
                ok = FirmwareChunks.isResponseFilter(f, FirmwareChunks.FIRMWARE);
                if (ok) {
                    s.firmware = q;
                }
            } else if (f.startsWith(FirmwareChunks.SOFTWARE)) {
                ok = FirmwareChunks.isResponseFilter(f, FirmwareChunks.SOFTWARE);
                if (ok) {
                    s.software = q;
                }
            } else if (SparkplugTopic.isSparkplug(f)) {
                ok = c.sparkplug() != null && c.sparkplug().subscribe(f, q);
            } else if (f.startsWith(MqttTopics.GATEWAY)) {
                if (c.gateway() == null) {
                    log.debug("MQTT client {}: not a gateway, refused subscription to {}", c.clientId(), f);
                    codes[i] = c.isV5() ? MqttReasonCodes.SubAck.NOT_AUTHORIZED.byteValue() & 0xFF : 0x80;
                    continue;
                }
                ok = c.gateway().subscribe(f, q);
                if (ok) {
                    s.gateway.put(f, q);
                }
            } else {
                ok = false;
            }
            if (!ok) {
                log.debug("MQTT client {}: refused subscription to {}", c.clientId(), f);
            }
            codes[i] = ok ? q : (c.isV5() ? MqttReasonCodes.SubAck.TOPIC_FILTER_INVALID.byteValue() & 0xFF : 0x80);
        }
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.SUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
        c.channel().writeAndFlush(new MqttSubAckMessage(h,
                new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES),
                new MqttSubAckPayload(codes)));
        c.subscriptionsChanged();
        // After the SUBACK is queued, so that updates and RPC queued while away follow it.
        if (attributes && c.session() != null) {
            c.session().subscribeToAttributes(true);
        }
        if (rpc && c.session() != null) {
            c.session().subscribeToRpc(true);
        }
    }

    /**
     * A short-topic filter {@code base + tail}, {@code base + "j/" + tail} or {@code base + "p/" + tail}
     * (for the attributes topic {@code v2/a}, {@code v2/a/j}, {@code v2/a/p}): its format, else null.
     */
    private static PayloadFormat shortFormat(String f, String base, String tail) {
        if (tail.isEmpty()) {
            if (f.equals(base)) {
                return PayloadFormat.PROFILE;
            }
            return f.startsWith(base + "/") && f.length() == base.length() + 2
                    ? PayloadFormat.ofSuffix(f.substring(base.length() + 1)) : null;
        }
        if (!f.startsWith(base) || !f.endsWith(tail)) {
            return null;
        }
        String middle = f.substring(base.length(), f.length() - tail.length());
        if (middle.isEmpty()) {
            return PayloadFormat.PROFILE;
        }
        return middle.length() == 2 && middle.charAt(1) == '/' ? PayloadFormat.ofSuffix(middle.substring(0, 1)) : null;
    }

    static void unsubscribe(MqttConnection c, MqttUnsubscribeMessage m) {
        Subscriptions s = c.subscriptions();
        List<String> filters = m.payload().topics();
        short[] codes = new short[filters.size()];
        for (int i = 0; i < filters.size(); i++) {
            String f = filters.get(i);
            if (s.attributesTopic != null && f.equals(s.attributesTopic)) {
                s.attributes = Subscriptions.NOT_SUBSCRIBED;
                s.attributesTopic = null;
                if (c.session() != null) {
                    c.session().subscribeToAttributes(false);
                }
            } else if (f.startsWith(MqttTopics.RPC_REQUEST) || f.startsWith(ShortTopics.RPC_REQUEST)) {
                s.rpc = Subscriptions.NOT_SUBSCRIBED;
                if (c.session() != null) {
                    c.session().subscribeToRpc(false);
                }
            } else if (f.startsWith(MqttTopics.ATTRIBUTES_RESPONSE) || f.startsWith(ShortTopics.ATTRIBUTES_RESPONSE)) {
                s.attributesResponse = Subscriptions.NOT_SUBSCRIBED;
            } else if (f.startsWith(MqttTopics.RPC_RESPONSE) || f.startsWith(ShortTopics.RPC_RESPONSE)) {
                s.rpcResponse = Subscriptions.NOT_SUBSCRIBED;
            } else if (f.startsWith(FirmwareChunks.FIRMWARE)) {
                s.firmware = Subscriptions.NOT_SUBSCRIBED;
            } else if (f.startsWith(FirmwareChunks.SOFTWARE)) {
                s.software = Subscriptions.NOT_SUBSCRIBED;
            } else if (SparkplugTopic.isSparkplug(f) && c.sparkplug() != null) {
                c.sparkplug().unsubscribe(f);
            } else if (f.startsWith(MqttTopics.GATEWAY) && c.gateway() != null) {
                c.gateway().unsubscribe(f);
                s.gateway.remove(f);
            }
            codes[i] = 0;
        }
        c.subscriptionsChanged();
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.UNSUBACK, false, MqttQoS.AT_MOST_ONCE, false, 0);
        c.channel().writeAndFlush(new MqttUnsubAckMessage(h,
                new MqttMessageIdAndPropertiesVariableHeader(m.variableHeader().messageId(), MqttProperties.NO_PROPERTIES),
                c.isV5() ? new MqttUnsubAckPayload(codes) : null));
    }
}
