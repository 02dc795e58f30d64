package io.mote.transport.mqtt;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import io.mote.transport.dtls.DtlsServerCredentials;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.JdkSslContext;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the TLS listener's context: the configured PEM files or PKCS#12 store, else a self-signed
 * certificate generated once under the data directory. Client certificates are requested, not required,
 * so devices using an access token or MQTT basic credentials connect over TLS too.
 */
final class TlsContexts {

    private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

    private TlsContexts() {
    }

    static SslContext server(MqttTransportProperties.Ssl ssl, Path dataDir) throws IOException, GeneralSecurityException {
        TrustManagerFactory tmf = trustManagers(ssl.trustCerts());
        KeyManagerFactory kmf;
        if (!ssl.keyStore().isBlank()) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            char[] storePw = ssl.keyStorePassword().toCharArray();
            try (InputStream in = Files.newInputStream(Path.of(ssl.keyStore()))) {
                ks.load(in, storePw);
            }
            kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, ssl.keyPassword().isEmpty() ? storePw : ssl.keyPassword().toCharArray());
        } else if (!ssl.certFile().isBlank() && !ssl.keyFile().isBlank()) {
            if (!ssl.keyPassword().isEmpty()) {
                // An encrypted key: Netty's reader decrypts it (with BouncyCastle).
                return SslContextBuilder.forServer(Path.of(ssl.certFile()).toFile(), Path.of(ssl.keyFile()).toFile(),
                        ssl.keyPassword()).trustManager(tmf).sslProvider(SslProvider.JDK).clientAuth(ClientAuth.OPTIONAL).build();
            }
            kmf = keyManagers(DtlsServerCredentials.fromPem(Path.of(ssl.certFile()), Path.of(ssl.keyFile())));
        } else {
            Path dir = dataDir.resolve("tls");
            Path cert = dir.resolve("mqtt-server.crt");
            Path key = dir.resolve("mqtt-server.key");
            if (!Files.exists(cert) || !Files.exists(key)) {
                generateSelfSigned(dir, cert, key);
            }
            kmf = keyManagers(DtlsServerCredentials.fromPem(cert, key));
        }
        // The JDK's context, wrapped: Netty's own server context and PEM reader would first set up the whole
        // BouncyCastle provider, a second of a start on two cores.
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return new JdkSslContext(context, false, null, IdentityCipherSuiteFilter.INSTANCE,
                ApplicationProtocolConfig.DISABLED, ClientAuth.OPTIONAL, null, false);
    }

    private static KeyManagerFactory keyManagers(DtlsServerCredentials c) throws IOException, GeneralSecurityException {
        char[] pw = new char[0];
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("mqtt-server", c.privateKey(), pw, c.chain().toArray(X509Certificate[]::new));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, pw);
        return kmf;
    }

    /** Any client certificate (the device is found by its hash), or those chaining to the PEM file's CAs. */
    private static TrustManagerFactory trustManagers(String trustCerts) throws IOException, GeneralSecurityException {
        if (trustCerts.isBlank()) {
            return InsecureTrustManagerFactory.INSTANCE;
        }
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(trustCerts))) {
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ks.setCertificateEntry("ca-" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        return tmf;
    }

    /** A self-signed EC P-256 certificate for localhost, valid ten years, as PEM files. */
    private static void generateSelfSigned(Path dir, Path certFile, Path keyFile) throws IOException, GeneralSecurityException {
        Files.createDirectories(dir);
        KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
        gen.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = gen.generateKeyPair();
        X500Name name = new X500Name("CN=Mote MQTT server");
        Instant now = Instant.now();
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(3650))), name, pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
        X509Certificate cert;
        try {
            cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        } catch (OperatorCreationException e) {
            throw new GeneralSecurityException(e);
        }
        Files.writeString(keyFile, pem("PRIVATE KEY", pair.getPrivate().getEncoded()), StandardCharsets.US_ASCII);
        try {
            Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system
        }
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()), StandardCharsets.US_ASCII);
        log.info("Generated a self-signed MQTT TLS certificate in {}", dir.toAbsolutePath());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }
}
