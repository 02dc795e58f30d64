package io.mote.common.json;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.error.ErrorCode;
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

    /**
     * Parses a body sent in {@code charset} (the request's declared charset; null when it declared none,
     * which JSON reads as UTF-8). A charset the JVM does not know fails with UNSUPPORTED_MEDIA_TYPE (415).
     */
    public static JsonNode parse(byte[] bytes, String charset) {
        Charset cs = charset(charset);
        // Jackson detects the UTF encodings itself; every other charset is decoded first.
        if (cs.name().startsWith("UTF-")) {
            return parse(bytes);
        }
        if (bytes == null || bytes.length == 0) {
            throw MoteException.badRequest("Request body is empty");
        }
        return parse(new String(bytes, cs));
    }

    /** A body as text in its declared charset (UTF-8 when none); 415 for a charset the JVM does not know. */
    public static String decode(byte[] bytes, String charset) {
        return new String(bytes, charset(charset));
    }

    private static Charset charset(String name) {
        if (name == null || name.isBlank()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(name.trim());
        } catch (IllegalArgumentException e) {
            String shown = name.length() > 40 ? name.substring(0, 40) + "..." : name;
            throw new MoteException(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Charset '" + shown + "' is not supported; send UTF-8");
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
