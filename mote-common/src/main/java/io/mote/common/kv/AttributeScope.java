package io.mote.common.kv;

import java.util.Locale;
import java.util.Optional;

/** Attribute scopes: reported by the device, pushed to the device, or private to the server. */
public enum AttributeScope {
    CLIENT_SCOPE, SHARED_SCOPE, SERVER_SCOPE;

    /** Parses a scope name as the REST API accepts it ("SHARED_SCOPE", case-insensitive). */
    public static Optional<AttributeScope> parse(String s) {
        if (s == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(s.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
