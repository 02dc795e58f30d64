package io.mote.server.it;

import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import io.mote.transport.dtls.DtlsServerCredentials;

/** A tiny certificate authority for the tests: the shared server trusts it for LwM2M X.509 clients. */
public final class TestCa {

    private static final KeyPair KEYS;
    private static final X509Certificate CERT;

    static {
        try {
            KEYS = DtlsServerCredentials.generateEcKeyPair();
            CERT = build(new X500Name("CN=Mote Test CA"), KEYS, new X500Name("CN=Mote Test CA"), KEYS, true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private TestCa() {
    }

    /** Writes the CA certificate as PEM into {@code dir}; returns its path. */
    static Path write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("lwm2m-test-ca.pem");
        try {
            Files.writeString(file, "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(CERT.getEncoded())
                    + "\n-----END CERTIFICATE-----\n", StandardCharsets.US_ASCII);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
        return file;
    }

    /** A certificate with subject CN={@code cn} for {@code keys}, signed by this CA. */
    public static X509Certificate issue(String cn, KeyPair keys) throws GeneralSecurityException {
        return build(new X500Name("CN=" + cn), keys, new X500Name("CN=Mote Test CA"), KEYS, false);
    }

    /** A certificate authority of its own (fresh keys), for tests whose CA must be theirs alone. */
    public static Authority newAuthority(String cn) throws GeneralSecurityException {
        KeyPair keys = DtlsServerCredentials.generateEcKeyPair();
        X500Name name = new X500Name("CN=" + cn);
        return new Authority(name, keys, build(name, keys, name, keys, true));
    }

    /** A CA: its certificate, and certificates it issues. */
    public record Authority(X500Name name, KeyPair keys, X509Certificate cert) {

        /** A device certificate with subject CN={@code cn} for {@code subjectKeys}, signed by this CA. */
        public X509Certificate issue(String cn, KeyPair subjectKeys) throws GeneralSecurityException {
            return build(new X500Name("CN=" + cn), subjectKeys, name, keys, false);
        }

        /** An intermediate CA signed by this one. */
        public Authority intermediate(String cn) throws GeneralSecurityException {
            KeyPair k = DtlsServerCredentials.generateEcKeyPair();
            X500Name n = new X500Name("CN=" + cn);
            return new Authority(n, k, build(n, k, name, keys, true));
        }

        public String pem() {
            try {
                return pemOf(cert.getEncoded());
            } catch (java.security.cert.CertificateEncodingException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** A certificate (DER) as PEM. */
    public static String pemOf(byte[] der) {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END CERTIFICATE-----\n";
    }

    private static X509Certificate build(X500Name subject, KeyPair subjectKeys, X500Name issuer, KeyPair issuerKeys,
                                         boolean ca) throws GeneralSecurityException {
        try {
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, new SecureRandom()),
                    Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject,
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            b.addExtension(Extension.keyUsage, true, ca ? new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign)
                    : new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException | org.bouncycastle.cert.CertIOException e) {
            throw new GeneralSecurityException(e);
        }
    }
}
