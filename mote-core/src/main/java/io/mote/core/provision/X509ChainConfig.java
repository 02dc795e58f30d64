package io.mote.core.provision;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateEncodingException;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collection;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

import io.mote.common.entity.CredentialIds;
import io.mote.common.error.MoteException;

/**
 * A profile's {@code X509_CERTIFICATE_CHAIN} provisioning configuration, as ThingsBoard stores it: the CA
 * certificate (PEM) in {@code provisionDeviceSecret} (ThingsBoard's UI also sends it as
 * {@code certificateValue}), {@code certificateRegExPattern} whose first group is the device name taken from
 * a certificate's CN, and {@code allowCreateNewDevicesByX509Certificate}. The profile's provision device key
 * is derived from the CA certificate, so a device's presented chain finds its profile by an indexed look-up.
 */
public record X509ChainConfig(X509Certificate ca, Pattern namePattern, boolean allowCreate) {

    public static final String CERTIFICATE = "provisionDeviceSecret";
    public static final String CERTIFICATE_VALUE = "certificateValue";
    public static final String PATTERN = "certificateRegExPattern";
    public static final String ALLOW_CREATE = "allowCreateNewDevicesByX509Certificate";

    /**
     * Checks a provisionConfiguration being saved and normalizes it in place: the certificate as one PEM
     * block in both certificate fields. Answers the provision device key to store.
     */
    public static String validate(ObjectNode prov) {
        JsonNode pem = prov.hasNonNull(CERTIFICATE) ? prov.get(CERTIFICATE) : prov.get(CERTIFICATE_VALUE);
        if (pem == null || pem.isNull() || !pem.isString() || pem.asString().isBlank()) {
            throw MoteException.invalid("Device profile X.509 CA certificate (provisionDeviceSecret) should be specified!");
        }
        X509Certificate ca = parseFirst(pem.asString());
        if (isWellKnownRoot(ca)) {
            throw MoteException.invalid("Device profile certificate cannot be well known root CA!");
        }
        JsonNode regex = prov.get(PATTERN);
        if (regex == null || !regex.isString() || regex.asString().isEmpty()) {
            throw MoteException.invalid("certificateRegExPattern should be specified!");
        }
        Pattern p = compile(regex.asString());
        JsonNode allow = prov.get(ALLOW_CREATE);
        if (allow != null && !allow.isNull() && !allow.isBoolean()) {
            throw MoteException.invalid(ALLOW_CREATE + " must be a boolean");
        }
        String normalized = pem(der(ca));
        prov.put(CERTIFICATE, normalized);
        prov.put(CERTIFICATE_VALUE, normalized);
        prov.put(PATTERN, p.pattern());
        prov.put(ALLOW_CREATE, allow != null && allow.asBoolean(false));
        return CredentialIds.x509(der(ca));
    }

    /** A stored (so validated) configuration. */
    public static X509ChainConfig of(JsonNode prov) {
        X509Certificate ca = parseFirst(prov.path(CERTIFICATE).asString(""));
        return new X509ChainConfig(ca, compile(prov.path(PATTERN).asString("")), prov.path(ALLOW_CREATE).asBoolean(false));
    }

    /** The device name the pattern's first group finds in a certificate's CN; null when it finds none. */
    public String deviceName(String commonName) {
        if (commonName == null) {
            return null;
        }
        Matcher m = namePattern.matcher(commonName);
        if (!m.find()) {
            return null;
        }
        String name = m.group(1);
        return name == null || name.isBlank() ? null : name.trim();
    }

    public byte[] caDer() {
        return der(ca);
    }

    private static Pattern compile(String regex) {
        Pattern p;
        try {
            p = Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw MoteException.invalid("certificateRegExPattern is not a valid regular expression: "
                    + e.getDescription());
        }
        if (p.matcher("").groupCount() < 1) {
            // The device name is the first group, as in ThingsBoard: "(.*)" takes the whole CN.
            throw MoteException.invalid("certificateRegExPattern must have a capturing group for the device name, e.g. (.*)");
        }
        return p;
    }

    /** The first certificate of a PEM text (a chain's first certificate is the one that counts). */
    private static X509Certificate parseFirst(String pem) {
        try {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(pem.trim().getBytes(StandardCharsets.US_ASCII)));
            if (!certs.isEmpty() && certs.iterator().next() instanceof X509Certificate c) {
                return c;
            }
        } catch (CertificateException e) {
            // answered below
        }
        throw MoteException.invalid("Device profile X.509 CA certificate is not a valid PEM certificate");
    }

    private static byte[] der(X509Certificate c) {
        try {
            return c.getEncoded();
        } catch (CertificateEncodingException e) {
            throw MoteException.invalid("Device profile X.509 CA certificate is not a valid PEM certificate");
        }
    }

    /** A root every JDK trusts would let anyone with a public certificate in: ThingsBoard refuses it too. */
    private static boolean isWellKnownRoot(X509Certificate ca) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            byte[] der = der(ca);
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    for (X509Certificate root : x.getAcceptedIssuers()) {
                        if (Arrays.equals(root.getEncoded(), der)) {
                            return true;
                        }
                    }
                }
            }
        } catch (GeneralSecurityException e) {
            return false;
        }
        return false;
    }

    static String pem(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n"
                + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }
}
