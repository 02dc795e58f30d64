package io.mote.transport.mqtt;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.concurrent.CompletionException;

import tools.jackson.databind.JsonNode;

import io.mote.common.error.MoteException;

/** Small helpers shared by the topic handlers. */
public final class MqttUtil {

    private MqttUtil() {
    }

    /** A topic level that must be an integer (request id, chunk number). */
    public static int intLevel(String level, String what) {
        try {
            return Integer.parseInt(level);
        } catch (NumberFormatException e) {
            throw MoteException.badRequest("The " + what + " in the topic must be an integer");
        }
    }

    /** {@code "a,b"} (or a JSON array) to a key set; null when absent. */
    public static Collection<String> keys(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return null;
        }
        LinkedHashSet<String> keys = new LinkedHashSet<>();
        if (node.isArray()) {
            for (JsonNode k : node) {
                if (!k.isString()) {
                    throw MoteException.badRequest("Keys must be key names, got " + k.getNodeType());
                }
                keys.add(k.asString());
            }
        } else {
            Arrays.stream(node.asString("").split(",")).map(String::trim).filter(k -> !k.isEmpty()).forEach(keys::add);
        }
        return keys;
    }

    /** Granted QoS, or 0 when the device did not subscribe (it may still listen with a wildcard). */
    public static byte qosOr0(byte qos) {
        return qos < 0 ? 0 : qos;
    }

    public static Throwable unwrap(Throwable t) {
        return t instanceof CompletionException && t.getCause() != null ? t.getCause() : t;
    }
}
