package io.mote.transport.mqtt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.time.Duration;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;

import io.mote.transport.dtls.DtlsServerCredentials;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The MQTT TLS listener presents the key material it was given, in each PEM form, and the generated pair. */
class TlsContextsTest {

    @TempDir
    Path dir;

    @Test
    void configuredPkcs8EcKeyAndRsaTraditionalKeyAreServed() throws Exception {
        KeyPair ec = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate ecCert = DtlsServerCredentials.selfSigned(ec, "ec-server", Duration.ofDays(1));
        // PKCS#8 "PRIVATE KEY", as openssl genpkey writes it
        Path ecKey = dir.resolve("ec.key");
        Files.writeString(ecKey, "-----BEGIN PRIVATE KEY-----\n"
                + java.util.Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(ec.getPrivate().getEncoded())
                + "\n-----END PRIVATE KEY-----\n", StandardCharsets.US_ASCII);
        assertThat(handshake(contextFor(write("ec.crt", ecCert), ecKey))).isEqualTo(ecCert);

        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        KeyPair rsa = g.generateKeyPair();
        X509Certificate rsaCert = selfSignedRsa(rsa);
        // the traditional "RSA PRIVATE KEY" (PKCS#1) form of older tools
        Path rsaKey = write("rsa.key", rsa);
        assertThat(Files.readString(rsaKey)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(handshake(contextFor(write("rsa.crt", rsaCert), rsaKey))).isEqualTo(rsaCert);
    }

    @Test
    void generatedPairIsKeptAndServedAgain() throws Exception {
        MqttTransportProperties.Ssl none = new MqttTransportProperties.Ssl(true, "", "", "", "", "", "");
        X509Certificate first = handshake(TlsContexts.server(none, dir));
        assertThat(handshake(TlsContexts.server(none, dir))).isEqualTo(first);
        assertThat(Files.exists(dir.resolve("tls/mqtt-server.key"))).isTrue();
    }

    @Test
    void clientCertificateIsAskedForAndCheckedAgainstTheConfiguredCas() throws Exception {
        KeyPair device = DtlsServerCredentials.generateEcKeyPair();
        X509Certificate deviceCert = DtlsServerCredentials.selfSigned(device, "device-1", Duration.ofDays(1));
        SslContext client = SslContextBuilder.forClient().keyManager(device.getPrivate(), deviceCert)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        SSLEngine[] engines = new SSLEngine[2];
        // No CAs configured: any client certificate is taken (the device is then found by its hash).
        handshake(TlsContexts.server(new MqttTransportProperties.Ssl(true, "", "", "", "", "", ""), dir), client, engines);
        assertThat(engines[1].getSession().getPeerCertificates()[0]).isEqualTo(deviceCert);
        // The device's certificate as the one CA: taken; one chaining to none of them is not taken (the server
        // names its CAs, so the client sends none and the connection goes on without one, as OPTIONAL means).
        MqttTransportProperties.Ssl withCa = new MqttTransportProperties.Ssl(true, "", "", "", "", "",
                write("ca.pem", deviceCert).toString());
        handshake(TlsContexts.server(withCa, dir), client, engines);
        assertThat(engines[1].getSession().getPeerCertificates()[0]).isEqualTo(deviceCert);
        KeyPair other = DtlsServerCredentials.generateEcKeyPair();
        SslContext stranger = SslContextBuilder.forClient()
                .keyManager(other.getPrivate(), DtlsServerCredentials.selfSigned(other, "stranger", Duration.ofDays(1)))
                .trustManager(InsecureTrustManagerFactory.INSTANCE).build();
        handshake(TlsContexts.server(withCa, dir), stranger, engines);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> engines[1].getSession().getPeerCertificates())
                .isInstanceOf(javax.net.ssl.SSLPeerUnverifiedException.class);
    }

    private SslContext contextFor(Path cert, Path key) throws Exception {
        return TlsContexts.server(new MqttTransportProperties.Ssl(true, cert.toString(), key.toString(), "", "", "", ""), dir);
    }

    private static X509Certificate selfSignedRsa(KeyPair pair) throws Exception {
        org.bouncycastle.asn1.x500.X500Name name = new org.bouncycastle.asn1.x500.X500Name("CN=rsa-server");
        java.util.Date now = new java.util.Date();
        var b = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(name, java.math.BigInteger.ONE, now,
                new java.util.Date(now.getTime() + 86_400_000L), name, pair.getPublic());
        return new org.bouncycastle.cert.jcajce.JcaX509CertificateConverter().getCertificate(
                b.build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
    }

    private Path write(String name, Object pemObject) throws Exception {
        Path p = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(p); JcaPEMWriter pem = new JcaPEMWriter(w)) {
            pem.writeObject(pemObject);
        }
        return p;
    }

    /** An in-memory TLS handshake against the server context; returns the certificate the server presented. */
    private static X509Certificate handshake(SslContext server) throws Exception {
        return handshake(server, SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build(),
                new SSLEngine[2]);
    }

    /** {@code engines} receives the client's and the server's engine. */
    private static X509Certificate handshake(SslContext server, SslContext client, SSLEngine[] engines) throws Exception {
        SSLEngine s = server.newEngine(ByteBufAllocator.DEFAULT);
        SSLEngine c = client.newEngine(ByteBufAllocator.DEFAULT, "localhost", 8883);
        engines[0] = c;
        engines[1] = s;
        c.beginHandshake();
        s.beginHandshake();
        ByteBuffer toServer = ByteBuffer.allocate(1 << 17);
        ByteBuffer toClient = ByteBuffer.allocate(1 << 17);
        ByteBuffer app = ByteBuffer.allocate(1 << 17);
        for (int i = 0; i < 100 && !(done(c) && done(s)); i++) {
            step(c, toClient, toServer, app);
            step(s, toServer, toClient, app);
        }
        assertThat(done(c) && done(s)).as("handshake finished").isTrue();
        return (X509Certificate) c.getSession().getPeerCertificates()[0];
    }

    private static boolean done(SSLEngine e) {
        HandshakeStatus h = e.getHandshakeStatus();
        return h == HandshakeStatus.NOT_HANDSHAKING || h == HandshakeStatus.FINISHED;
    }

    /** Runs delegated tasks, reads what the peer sent, writes what this side has to send. */
    private static void step(SSLEngine e, ByteBuffer in, ByteBuffer out, ByteBuffer app) throws Exception {
        for (Runnable t; (t = e.getDelegatedTask()) != null; ) {
            t.run();
        }
        in.flip();
        while (in.hasRemaining() && e.getHandshakeStatus() == HandshakeStatus.NEED_UNWRAP) {
            app.clear();
            e.unwrap(in, app);
            for (Runnable t; (t = e.getDelegatedTask()) != null; ) {
                t.run();
            }
        }
        in.compact();
        while (e.getHandshakeStatus() == HandshakeStatus.NEED_WRAP) {
            e.wrap(ByteBuffer.allocate(0), out);
        }
    }
}
