package io.mote.transport.dtls;

import java.util.HexFormat;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/**
 * Reads a device's pre-shared key from its credentials. PSK devices use the {@code LWM2M_CREDENTIALS}
 * type in mode PSK, the same record for CoAP and LwM2M:
 * {@code {"client":{"securityConfigClientMode":"PSK","endpoint":"..","identity":"..","key":"<hex>"}}}; the
 * credentials id is the identity.
 */
public final class PskCredentials {

    private PskCredentials() {
    }

    /** The key bytes when the credentials value is a PSK client record, else empty. */
    public static Optional<byte[]> key(String credentialsValue) {
        if (credentialsValue == null || credentialsValue.isBlank()) {
            return Optional.empty();
        }
        try {
            JsonNode client = Json.parse(credentialsValue).path("client");
            if (!"PSK".equals(client.path("securityConfigClientMode").asString(""))) {
                return Optional.empty();
            }
            String key = client.path("key").asString("");
            return key.isEmpty() ? Optional.empty() : Optional.of(HexFormat.of().parseHex(key));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
