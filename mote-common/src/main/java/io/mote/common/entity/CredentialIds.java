package io.mote.common.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How a credentials id is derived from what a device presents, so that the core (when credentials
 * are saved) and a transport (when a device connects) compute the same look-up key.
 */
public final class CredentialIds {

    private CredentialIds() {
    }

    /** An X.509 certificate's id: the SHA-256 of its DER encoding, in hex. */
    public static String x509(byte[] der) {
        return sha256Hex(der);
    }

    /**
     * An MQTT basic credential's id: from the client id, the user name, or both, as the credentials
     * name them (a null part is left out).
     */
    public static String mqttBasic(String clientId, String userName) {
        String c = clientId == null || clientId.isEmpty() ? null : clientId;
        String u = userName == null || userName.isEmpty() ? null : userName;
        String basis = c != null && u != null ? "both|" + c + "|" + u : c != null ? "client|" + c : "user|" + u;
        return sha256Hex(basis.getBytes(StandardCharsets.UTF_8));
    }

    private static String sha256Hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
