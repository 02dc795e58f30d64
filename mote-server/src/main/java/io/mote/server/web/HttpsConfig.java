package io.mote.server.web;

import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;

import org.apache.catalina.connector.Connector;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.dtls.DtlsServerCredentials;

/**
 * HTTPS for the REST API, the WebSocket and the HTTP device API: a second connector on
 * {@code mote.http.ssl.port} serving the same application. Key material as for MQTT and DTLS: PEM
 * certificate and key, or a PKCS#12 key store, or a self-signed pair generated once under
 * {@code <data-dir>/https}.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.http.ssl.enabled", havingValue = "true")
public class HttpsConfig {

    /** The HTTPS connector, for its bound port. */
    public static final class HttpsConnector {
        private final Connector connector;

        HttpsConnector(Connector connector) {
            this.connector = connector;
        }

        public int port() {
            return connector.getLocalPort();
        }
    }

    @Bean
    HttpsConnector httpsConnector(@Value("${mote.http.ssl.port:443}") int port,
                                  @Value("${mote.http.ssl.cert-file:}") String certFile,
                                  @Value("${mote.http.ssl.key-file:}") String keyFile,
                                  @Value("${mote.http.ssl.key-store-file:}") String keyStoreFile,
                                  @Value("${mote.http.ssl.key-store-password:}") String keyStorePassword,
                                  @Value("${mote.http.ssl.key-alias:}") String keyAlias,
                                  @Value("${mote.data-dir:./data}") String dataDir,
                                  @Value("${mote.http.header-timeout-ms:10000}") int headerTimeoutMs,
                                  @Value("${mote.http.idle-timeout-ms:60000}") int idleTimeoutMs,
                                  @Value("${mote.http.header-deadline-ms:20000}") long headerDeadlineMs) throws Exception {
        DtlsServerCredentials creds = DtlsServerCredentials.load(new DtlsServerCredentials.Source(certFile, keyFile,
                keyStoreFile, keyStorePassword, keyAlias, Path.of(dataDir).resolve("https"), "mote"));
        // Tomcat takes the key as an in-memory key store; its password never leaves this process.
        char[] password = java.util.UUID.randomUUID().toString().toCharArray();
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("server", creds.privateKey(), password, creds.chain().toArray(Certificate[]::new));

        Connector c = new Connector(MoteHttp11NioProtocol.class.getName());
        c.setScheme("https");
        c.setSecure(true);
        c.setPort(port);
        MoteHttp11NioProtocol p = (MoteHttp11NioProtocol) c.getProtocolHandler();
        p.setSSLEnabled(true);
        // Additional connectors get no connector customizers: the same deadlines as the plain port, here.
        p.setConnectionTimeout(headerTimeoutMs);
        p.setKeepAliveTimeout(idleTimeoutMs);
        p.setHeaderDeadlineMs(headerDeadlineMs);
        SSLHostConfig host = new SSLHostConfig();
        host.setProtocols("TLSv1.2+TLSv1.3");
        SSLHostConfigCertificate cert = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        cert.setCertificateKeystore(ks);
        cert.setCertificateKeyAlias("server");
        cert.setCertificateKeyPassword(new String(password));
        host.addCertificate(cert);
        p.addSslHostConfig(host);
        return new HttpsConnector(c);
    }

    /** Adds the HTTPS connector to the application's web server. */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> httpsConnectorCustomizer(HttpsConnector https) {
        return factory -> factory.addAdditionalConnectors(https.connector);
    }
}
