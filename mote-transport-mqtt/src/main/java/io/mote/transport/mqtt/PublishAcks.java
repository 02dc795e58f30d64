package io.mote.transport.mqtt;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;

/**
 * Acknowledging a device's publishes: PUBACK (QoS 1), PUBREC / PUBREL / PUBCOMP (QoS 2, stored once per
 * packet id), and refusals. A publish the server cannot take is answered, for MQTT 5 at QoS 1, by a PUBACK
 * with a reason code (0x99 payload format invalid, 0x90 topic name invalid, 0x87 not authorized, 0x97 quota
 * exceeded when the core pushes back, 0x83 otherwise); in every other case (MQTT 3.1.1, or QoS 0) the
 * connection is closed, with a DISCONNECT carrying the same reason code for MQTT 5.
 */
final class PublishAcks {

    private static final Logger log = LoggerFactory.getLogger(PublishAcks.class);

    private final MqttConnection connection;
    /** QoS 2 packet ids stored and waiting for PUBREL; created on first use. */
    private Set<Integer> awaitingRelease;

    PublishAcks(MqttConnection connection) {
        this.connection = connection;
    }

    /** True when a QoS 2 message with this id was already stored (a retransmission): PUBREC again. */
    boolean isDuplicate(int qos, int packetId) {
        if (qos == 2 && awaitingRelease != null && awaitingRelease.contains(packetId)) {
            sendPubRec(packetId);
            return true;
        }
        return false;
    }

    /** Acknowledges when the core's future completes; a failure is refused as the class comment says. */
    void complete(Publish p, CompletableFuture<?> f) {
        AtomicInteger unanswered = connection.server().unanswered;
        unanswered.incrementAndGet();
        f.whenComplete((v, err) -> {
            if (err == null) {
                ack(p);
            } else {
                channel().eventLoop().execute(() -> fail(p, MqttUtil.unwrap(err)));
            }
            unanswered.decrementAndGet();
        });
    }

    /** PUBACK (QoS 1) or PUBREC (QoS 2); thread-safe. */
    void ack(Publish p) {
        if (p.qos() == 1) {
            channel().writeAndFlush(MqttMessageBuilders.pubAck().packetId(p.packetId()).build());
        } else if (p.qos() == 2) {
            channel().eventLoop().execute(() -> {
                if (awaitingRelease == null) {
                    awaitingRelease = new HashSet<>(4);
                }
                awaitingRelease.add(p.packetId());
                sendPubRec(p.packetId());
            });
        }
    }

    void onPubRel(MqttMessage m) {
        int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
        if (awaitingRelease != null) {
            awaitingRelease.remove(id);
        }
        channel().writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBCOMP, false, MqttQoS.AT_MOST_ONCE,
                false, 2), MqttMessageIdVariableHeader.from(id)));
    }

    /** The device's PUBACK / PUBREC / PUBCOMP for what the server published. */
    void onDeviceAck(MqttMessage m) {
        if (m.fixedHeader().messageType() == MqttMessageType.PUBREC) {
            // The server never publishes at QoS 2; answer correctly anyway.
            int id = ((MqttMessageIdVariableHeader) m.variableHeader()).messageId();
            channel().writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREL, false,
                    MqttQoS.AT_LEAST_ONCE, false, 2), MqttMessageIdVariableHeader.from(id)));
        }
    }

    private void sendPubRec(int packetId) {
        channel().writeAndFlush(new MqttMessage(new MqttFixedHeader(MqttMessageType.PUBREC, false, MqttQoS.AT_MOST_ONCE,
                false, 2), MqttMessageIdVariableHeader.from(packetId)));
    }

    void fail(Publish p, Throwable err) {
        String clientId = connection.clientId();
        if (err instanceof MoteException e) {
            ErrorCode code = e.errorCode();
            if (code == ErrorCode.SERVICE_UNAVAILABLE) {
                log.debug("MQTT client {}: core pushed back on {}", clientId, p.topic());
                reject(p, MqttReasonCodes.PubAck.QUOTA_EXCEEDED, e.getMessage());
            } else if (code == ErrorCode.BAD_REQUEST_PARAMS || code == ErrorCode.INVALID_ARGUMENTS) {
                log.debug("MQTT client {}: bad payload on {}: {}", clientId, p.topic(), e.getMessage());
                if (!connection.isV5() && connection.topics().sendAckOnValidationException() && p.qos() > 0) {
                    ack(p);
                    return;
                }
                reject(p, MqttReasonCodes.PubAck.PAYLOAD_FORMAT_INVALID, e.getMessage());
            } else {
                log.debug("MQTT client {}: {} failed: {}", clientId, p.topic(), e.getMessage());
                reject(p, code == ErrorCode.PERMISSION_DENIED ? MqttReasonCodes.PubAck.NOT_AUTHORIZED
                        : MqttReasonCodes.PubAck.IMPLEMENTATION_SPECIFIC_ERROR, e.getMessage());
            }
        } else {
            log.warn("MQTT client {}: {} failed", clientId, p.topic(), err);
            reject(p, MqttReasonCodes.PubAck.IMPLEMENTATION_SPECIFIC_ERROR, "Internal error");
        }
    }

    /** Refuses a publish: PUBACK with the reason for MQTT 5 at QoS 1, else a (reasoned) disconnect. */
    void reject(Publish p, MqttReasonCodes.PubAck reason, String message) {
        Channel ch = channel();
        if (!ch.eventLoop().inEventLoop()) {
            ch.eventLoop().execute(() -> reject(p, reason, message));
            return;
        }
        if (connection.isV5() && p.qos() == 1) {
            MqttProperties props = new MqttProperties();
            if (message != null) {
                props.add(new MqttProperties.StringProperty(MqttProperties.MqttPropertyType.REASON_STRING.value(),
                        message.length() > 200 ? message.substring(0, 200) : message));
            }
            ch.writeAndFlush(MqttMessageBuilders.pubAck().packetId(p.packetId()).reasonCode(reason.byteValue())
                    .properties(props).build());
            return;
        }
        connection.disconnect(MqttReasonCodes.Disconnect.valueOf(reason.byteValue()));
    }

    private Channel channel() {
        return connection.channel();
    }
}
