package io.mote.transport.mqtt;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttPublishVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;

import io.mote.transport.mqtt.session.InFlight;

/**
 * Publishing to the device. A QoS 1 message is recorded in the session's {@link InFlight} until the
 * device's PUBACK, whose arrival runs the message's callback (so an RPC counts as delivered when the
 * device says so); a resumed session sends its unacknowledged messages again, in order, with DUP set
 * and their packet ids. A QoS 0 message's callback runs once it is written. Event loop only.
 */
final class Outbound {

    private final Channel channel;
    private InFlight inFlight;

    Outbound(Channel channel, InFlight inFlight) {
        this.channel = channel;
        this.inFlight = inFlight;
    }

    /** The session's messages, once the connection knows its session. */
    void use(InFlight sessionInFlight) {
        this.inFlight = sessionInFlight;
    }

    void publish(String topic, byte[] body, byte qos, Runnable done) {
        if (qos > 0) {
            InFlight.Message m = inFlight.add(topic, body, done);
            write(m.topic(), m.payload(), MqttQoS.AT_LEAST_ONCE, m.packetId(), false);
            return;
        }
        var f = write(topic, body, MqttQoS.AT_MOST_ONCE, 0, false);
        if (done != null) {
            f.addListener(w -> {
                if (w.isSuccess()) {
                    done.run();
                }
            });
        }
    }

    /** After a resumed session's CONNACK: every unacknowledged message again, oldest first. */
    int resend() {
        int n = 0;
        for (InFlight.Message m : inFlight.pending()) {
            write(m.topic(), m.payload(), MqttQoS.AT_LEAST_ONCE, m.packetId(), true);
            n++;
        }
        return n;
    }

    /** The device's PUBACK for a message the server sent. */
    void onPubAck(int packetId) {
        Runnable done = inFlight.acknowledged(packetId);
        if (done != null) {
            done.run();
        }
    }

    private io.netty.channel.ChannelFuture write(String topic, byte[] body, MqttQoS qos, int packetId, boolean dup) {
        ByteBuf buf = channel.alloc().buffer(body.length).writeBytes(body);
        MqttFixedHeader h = new MqttFixedHeader(MqttMessageType.PUBLISH, dup, qos, false, 0);
        return channel.writeAndFlush(new MqttPublishMessage(h, new MqttPublishVariableHeader(topic,
                qos == MqttQoS.AT_MOST_ONCE ? 0 : packetId), buf));
    }
}
