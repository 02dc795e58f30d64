package io.mote.transport.api.proto;

import java.util.Base64;
import java.util.List;
import java.util.Map;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;
import io.mote.common.json.Json;

/**
 * Protobuf messages to and from JSON, by field name. Numbers stay numbers (64-bit integers too), enums
 * are their names, bytes base64, maps objects. Reading a message, a field with presence (a message, an
 * {@code optional} or oneof field) appears only when set; other fields always, with their default value,
 * except empty repeated fields.
 */
public final class ProtoJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private ProtoJson() {
    }

    /** Parses {@code bytes} as a message of {@code type} and returns its JSON; a bad request when it does not parse. */
    public static ObjectNode parse(Descriptors.Descriptor type, byte[] bytes) {
        try {
            return toJson(DynamicMessage.parseFrom(type, bytes));
        } catch (InvalidProtocolBufferException e) {
            throw MoteException.badRequest("Payload is not a valid " + type.getName() + " protobuf message: "
                    + e.getMessage());
        }
    }

    public static ObjectNode toJson(Message m) {
        ObjectNode o = Json.object();
        for (FieldDescriptor f : m.getDescriptorForType().getFields()) {
            if (f.isRepeated()) {
                int n = m.getRepeatedFieldCount(f);
                if (n == 0) {
                    continue;
                }
                if (f.isMapField()) {
                    ObjectNode map = o.putObject(f.getName());
                    for (int i = 0; i < n; i++) {
                        Message entry = (Message) m.getRepeatedField(f, i);
                        Descriptors.Descriptor et = entry.getDescriptorForType();
                        map.set(String.valueOf(entry.getField(et.findFieldByNumber(1))),
                                value(et.findFieldByNumber(2), entry.getField(et.findFieldByNumber(2))));
                    }
                } else {
                    ArrayNode a = o.putArray(f.getName());
                    for (int i = 0; i < n; i++) {
                        a.add(value(f, m.getRepeatedField(f, i)));
                    }
                }
            } else if (!f.hasPresence() || m.hasField(f)) {
                o.set(f.getName(), value(f, m.getField(f)));
            }
        }
        return o;
    }

    private static JsonNode value(FieldDescriptor f, Object v) {
        return switch (f.getJavaType()) {
            case INT -> NODES.numberNode((Integer) v);
            case LONG -> NODES.numberNode((Long) v);
            case FLOAT -> NODES.numberNode((Float) v);
            case DOUBLE -> NODES.numberNode((Double) v);
            case BOOLEAN -> NODES.booleanNode((Boolean) v);
            case STRING -> NODES.stringNode((String) v);
            case BYTE_STRING -> NODES.stringNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
            case ENUM -> NODES.stringNode(((Descriptors.EnumValueDescriptor) v).getName());
            case MESSAGE -> toJson((Message) v);
        };
    }

    /** A message of {@code type} from a JSON object; unknown fields are ignored. */
    public static DynamicMessage fromJson(Descriptors.Descriptor type, JsonNode json) {
        DynamicMessage.Builder b = DynamicMessage.newBuilder(type);
        if (json == null || !json.isObject()) {
            throw MoteException.badRequest("Expected a JSON object for " + type.getName());
        }
        for (Map.Entry<String, JsonNode> e : json.properties()) {
            FieldDescriptor f = type.findFieldByName(e.getKey());
            if (f == null || e.getValue().isNull()) {
                continue;
            }
            JsonNode v = e.getValue();
            if (f.isMapField()) {
                Descriptors.Descriptor et = f.getMessageType();
                for (Map.Entry<String, JsonNode> kv : v.properties()) {
                    DynamicMessage.Builder entry = DynamicMessage.newBuilder(et);
                    entry.setField(et.findFieldByNumber(1), scalar(et.findFieldByNumber(1), NODES.stringNode(kv.getKey())));
                    entry.setField(et.findFieldByNumber(2), scalar(et.findFieldByNumber(2), kv.getValue()));
                    b.addRepeatedField(f, entry.build());
                }
            } else if (f.isRepeated()) {
                List<JsonNode> items = v.isArray() ? v.valueStream().toList() : List.of(v);
                for (JsonNode item : items) {
                    b.addRepeatedField(f, scalar(f, item));
                }
            } else {
                b.setField(f, scalar(f, v));
            }
        }
        return b.build();
    }

    /**
     * One field's value; a value of the wrong kind (text for a number, a number too large for its field,
     * invalid base64) is a bad request naming the field, never Jackson's or protobuf's exception.
     */
    private static Object scalar(FieldDescriptor f, JsonNode v) {
        return switch (f.getJavaType()) {
            case INT -> {
                Long n = integral(v);
                if (n == null || n != n.intValue()) {
                    throw wrongValue(f, v, "a 32-bit integer");
                }
                yield n.intValue();
            }
            case LONG -> {
                Long n = integral(v);
                if (n == null) {
                    throw wrongValue(f, v, "a 64-bit integer");
                }
                yield n;
            }
            case FLOAT -> (float) number(f, v);
            case DOUBLE -> number(f, v);
            case BOOLEAN -> {
                if (!v.isBoolean()) {
                    throw wrongValue(f, v, "true or false");
                }
                yield v.asBoolean();
            }
            case STRING -> v.isString() ? v.asString() : Json.write(v);
            case BYTE_STRING -> {
                try {
                    yield ByteString.copyFrom(Base64.getDecoder().decode(v.isString() ? v.asString() : "!"));
                } catch (IllegalArgumentException e) {
                    throw wrongValue(f, v, "base64 text");
                }
            }
            case ENUM -> {
                Descriptors.EnumValueDescriptor ev = v.isNumber()
                        ? (v.canConvertToInt() ? f.getEnumType().findValueByNumber(v.asInt()) : null)
                        : v.isString() ? f.getEnumType().findValueByName(v.asString()) : null;
                if (ev == null) {
                    throw MoteException.badRequest("No value " + brief(v) + " in enum " + f.getEnumType().getName());
                }
                yield ev;
            }
            case MESSAGE -> fromJson(f.getMessageType(), v);
        };
    }

    /** An integral number that fits a long, or text holding one (as protobuf's JSON mapping writes 64-bit integers); else null. */
    private static Long integral(JsonNode v) {
        if (v.isNumber()) {
            return v.canConvertToLong() && v.asDouble() == Math.rint(v.asDouble()) ? v.asLong() : null;
        }
        if (v.isString()) {
            try {
                return Long.parseLong(v.asString().trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static double number(FieldDescriptor f, JsonNode v) {
        if (v.isNumber()) {
            return v.asDouble();
        }
        if (v.isString()) {
            try {
                return Double.parseDouble(v.asString().trim());
            } catch (NumberFormatException e) {
                // falls through to the refusal
            }
        }
        throw wrongValue(f, v, "a number");
    }

    private static MoteException wrongValue(FieldDescriptor f, JsonNode v, String expected) {
        return MoteException.badRequest("Field '" + f.getName() + "' expects " + expected + ", got " + brief(v));
    }

    private static String brief(JsonNode v) {
        String s = v.toString();
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
