package io.mote.common.json;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;

import io.mote.common.error.MoteException;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;

/**
 * Converts the device APIs' JSON payloads to key-value entries and back. The same payloads are used
 * by HTTP, MQTT and CoAP devices, so every transport decodes with this class.
 */
public final class KvJson {

    public static final int MAX_KEY_LENGTH = 255;

    private KvJson() {
    }

    /**
     * Parses telemetry in its three forms: {@code {"k":v}}, {@code {"ts":..,"values":{..}}} and an
     * array of either. Entries without a timestamp get {@code now}. An empty object, array or
     * {@code values} yields no entries: ThingsBoard accepts them and stores nothing, and its SDKs probe
     * a connection with {@code {}}.
     */
    public static List<TsKvEntry> parseTelemetry(JsonNode root, long now) {
        List<TsKvEntry> out = new ArrayList<>();
        if (root.isArray()) {
            for (JsonNode item : root) {
                parseTelemetryObject(item, now, out);
            }
        } else {
            parseTelemetryObject(root, now, out);
        }
        return out;
    }

    private static void parseTelemetryObject(JsonNode node, long now, List<TsKvEntry> out) {
        if (!node.isObject()) {
            throw MoteException.badRequest("Telemetry must be a JSON object or an array of objects");
        }
        JsonNode ts = node.get("ts");
        JsonNode values = node.get("values");
        if (ts != null && values != null && node.size() == 2) {
            if (!ts.isIntegralNumber() || !ts.canConvertToLong() || ts.longValue() < 0) {
                throw MoteException.badRequest("'ts' must be a non-negative integer of milliseconds");
            }
            if (!values.isObject()) {
                throw MoteException.badRequest("'values' must be a JSON object");
            }
            long t = ts.longValue();
            for (KvEntry kv : values.isEmpty() ? List.<KvEntry>of() : parseKvObject(values)) {
                out.add(new TsKvEntry(t, kv));
            }
        } else if (!node.isEmpty()) {
            for (KvEntry kv : parseKvObject(node)) {
                out.add(new TsKvEntry(now, kv));
            }
        }
    }

    /** Parses a flat JSON object of keys and values (attributes, or telemetry without a timestamp). */
    public static List<KvEntry> parseKvObject(JsonNode node) {
        if (!node.isObject()) {
            throw MoteException.badRequest("Expected a JSON object of keys and values");
        }
        if (node.isEmpty()) {
            throw MoteException.badRequest("No keys in JSON object");
        }
        List<KvEntry> out = new ArrayList<>(node.size());
        for (Map.Entry<String, JsonNode> e : node.properties()) {
            out.add(toKv(e.getKey(), e.getValue()));
        }
        return out;
    }

    /** Converts one JSON value to a typed entry; numbers as {@link #number}. */
    public static KvEntry toKv(String key, JsonNode v) {
        checkKey(key);
        if (v == null || v.isNull() || v.isMissingNode()) {
            throw MoteException.badRequest("Value of key '" + key + "' is null");
        }
        if (v.isString()) {
            String text = v.stringValue();
            // PostgreSQL text cannot hold NUL; refusing it here keeps one bad value from failing a whole batch.
            if (text.indexOf('\0') >= 0) {
                throw MoteException.badRequest("Value of key '" + key + "' contains a NUL character");
            }
            return KvEntry.ofString(key, text);
        }
        if (v.isBoolean()) {
            return KvEntry.ofBoolean(key, v.booleanValue());
        }
        if (v.isNumber()) {
            return number(key, v);
        }
        if (v.isObject() || v.isArray()) {
            return KvEntry.ofJson(key, Json.write(v));
        }
        throw MoteException.badRequest("Unsupported value of key '" + key + "'");
    }

    /**
     * As ThingsBoard stores a number: a long when it fits, else a double when finite, else (an integer too
     * large for a double) its decimal text. The node's own {@code doubleValue()} throws for such an integer,
     * so the conversion goes through {@link Number}, whose {@code doubleValue()} answers infinity instead.
     */
    private static KvEntry number(String key, JsonNode v) {
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return KvEntry.ofLong(key, v.longValue());
        }
        Number n = v.numberValue();
        double d = n.doubleValue();
        if (Double.isFinite(d)) {
            return KvEntry.ofDouble(key, d);
        }
        if (n instanceof BigInteger || n instanceof BigDecimal) {
            return KvEntry.ofString(key, n instanceof BigDecimal b ? b.toPlainString() : n.toString());
        }
        // A float literal beyond the double range was already parsed to infinity; its text is gone.
        throw MoteException.badRequest("Value of key '" + key + "' is not a finite number");
    }

    public static void checkKey(String key) {
        if (key == null || key.isBlank()) {
            throw MoteException.badRequest("Key must not be empty");
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw MoteException.badRequest("Key is longer than " + MAX_KEY_LENGTH + " characters");
        }
        for (int i = 0; i < key.length(); i++) {
            if (key.charAt(i) == 0) {
                throw MoteException.badRequest("Key must not contain NUL characters");
            }
        }
    }

    /** The entry's value as a typed JSON value (JSON entries become their parsed tree). */
    public static JsonNode toJsonValue(KvEntry kv) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return switch (kv.type()) {
            case STRING -> f.stringNode((String) kv.value());
            case BOOLEAN -> f.booleanNode((Boolean) kv.value());
            case LONG -> f.numberNode((Long) kv.value());
            case DOUBLE -> f.numberNode((Double) kv.value());
            case JSON -> Json.parse((String) kv.value());
        };
    }
}
