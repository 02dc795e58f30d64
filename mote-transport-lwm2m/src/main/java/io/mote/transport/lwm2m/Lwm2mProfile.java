package io.mote.transport.lwm2m;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/**
 * The parts of an LWM2M profile's {@code observeAttr} the transport acts on, with paths stripped of their
 * object version ({@code /3_1.2/0/9} → {@code /3/0/9}); the versions are kept per object.
 */
record Lwm2mProfile(Map<String, String> keyNames, Set<String> attributes, Set<String> telemetry, Set<String> observe,
                    Map<String, JsonNode> attributeLwm2m, String observeStrategy, Map<Integer, String> versions) {

    static final Lwm2mProfile EMPTY = new Lwm2mProfile(Map.of(), Set.of(), Set.of(), Set.of(), Map.of(), "SINGLE", Map.of());

    static Lwm2mProfile parse(String transportConfigurationJson) {
        if (transportConfigurationJson == null || transportConfigurationJson.isBlank()) {
            return EMPTY;
        }
        JsonNode tc = Json.parse(transportConfigurationJson);
        JsonNode oa = tc.path("observeAttr");
        if (!oa.isObject()) {
            return EMPTY;
        }
        Map<Integer, String> versions = new LinkedHashMap<>();
        Map<String, String> keyNames = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : oa.path("keyName").properties()) {
            keyNames.put(strip(e.getKey(), versions), e.getValue().asString(""));
        }
        Map<String, JsonNode> attrs = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : oa.path("attributeLwm2m").properties()) {
            attrs.put(strip(e.getKey(), versions), e.getValue());
        }
        return new Lwm2mProfile(keyNames, set(oa.path("attribute"), versions), set(oa.path("telemetry"), versions),
                set(oa.path("observe"), versions), attrs, oa.path("observeStrategy").asString("SINGLE"), versions);
    }

    private static Set<String> set(JsonNode array, Map<Integer, String> versions) {
        Set<String> s = new LinkedHashSet<>();
        for (JsonNode p : array) {
            s.add(strip(p.asString(""), versions));
        }
        return s;
    }

    /** {@code /3_1.2/0/9} → {@code /3/0/9}, remembering that object 3 is used in version 1.2. */
    static String strip(String path, Map<Integer, String> versions) {
        String[] parts = path.startsWith("/") ? path.substring(1).split("/") : path.split("/");
        String first = parts[0];
        int us = first.indexOf('_');
        if (us > 0) {
            if (versions != null) {
                versions.put(Integer.parseInt(first.substring(0, us)), first.substring(us + 1));
            }
            parts[0] = first.substring(0, us);
        }
        return "/" + String.join("/", parts);
    }

    /** The key name a resource's value is stored under, or null when the profile does not map it. */
    String keyOf(String path) {
        return keyNames.get(path);
    }

    /** The path mapped to a key name, or null. */
    String pathOf(String key) {
        for (Map.Entry<String, String> e : keyNames.entrySet()) {
            if (e.getValue().equals(key)) {
                return e.getKey();
            }
        }
        return null;
    }
}
