package io.mote.common.json;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.MoteException;

/** The shared JSON mapper and small conveniences around it. */
public final class Json {

    public static final JsonMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private Json() {
    }

    /** Parses JSON text, turning a syntax error into a 400 that says what is wrong. */
    public static JsonNode parse(String text) {
        if (text == null || text.isBlank()) {
            throw MoteException.badRequest("Request body is empty");
        }
        try {
            return MAPPER.readTree(text);
        } catch (JacksonException e) {
            throw MoteException.badRequest("Invalid JSON: " + brief(e));
        }
    }

    public static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            throw MoteException.badRequest("Request body is empty");
        }
        try {
            return MAPPER.readTree(bytes);
        } catch (JacksonException e) {
            throw MoteException.badRequest("Invalid JSON: " + brief(e));
        }
    }

    /** The parser's message without its source-location details. */
    private static String brief(JacksonException e) {
        String m = String.valueOf(e.getOriginalMessage());
        int cut = m.indexOf(" (start marker");
        if (cut < 0) {
            cut = m.indexOf('\n');
        }
        return cut > 0 ? m.substring(0, cut) : m;
    }

    public static String write(Object value) {
        return MAPPER.writeValueAsString(value);
    }

    /** The error body of the REST and HTTP device APIs: {@code {"status","message","errorCode","timestamp"}}. */
    public static ObjectNode errorBody(int status, String message, int errorCode) {
        ObjectNode o = object();
        o.put("status", status);
        o.put("message", message);
        o.put("errorCode", errorCode);
        o.put("timestamp", System.currentTimeMillis());
        return o;
    }

    public static ObjectNode object() {
        return JsonNodeFactory.instance.objectNode();
    }
}
