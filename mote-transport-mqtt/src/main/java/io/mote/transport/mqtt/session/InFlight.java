package io.mote.transport.mqtt.session;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The QoS 1 messages sent to a device and not yet acknowledged, in the order they were sent, with the
 * packet ids they went out with. A device may hold at most {@code max}: past that the oldest is given up,
 * so a device that never acknowledges costs bounded memory. Synchronized: a session taken over by a new
 * connection is touched from two event loops for a moment.
 */
public final class InFlight {

    /** One unacknowledged message; {@code onAck} runs when the device acknowledges it. */
    public record Message(int packetId, String topic, byte[] payload, Runnable onAck) {
    }

    private final Map<Integer, Message> messages = new LinkedHashMap<>();
    private final int max;
    private int nextPacketId = 1;
    private long dropped;

    public InFlight(int max) {
        this.max = Math.max(1, max);
    }

    /** Records a message about to be sent and gives it a packet id not in use. */
    public synchronized Message add(String topic, byte[] payload, Runnable onAck) {
        if (messages.size() >= max) {
            Iterator<Message> oldest = messages.values().iterator();
            oldest.next();
            oldest.remove();
            dropped++;
        }
        int id;
        do {
            id = nextPacketId;
            nextPacketId = id >= 0xFFFF ? 1 : id + 1;
        } while (messages.containsKey(id));
        Message m = new Message(id, topic, payload, onAck);
        messages.put(id, m);
        return m;
    }

    /** The device acknowledged {@code packetId}: what to run, or null for an unknown id. */
    public synchronized Runnable acknowledged(int packetId) {
        Message m = messages.remove(packetId);
        return m == null ? null : m.onAck();
    }

    /** The messages still unacknowledged, oldest first. */
    public synchronized List<Message> pending() {
        return new ArrayList<>(messages.values());
    }

    public synchronized int size() {
        return messages.size();
    }

    /** Messages given up because the device had {@code max} unacknowledged already. */
    public synchronized long dropped() {
        return dropped;
    }
}
