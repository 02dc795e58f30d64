package io.mote.transport.mqtt.sparkplug;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;
import io.mote.common.kv.KvEntry;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.DataType;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.DataSet;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Metric;
import io.mote.transport.mqtt.sparkplug.proto.SparkplugB.Payload.Template;

/**
 * Sparkplug B metric values to and from Mote's key-value entries. Integers are read by their data type
 * (Int8..Int32 are two's complement in the 32-bit field, UInt32 and UInt64 unsigned), Float and Double as
 * doubles, String / Text / UUID as strings, the array types (little-endian packed bytes) as JSON arrays,
 * Bytes and File as base64 text, DataSet and Template as JSON. A null metric has no value.
 */
final class SparkplugMetrics {

    private SparkplugMetrics() {
    }

    /** The metric's value under {@code key}; null for a null metric or one without a value. */
    static KvEntry toKv(String key, Metric m, DataType type) {
        if (m.getIsNull()) {
            return null;
        }
        return switch (m.getValueCase()) {
            case INT_VALUE -> KvEntry.ofLong(key, switch (type) {
                case Int8, Int16, Int32 -> (long) m.getIntValue();
                default -> Integer.toUnsignedLong(m.getIntValue());
            });
            case LONG_VALUE -> type == DataType.UInt64 && m.getLongValue() < 0
                    ? KvEntry.ofString(key, Long.toUnsignedString(m.getLongValue()))
                    : KvEntry.ofLong(key, m.getLongValue());
            case FLOAT_VALUE -> KvEntry.ofDouble(key, Double.parseDouble(Float.toString(m.getFloatValue())));
            case DOUBLE_VALUE -> KvEntry.ofDouble(key, m.getDoubleValue());
            case BOOLEAN_VALUE -> KvEntry.ofBoolean(key, m.getBooleanValue());
            case STRING_VALUE -> KvEntry.ofString(key, m.getStringValue());
            case BYTES_VALUE -> {
                byte[] b = m.getBytesValue().toByteArray();
                JsonNode array = array(type, b);
                yield array != null ? KvEntry.ofJson(key, Json.write(array))
                        : KvEntry.ofString(key, Base64.getEncoder().encodeToString(b));
            }
            case DATASET_VALUE -> KvEntry.ofJson(key, Json.write(dataSet(m.getDatasetValue())));
            case TEMPLATE_VALUE -> KvEntry.ofJson(key, Json.write(template(m.getTemplateValue())));
            case EXTENSION_VALUE, VALUE_NOT_SET -> null;
        };
    }

    /** The data type a metric declares, or the one its value field implies when it declares none. */
    static DataType typeOf(Metric m) {
        DataType t = m.hasDatatype() ? DataType.forNumber(m.getDatatype()) : null;
        if (t != null && t != DataType.Unknown) {
            return t;
        }
        return switch (m.getValueCase()) {
            case INT_VALUE -> DataType.Int32;
            case LONG_VALUE -> DataType.Int64;
            case FLOAT_VALUE -> DataType.Float;
            case DOUBLE_VALUE -> DataType.Double;
            case BOOLEAN_VALUE -> DataType.Boolean;
            case STRING_VALUE -> DataType.String;
            case BYTES_VALUE -> DataType.Bytes;
            case DATASET_VALUE -> DataType.DataSet;
            case TEMPLATE_VALUE -> DataType.Template;
            default -> DataType.Unknown;
        };
    }

    /**
     * A command metric of the BIRTH metric's type carrying {@code value} (named, or by alias when the
     * BIRTH gave one, as the specification asks of NCMD / DCMD); a bad request when the value does not
     * fit the type or the type is not a scalar.
     */
    static Metric command(Metric birth, KvEntry value, long ts) {
        DataType type = typeOf(birth);
        Metric.Builder b = Metric.newBuilder().setTimestamp(ts).setDatatype(type.getNumber());
        if (birth.hasAlias()) {
            b.setAlias(birth.getAlias());
        } else {
            b.setName(birth.getName());
        }
        String text = value.valueAsString();
        try {
            switch (type) {
                case Int8, Int16, Int32, UInt8, UInt16, UInt32 -> b.setIntValue((int) asLong(value));
                case Int64, UInt64, DateTime -> b.setLongValue(asLong(value));
                case Float -> b.setFloatValue((float) asDouble(value));
                case Double -> b.setDoubleValue(asDouble(value));
                case Boolean -> b.setBooleanValue(asBoolean(value));
                case String, Text, UUID -> b.setStringValue(text);
                default -> throw MoteException.badRequest("Metric '" + birth.getName() + "' of type " + type
                        + " cannot be written");
            }
        } catch (NumberFormatException e) {
            throw MoteException.badRequest("'" + text + "' is not a value of metric '" + birth.getName()
                    + "' (" + type + ")");
        }
        return b.build();
    }

    /** true / false, or a number (non-zero is true); other text is not a boolean. */
    private static boolean asBoolean(KvEntry v) {
        return switch (v.type()) {
            case BOOLEAN -> (Boolean) v.value();
            case LONG, DOUBLE -> asDouble(v) != 0;
            default -> {
                String t = v.valueAsString().trim();
                if (t.equalsIgnoreCase("true") || t.equalsIgnoreCase("false")) {
                    yield Boolean.parseBoolean(t);
                }
                throw new NumberFormatException(t);
            }
        };
    }

    private static long asLong(KvEntry v) {
        return switch (v.type()) {
            case LONG -> (Long) v.value();
            case DOUBLE -> Math.round((Double) v.value());
            case BOOLEAN -> (Boolean) v.value() ? 1 : 0;
            default -> Long.parseLong(v.valueAsString().trim());
        };
    }

    private static double asDouble(KvEntry v) {
        return switch (v.type()) {
            case LONG -> (Long) v.value();
            case DOUBLE -> (Double) v.value();
            case BOOLEAN -> (Boolean) v.value() ? 1 : 0;
            default -> Double.parseDouble(v.valueAsString().trim());
        };
    }

    /** An array type's packed little-endian bytes as a JSON array; null for a type that is not an array. */
    private static ArrayNode array(DataType type, byte[] bytes) {
        ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        ArrayNode out = Json.MAPPER.createArrayNode();
        switch (type) {
            case Int8Array -> { while (in.remaining() >= 1) out.add(in.get()); }
            case UInt8Array -> { while (in.remaining() >= 1) out.add(in.get() & 0xFF); }
            case Int16Array -> { while (in.remaining() >= 2) out.add(in.getShort()); }
            case UInt16Array -> { while (in.remaining() >= 2) out.add(in.getShort() & 0xFFFF); }
            case Int32Array -> { while (in.remaining() >= 4) out.add(in.getInt()); }
            case UInt32Array -> { while (in.remaining() >= 4) out.add(Integer.toUnsignedLong(in.getInt())); }
            case Int64Array, DateTimeArray, UInt64Array -> { while (in.remaining() >= 8) out.add(in.getLong()); }
            case FloatArray -> { while (in.remaining() >= 4) out.add(Double.parseDouble(Float.toString(in.getFloat()))); }
            case DoubleArray -> { while (in.remaining() >= 8) out.add(in.getDouble()); }
            case BooleanArray -> {
                // A 4-byte count, then the values packed into bits, most significant first.
                if (in.remaining() >= 4) {
                    long count = Integer.toUnsignedLong(in.getInt());
                    for (long i = 0; i < count && 4 + i / 8 < bytes.length; i++) {
                        out.add((bytes[(int) (4 + i / 8)] & (0x80 >> (i % 8))) != 0);
                    }
                }
            }
            case StringArray -> {
                // Null-terminated UTF-8 strings.
                int start = 0;
                for (int i = 0; i < bytes.length; i++) {
                    if (bytes[i] == 0) {
                        out.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                        start = i + 1;
                    }
                }
            }
            default -> {
                return null;
            }
        }
        return out;
    }

    /** {@code {"columns":[..],"types":[..],"rows":[[..],..]}}. */
    private static ObjectNode dataSet(DataSet ds) {
        ObjectNode o = Json.object();
        ArrayNode columns = o.putArray("columns");
        ds.getColumnsList().forEach(columns::add);
        ArrayNode types = o.putArray("types");
        ds.getTypesList().forEach(t -> types.add(DataType.forNumber(t) == null ? "Unknown" : DataType.forNumber(t).name()));
        ArrayNode rows = o.putArray("rows");
        for (DataSet.Row r : ds.getRowsList()) {
            ArrayNode row = rows.addArray();
            for (DataSet.DataSetValue v : r.getElementsList()) {
                switch (v.getValueCase()) {
                    case INT_VALUE -> row.add(v.getIntValue());
                    case LONG_VALUE -> row.add(v.getLongValue());
                    case FLOAT_VALUE -> row.add(Double.parseDouble(Float.toString(v.getFloatValue())));
                    case DOUBLE_VALUE -> row.add(v.getDoubleValue());
                    case BOOLEAN_VALUE -> row.add(v.getBooleanValue());
                    case STRING_VALUE -> row.add(v.getStringValue());
                    default -> row.addNull();
                }
            }
        }
        return o;
    }

    /** A template instance's member metrics as a JSON object by name. */
    private static ObjectNode template(Template t) {
        ObjectNode o = Json.object();
        for (Metric m : t.getMetricsList()) {
            if (!m.hasName()) {
                continue;
            }
            KvEntry kv = toKv(m.getName(), m, typeOf(m));
            if (kv == null) {
                o.putNull(m.getName());
            } else {
                o.set(m.getName(), io.mote.common.json.KvJson.toJsonValue(kv));
            }
        }
        return o;
    }
}
