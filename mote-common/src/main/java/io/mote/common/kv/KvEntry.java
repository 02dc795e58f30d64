package io.mote.common.kv;

import java.util.Objects;

/**
 * One key and its typed value. The value is a {@link String}, {@link Boolean}, {@link Long},
 * {@link Double}, or, for {@link DataType#JSON}, the JSON text.
 */
public record KvEntry(String key, DataType type, Object value) {

    public KvEntry {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
    }

    public static KvEntry ofString(String key, String v) { return new KvEntry(key, DataType.STRING, v); }
    public static KvEntry ofBoolean(String key, boolean v) { return new KvEntry(key, DataType.BOOLEAN, v); }
    public static KvEntry ofLong(String key, long v) { return new KvEntry(key, DataType.LONG, v); }
    public static KvEntry ofDouble(String key, double v) { return new KvEntry(key, DataType.DOUBLE, v); }
    public static KvEntry ofJson(String key, String json) { return new KvEntry(key, DataType.JSON, json); }

    /** The value as text, as the WebSocket API and string columns carry it. */
    public String valueAsString() {
        return String.valueOf(value);
    }

    /** The value as a number, or null when it has none (strings, booleans and JSON). */
    public Double numericValue() {
        return switch (type) {
            case LONG -> ((Long) value).doubleValue();
            case DOUBLE -> (Double) value;
            default -> null;
        };
    }
}
