package io.mote.core.device;

import java.security.KeyFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Set;
import java.util.regex.Pattern;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

import tools.jackson.databind.JsonNode;

import io.mote.common.error.MoteException;

/**
 * LWM2M_CREDENTIALS: the client's own security ({@code client}) and the accounts a bootstrap server
 * writes to it ({@code bootstrap.bootstrapServer}, {@code bootstrap.lwm2mServer}). Every key is parsed
 * here, when the credentials are saved, so a device never fails later on material that could not work;
 * messages name the field.
 */
final class Lwm2mCredentialsValidator {

    private static final Pattern PSK_HEX = Pattern.compile("^[0-9a-fA-F]{32}$|^[0-9a-fA-F]{64}$|^[0-9a-fA-F]{128}$");
    private static final Set<String> MODES = Set.of("NO_SEC", "PSK", "RPK", "X509");

    private Lwm2mCredentialsValidator() {
    }

    /** Checks the whole value and returns the credentials id: the PSK identity, else the endpoint. */
    static String credentialsId(JsonNode value) {
        JsonNode client = value.get("client");
        if (client == null || !client.isObject()) {
            throw MoteException.invalid("LwM2M client credentials should be specified!");
        }
        String mode = text(client, "securityConfigClientMode");
        if (mode == null) {
            throw MoteException.invalid("LwM2M client securityConfigClientMode should be specified!");
        }
        if (!MODES.contains(mode)) {
            throw MoteException.invalid("Unsupported LwM2M client securityConfigClientMode '" + mode
                    + "'; use NO_SEC, PSK, RPK or X509");
        }
        String endpoint = text(client, "endpoint");
        String id;
        if ("PSK".equals(mode)) {
            String identity = text(client, "identity");
            if (identity == null) {
                throw MoteException.invalid("LwM2M client PSK identity should be specified!");
            }
            pskKey(text(client, "key"));
            id = identity;
        } else {
            if (endpoint == null) {
                throw MoteException.invalid("LwM2M client endpoint should be specified!");
            }
            if ("RPK".equals(mode)) {
                publicKey(text(client, "key"), "client.key");
            } else if ("X509".equals(mode) && text(client, "cert") != null) {
                X509Certificate cert = CredentialsValidator.parseCertificate(text(client, "cert"), "client.cert");
                String cn = commonName(cert);
                // The server takes an X.509 client's endpoint from its certificate's CN.
                if (!endpoint.equals(cn)) {
                    throw MoteException.invalid("client.cert: its CN '" + cn + "' must be the endpoint '" + endpoint + "'");
                }
            }
            id = endpoint;
        }
        JsonNode bootstrap = value.get("bootstrap");
        if (bootstrap != null && !bootstrap.isNull()) {
            if (!bootstrap.isObject()) {
                throw MoteException.invalid("bootstrap must be an object");
            }
            account(bootstrap.get("bootstrapServer"), "bootstrap.bootstrapServer", client, mode);
            account(bootstrap.get("lwm2mServer"), "bootstrap.lwm2mServer", client, mode);
        }
        return id;
    }

    /** One server account a bootstrap server writes: {@code securityMode}, {@code clientPublicKeyOrId}, {@code clientSecretKey}. */
    private static void account(JsonNode account, String field, JsonNode client, String clientMode) {
        if (account == null || account.isNull()) {
            return;
        }
        if (!account.isObject()) {
            throw MoteException.invalid(field + " must be an object");
        }
        String mode = text(account, "securityMode");
        if (mode == null) {
            mode = "NO_SEC";
        }
        if (!MODES.contains(mode)) {
            throw MoteException.invalid(field + ".securityMode '" + mode + "' is not one of NO_SEC, PSK, RPK, X509");
        }
        String id = text(account, "clientPublicKeyOrId");
        String secret = text(account, "clientSecretKey");
        switch (mode) {
            case "PSK" -> {
                // Left empty, the device's own PSK is used.
                boolean ownPsk = "PSK".equals(clientMode);
                if (id == null && !ownPsk) {
                    throw MoteException.invalid(field + ".clientPublicKeyOrId (the PSK identity) should be specified!");
                }
                if (secret != null || !ownPsk) {
                    try {
                        pskKey(secret);
                    } catch (MoteException e) {
                        throw MoteException.invalid(field + ".clientSecretKey: " + e.getMessage());
                    }
                }
            }
            case "RPK" -> {
                publicKey(id, field + ".clientPublicKeyOrId");
                privateKey(secret, field + ".clientSecretKey");
            }
            case "X509" -> {
                CredentialsValidator.parseCertificate(id, field + ".clientPublicKeyOrId");
                privateKey(secret, field + ".clientSecretKey");
            }
            default -> {
            }
        }
    }

    private static void pskKey(String key) {
        if (key == null || !PSK_HEX.matcher(key).matches()) {
            throw MoteException.invalid("Key must be HexDec format: 32, 64, 128 characters!");
        }
        HexFormat.of().parseHex(key);
    }

    private static void publicKey(String base64, String field) {
        if (base64 == null) {
            throw MoteException.invalid(field + " (a base64 EC public key) should be specified!");
        }
        try {
            KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(decode(base64)));
        } catch (Exception e) {
            throw MoteException.invalid(field + " must be a base64 encoded EC public key (SubjectPublicKeyInfo)!");
        }
    }

    private static void privateKey(String base64, String field) {
        if (base64 == null) {
            throw MoteException.invalid(field + " (a base64 private key) should be specified!");
        }
        byte[] der;
        try {
            der = decode(base64);
        } catch (IllegalArgumentException e) {
            throw MoteException.invalid(field + " must be a base64 encoded PKCS#8 private key!");
        }
        for (String algorithm : new String[]{"EC", "RSA"}) {
            try {
                KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
                return;
            } catch (Exception ignored) {
                // try the next algorithm
            }
        }
        throw MoteException.invalid(field + " must be a base64 encoded PKCS#8 private key!");
    }

    private static byte[] decode(String text) {
        return Base64.getDecoder().decode(text.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", ""));
    }

    private static String commonName(X509Certificate cert) {
        try {
            for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
                if ("CN".equalsIgnoreCase(rdn.getType())) {
                    return String.valueOf(rdn.getValue());
                }
            }
        } catch (InvalidNameException e) {
            // fall through: no usable CN
        }
        return null;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isString() || v.asString().isEmpty() ? null : v.asString();
    }
}
