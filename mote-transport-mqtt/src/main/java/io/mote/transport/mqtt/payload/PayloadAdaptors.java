package io.mote.transport.mqtt.payload;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.api.TransportConfiguration;
import io.mote.transport.api.proto.ProfileProtos;

/**
 * The payload adaptor of a device's profile: JSON, or PROTOBUF with the profile's compiled schemas
 * ({@link ProfileProtos}, which caches them). Adaptors are cached by the profile's payload configuration
 * text, so a profile's schemas are compiled once (and again only when they change). Compiling may take
 * milliseconds: call this off the event loop.
 */
public final class PayloadAdaptors {

    private static final int MAX_CACHED = 1024;
    private static final Map<String, PayloadAdaptor> CACHE = new ConcurrentHashMap<>();

    private PayloadAdaptors() {
    }

    /** The adaptor for a device's transport configuration; a bad request if its schemas do not compile. */
    public static PayloadAdaptor of(TransportConfiguration configuration) {
        String profile = configuration == null ? null : configuration.profile();
        if (profile == null || !profile.contains("PROTOBUF")) {
            return JsonPayloadAdaptor.INSTANCE;
        }
        JsonNode tc = Json.parse(profile);
        JsonNode payload = tc.path("transportPayloadTypeConfiguration");
        if (!"MQTT".equals(tc.path("type").asString("")) || !"PROTOBUF".equals(payload.path("transportPayloadType").asString(""))) {
            return JsonPayloadAdaptor.INSTANCE;
        }
        String key = Json.write(payload);
        PayloadAdaptor cached = CACHE.get(key);
        if (cached != null) {
            return cached;
        }
        PayloadAdaptor compiled = new ProtoPayloadAdaptor(ProfileProtos.of(payload),
                payload.path("enableCompatibilityWithJsonPayloadFormat").asBoolean(false),
                payload.path("useJsonPayloadFormatForDefaultDownlinkTopics").asBoolean(false));
        if (CACHE.size() >= MAX_CACHED) {
            CACHE.clear();
        }
        CACHE.put(key, compiled);
        return compiled;
    }
}
