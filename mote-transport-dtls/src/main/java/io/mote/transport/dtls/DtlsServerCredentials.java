package io.mote.transport.dtls;

import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Enumeration;
import java.util.List;

import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key and certificate chain a DTLS server presents. Loaded from PEM files or a PKCS#12 key store;
 * otherwise a self-signed EC (P-256) pair is generated once and kept in a directory of the data dir.
 */
public record DtlsServerCredentials(PrivateKey privateKey, List<X509Certificate> chain) {

    private static final Logger log = LoggerFactory.getLogger(DtlsServerCredentials.class);

    /**
     * Where the server's credentials come from. The first configured source wins: PEM certificate and
     * key files, then a PKCS#12 key store, then the generated pair under {@code generatedDir}.
     */
    public record Source(String certFile, String keyFile, String keyStoreFile, String keyStorePassword,
                         String keyAlias, Path generatedDir, String commonName) {
    }

    public static DtlsServerCredentials load(Source s) {
        try {
            if (notBlank(s.certFile()) || notBlank(s.keyFile())) {
                if (!notBlank(s.certFile()) || !notBlank(s.keyFile())) {
                    throw new IllegalArgumentException("DTLS: both a certificate file and a key file are needed");
                }
                return fromPem(Path.of(s.certFile()), Path.of(s.keyFile()));
            }
            if (notBlank(s.keyStoreFile())) {
                return fromPkcs12(Path.of(s.keyStoreFile()), s.keyStorePassword(), s.keyAlias());
            }
            return generated(s.generatedDir(), s.commonName());
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("DTLS server credentials could not be loaded: " + e.getMessage(), e);
        }
    }

    public static DtlsServerCredentials fromPem(Path certFile, Path keyFile) throws IOException, java.security.cert.CertificateException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter certs = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(certFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof X509CertificateHolder h) {
                    chain.add(certs.getCertificate(h));
                }
            }
        }
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("No certificate in " + certFile.getFileName());
        }
        return new DtlsServerCredentials(readPrivateKey(keyFile), List.copyOf(chain));
    }

    private static PrivateKey readPrivateKey(Path keyFile) throws IOException {
        JcaPEMKeyConverter conv = new JcaPEMKeyConverter();
        try (Reader r = Files.newBufferedReader(keyFile, StandardCharsets.US_ASCII); PEMParser p = new PEMParser(r)) {
            for (Object o = p.readObject(); o != null; o = p.readObject()) {
                if (o instanceof PEMKeyPair kp) {
                    return conv.getPrivateKey(kp.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return conv.getPrivateKey(info);
                }
            }
        }
        throw new IllegalArgumentException("No unencrypted private key in " + keyFile.getFileName());
    }

    public static DtlsServerCredentials fromPkcs12(Path file, String password, String alias)
            throws IOException, java.security.GeneralSecurityException {
        char[] pw = password == null ? new char[0] : password.toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, pw);
        }
        String name = alias;
        if (!notBlank(name)) {
            for (Enumeration<String> e = ks.aliases(); e.hasMoreElements(); ) {
                String a = e.nextElement();
                if (ks.isKeyEntry(a)) {
                    name = a;
                    break;
                }
            }
        }
        Key key = name == null ? null : ks.getKey(name, pw);
        if (!(key instanceof PrivateKey pk)) {
            throw new IllegalArgumentException("DTLS: no private key entry in the key store");
        }
        List<X509Certificate> chain = new ArrayList<>();
        for (Certificate c : ks.getCertificateChain(name)) {
            chain.add((X509Certificate) c);
        }
        return new DtlsServerCredentials(pk, List.copyOf(chain));
    }

    /** The generated self-signed pair in {@code dir} ({@code server.crt}, {@code server.key}); created when missing. */
    public static DtlsServerCredentials generated(Path dir, String commonName) throws IOException, java.security.GeneralSecurityException {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
            return fromPem(cert, key);
        }
        Files.createDirectories(dir);
        KeyPair pair = generateEcKeyPair();
        X509Certificate c = selfSigned(pair, commonName == null ? "mote" : commonName, Duration.ofDays(3650));
        // Readable by the owner only, before the key is in it.
        Files.deleteIfExists(key);
        Files.createFile(key);
        try {
            Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        // PKCS#8 as the JDK encodes it (curve included), so it reads back on the next start.
        Files.writeString(key, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(pair.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        writePem(cert, c);
        log.info("Generated a self-signed DTLS server certificate in {}", dir);
        return new DtlsServerCredentials(pair.getPrivate(), List.of(c));
    }

    public static KeyPair generateEcKeyPair() throws java.security.GeneralSecurityException {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
        return g.generateKeyPair();
    }

    /** A self-signed certificate for {@code pair} (SHA256withECDSA). */
    public static X509Certificate selfSigned(KeyPair pair, String commonName, Duration validity)
            throws java.security.GeneralSecurityException {
        try {
            X500Name name = new X500Name("CN=" + commonName);
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(validity)), name, pair.getPublic());
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (org.bouncycastle.operator.OperatorCreationException e) {
            throw new java.security.GeneralSecurityException(e);
        }
    }

    private static void writePem(Path file, Object o) throws IOException {
        try (Writer w = Files.newBufferedWriter(file, StandardCharsets.US_ASCII); JcaPEMWriter p = new JcaPEMWriter(w)) {
            p.writeObject(o);
        }
    }

    private static boolean notBlank(String s) {
        return s != null && !s.isBlank();
    }
}
