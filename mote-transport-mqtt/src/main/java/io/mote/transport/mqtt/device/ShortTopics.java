package io.mote.transport.mqtt.device;

import io.netty.handler.codec.mqtt.MqttReasonCodes;

import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.payload.PayloadFormat;

/**
 * ThingsBoard's short device topics: {@code v2/t} (telemetry), {@code v2/a} (attributes, and their
 * updates), {@code v2/a/req/{id}} answered on {@code v2/a/res/{id}}, {@code v2/r/req/{id}} (server-side
 * RPC to the device, client-side RPC from it) answered on {@code v2/r/res/{id}}. Each also comes with a
 * {@code j} or {@code p} level ({@code v2/t/j}, {@code v2/a/req/p/{id}}, ...) for a JSON or PROTOBUF
 * payload whatever the profile's payload type; without one the profile's type applies. Firmware and
 * software chunks ({@code v2/fw/...}, {@code v2/sw/...}) are {@code ota.FirmwareChunks}'.
 */
public final class ShortTopics {

    public static final String PREFIX = "v2/";
    public static final String TELEMETRY = "v2/t";
    public static final String ATTRIBUTES = "v2/a";
    public static final String ATTRIBUTES_REQUEST = "v2/a/req/";
    public static final String ATTRIBUTES_RESPONSE = "v2/a/res/";
    public static final String RPC_REQUEST = "v2/r/req/";
    public static final String RPC_RESPONSE = "v2/r/res/";

    private ShortTopics() {
    }

    /** True for the short topics handled here (not the {@code v2/fw}, {@code v2/sw} chunk topics). */
    public static boolean isShort(String topic) {
        return topic.startsWith(TELEMETRY) || topic.startsWith(ATTRIBUTES) || topic.startsWith("v2/r/");
    }

    public static void route(MqttConnection c, Publish p) {
        String topic = p.topic();
        PayloadFormat f = exact(topic, TELEMETRY);
        if (f != null) {
            TelemetryAndAttributes.telemetry(c, p, f.of(c.payloads()));
            return;
        }
        f = exact(topic, ATTRIBUTES);
        if (f != null) {
            TelemetryAndAttributes.attributes(c, p, f.of(c.payloads()));
            return;
        }
        Suffixed s = suffixed(topic, ATTRIBUTES_REQUEST);
        if (s != null) {
            AttributeRequests.request(c, p, s.id(), s.format(), ATTRIBUTES_RESPONSE + s.levels());
            return;
        }
        s = suffixed(topic, RPC_RESPONSE);
        if (s != null) {
            DeviceRpc.response(c, p, s.id(), s.format().of(c.payloads()));
            return;
        }
        s = suffixed(topic, RPC_REQUEST);
        if (s != null) {
            DeviceRpc.clientRequest(c, p, s.id(), RPC_RESPONSE + s.levels(), s.format().of(c.payloads()));
            return;
        }
        c.reject(p, MqttReasonCodes.PubAck.TOPIC_NAME_INVALID, "Unknown topic " + topic);
    }

    /** {@code base}, {@code base/j} or {@code base/p}: the format, or null for another topic. */
    private static PayloadFormat exact(String topic, String base) {
        if (topic.equals(base)) {
            return PayloadFormat.PROFILE;
        }
        if (topic.length() == base.length() + 2 && topic.startsWith(base) && topic.charAt(base.length()) == '/') {
            return PayloadFormat.ofSuffix(topic.substring(base.length() + 1));
        }
        return null;
    }

    /** A request id after {@code base}, optionally after a {@code j/} or {@code p/} level. */
    private record Suffixed(String id, PayloadFormat format, String levels) {
    }

    private static Suffixed suffixed(String topic, String base) {
        if (!topic.startsWith(base)) {
            return null;
        }
        String rest = topic.substring(base.length());
        if (rest.length() > 2 && rest.charAt(1) == '/') {
            PayloadFormat f = PayloadFormat.ofSuffix(rest.substring(0, 1));
            if (f != null) {
                return new Suffixed(rest.substring(2), f, rest);
            }
        }
        return new Suffixed(rest, PayloadFormat.PROFILE, rest);
    }
}
