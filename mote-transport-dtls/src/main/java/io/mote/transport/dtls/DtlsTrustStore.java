package io.mote.transport.dtls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;

import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMParser;

/**
 * CA certificates that client certificates may chain to: a PEM file of one or more certificates, or a
 * PKCS#12 (or JKS) key store whose certificate entries are read. An empty location means no CA is trusted.
 */
public final class DtlsTrustStore {

    private DtlsTrustStore() {
    }

    public static List<X509Certificate> load(String file, String password) {
        if (file == null || file.isBlank()) {
            return List.of();
        }
        Path path = Path.of(file);
        try {
            String name = path.getFileName().toString().toLowerCase();
            if (name.endsWith(".p12") || name.endsWith(".pfx") || name.endsWith(".jks")) {
                return fromKeyStore(path, password, name.endsWith(".jks") ? "JKS" : "PKCS12");
            }
            return fromPem(path);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("DTLS trust store could not be loaded: " + e.getMessage(), e);
        }
    }

    private static List<X509Certificate> fromPem(Path path) throws IOException, GeneralSecurityException {
        List<X509Certificate> out = new ArrayList<>();
        JcaX509CertificateConverter conv = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(path, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    out.add(conv.getCertificate(h));
                }
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("no certificate in " + path.getFileName());
        }
        return List.copyOf(out);
    }

    private static List<X509Certificate> fromKeyStore(Path path, String password, String type)
            throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = Files.newInputStream(path)) {
            ks.load(in, password == null ? new char[0] : password.toCharArray());
        }
        List<X509Certificate> out = new ArrayList<>();
        for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
            Certificate c = ks.getCertificate(e.nextElement());
            if (c instanceof X509Certificate x) {
                out.add(x);
            }
        }
        return List.copyOf(out);
    }
}
