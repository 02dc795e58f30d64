package io.mote.transport.lwm2m.rpc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.eclipse.leshan.core.node.LwM2mPath;
import tools.jackson.databind.JsonNode;

/**
 * Resolves what a command addresses: {@code id} ({@code /3/0/9}, {@code 3/0/9} or {@code /3_1.2/0/9}) or a
 * profile {@code key}; {@code ids} / {@code keys} for composite commands. A path whose object the client
 * does not have, or names another version than the client's, is refused.
 */
public final class Paths {

    private final Lwm2mDevice device;

    public Paths(Lwm2mDevice device) {
        this.device = device;
    }

    /** {@code /3_1.2/0/9} → {@code /3/0/9}, remembering in {@code versions} that object 3 is named in version 1.2. */
    public static String strip(String path, Map<Integer, String> versions) {
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

    /** The single path of {@code id} or {@code key}. */
    String target(JsonNode params) {
        JsonNode id = params.get("id");
        if (id != null && id.isString() && !id.asString().isBlank()) {
            return checked(id.asString());
        }
        JsonNode key = params.get("key");
        if (key != null && key.isString()) {
            return ofKey(key.asString());
        }
        throw Refused.badRequest("params.id or params.key is required");
    }

    String ofKey(String key) {
        String path = device.pathOfKey(key);
        if (path == null) {
            throw Refused.badRequest("Key '" + key + "' is not mapped to a resource in the device profile");
        }
        return path;
    }

    /** The paths of {@code ids} and {@code keys}, none of which may contain another. */
    List<String> targets(JsonNode params) {
        List<String> paths = new ArrayList<>();
        params.path("ids").forEach(i -> paths.add(checked(i.asString(""))));
        params.path("keys").forEach(k -> paths.add(ofKey(k.asString(""))));
        if (paths.isEmpty()) {
            throw Refused.badRequest("params.ids or params.keys is required");
        }
        disjoint(paths);
        return paths;
    }

    static void disjoint(List<String> paths) {
        for (int i = 0; i < paths.size(); i++) {
            for (int j = 0; j < paths.size(); j++) {
                if (i != j && (paths.get(j) + "/").startsWith(paths.get(i) + "/")) {
                    throw Refused.badRequest("Paths " + paths.get(i) + " and " + paths.get(j) + " overlap");
                }
            }
        }
    }

    /**
     * The optional {@code contentFormat} ({@code TLV}, {@code JSON}, {@code SENML_JSON}, {@code SENML_CBOR},
     * {@code CBOR}, {@code TEXT}, {@code OPAQUE}, or the numeric code) a Read, Observe or Write uses; null lets
     * the server choose.
     */
    static org.eclipse.leshan.core.request.ContentFormat format(JsonNode params) {
        JsonNode f = params.get("contentFormat");
        if (f == null || f.isNull()) {
            return null;
        }
        String name = f.asString("").trim();
        org.eclipse.leshan.core.request.ContentFormat cf = f.isNumber()
                ? org.eclipse.leshan.core.request.ContentFormat.fromCode(f.asInt())
                : org.eclipse.leshan.core.request.ContentFormat.fromName(name);
        if (cf == null || cf == org.eclipse.leshan.core.request.ContentFormat.LINK) {
            throw Refused.badRequest("Unknown contentFormat '" + f.asString(f.toString())
                    + "'; use TLV, JSON, SENML_JSON, SENML_CBOR, CBOR, TEXT or OPAQUE");
        }
        return cf;
    }

    /** A path or a key ({@code WriteComposite}'s nodes may use either). */
    String pathOrKey(String s) {
        return s.contains("/") ? checked(s) : ofKey(s);
    }

    /** Strips and checks the object version against the client's, and checks the client has the object. */
    String checked(String raw) {
        String withSlash = raw.startsWith("/") ? raw : "/" + raw;
        Map<Integer, String> versions = new LinkedHashMap<>();
        String path;
        try {
            path = strip(withSlash, versions);
            new LwM2mPath(path);
        } catch (RuntimeException e) {
            throw Refused.badRequest("'" + raw + "' is not an LwM2M path like /3/0/9 or /3_1.2/0/9");
        }
        LwM2mPath lp = new LwM2mPath(path);
        if (lp.isRoot()) {
            throw Refused.badRequest("'" + raw + "' names no object");
        }
        int objectId = lp.getObjectId();
        if (objectId == 0) {
            // The TS keeps the Security object from LwM2M servers: only the bootstrap server may touch it.
            throw Refused.badRequest("The Security object (/0) is accessible to the bootstrap server only, not " + raw);
        }
        var supported = device.registration().getSupportedVersion(objectId);
        if (supported == null) {
            throw new Refused("NOT_FOUND", "Object " + objectId + " is not supported by the client");
        }
        String wanted = versions.get(objectId);
        if (wanted != null && !wanted.equals(supported.toString())) {
            throw Refused.badRequest("Object " + objectId + " version " + wanted
                    + " does not match the client's version " + supported);
        }
        return path;
    }
}
