package io.mote.transport.mqtt;

import java.nio.charset.StandardCharsets;

/**
 * A PUBLISH received from a device: its topic, packet id, QoS and payload bytes (copied, so the Netty
 * buffer is released at once).
 */
public record Publish(String topic, int packetId, int qos, byte[] payload) {

    /** The payload as UTF-8 text. */
    public String text() {
        return new String(payload, StandardCharsets.UTF_8);
    }

    public boolean isEmpty() {
        return payload.length == 0;
    }
}
