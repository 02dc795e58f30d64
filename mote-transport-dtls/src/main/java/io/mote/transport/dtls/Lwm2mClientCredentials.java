package io.mote.transport.dtls;

import java.io.ByteArrayInputStream;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.Optional;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;

/**
 * The {@code client} part of a device's {@code LWM2M_CREDENTIALS} value, as the DTLS layer and the LwM2M
 * server read it: {@code {"client":{"securityConfigClientMode":"NO_SEC|PSK|RPK|X509","endpoint":..,
 * "identity":..,"key":..,"cert":..}}}. A value that cannot be read is treated as having no client part.
 */
public record Lwm2mClientCredentials(String mode, String endpoint, String identity, String key, String cert) {

    public static final String NO_SEC = "NO_SEC";
    public static final String PSK = "PSK";
    public static final String RPK = "RPK";
    public static final String X509 = "X509";

    public static Lwm2mClientCredentials of(String credentialsValue) {
        if (credentialsValue == null || credentialsValue.isBlank()) {
            return new Lwm2mClientCredentials(NO_SEC, null, null, null, null);
        }
        try {
            JsonNode c = Json.parse(credentialsValue).path("client");
            return new Lwm2mClientCredentials(text(c, "securityConfigClientMode", NO_SEC), text(c, "endpoint", null),
                    text(c, "identity", null), text(c, "key", null), text(c, "cert", null));
        } catch (RuntimeException e) {
            return new Lwm2mClientCredentials("", null, null, null, null);
        }
    }

    private static String text(JsonNode n, String field, String dflt) {
        String v = n.path(field).asString("");
        return v.isEmpty() ? dflt : v;
    }

    /** The RPK mode's public key (base64 SubjectPublicKeyInfo), if it parses. */
    public Optional<PublicKey> publicKey() {
        if (key == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(KeyFactory.getInstance("EC").generatePublic(
                    new X509EncodedKeySpec(Base64.getDecoder().decode(key.replaceAll("\\s", "")))));
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    /** The X509 mode's pinned certificate (PEM or base64 DER), if one is given and parses. */
    public Optional<X509Certificate> certificate() {
        return cert == null ? Optional.empty() : parseCertificate(cert);
    }

    public static Optional<X509Certificate> parseCertificate(String text) {
        try {
            String body = text.replaceAll("-----(BEGIN|END) CERTIFICATE-----", "").replaceAll("\\s", "");
            return Optional.of((X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(Base64.getDecoder().decode(body))));
        } catch (Exception e) {
            return Optional.empty();
        }
    }
}
