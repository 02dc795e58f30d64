package io.mote.transport.coap;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import org.eclipse.californium.core.CoapServer;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.core.network.Endpoint;
import org.eclipse.californium.core.network.serialization.UdpDataSerializer;
import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.CheckedUdpDataParser;
import io.mote.transport.dtls.DeviceCertificateVerifier;
import io.mote.transport.dtls.DevicePskStore;
import io.mote.transport.dtls.DtlsServerCredentials;

/**
 * The CoAP server: plain CoAP and CoAP over DTLS (X.509 client certificates and PSK). Californium is
 * configured in code, so no properties file is written.
 */
public class CoapTransportServer {

    private static final Logger log = LoggerFactory.getLogger(CoapTransportServer.class);

    /** The cipher suites offered over DTLS. */
    public static final List<CipherSuite> CIPHER_SUITES = List.of(
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_PSK_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256);

    private final TransportService transport;
    private final CoapTransportSettings settings;
    private final Supplier<DtlsServerCredentials> credentials;
    private CoapServer server;
    private CoapDeviceApi api;
    private ScheduledExecutorService timer;
    private CoapEndpoint plain;
    private CoapEndpoint secure;

    public CoapTransportServer(TransportService transport, CoapTransportSettings settings,
                               Supplier<DtlsServerCredentials> credentials) {
        this.transport = transport;
        this.settings = settings;
        this.credentials = credentials;
    }

    /** Californium settings for the server side, built in code. */
    public static Configuration configuration(CoapTransportSettings settings) {
        Configuration c = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
        c.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, settings.maxPayloadSize());
        c.set(CoapConfig.ACK_TIMEOUT, settings.ackTimeoutMs(), TimeUnit.MILLISECONDS);
        c.set(CoapConfig.MAX_RETRANSMIT, settings.maxRetransmit());
        c.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        c.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
        c.set(CoapConfig.NOTIFICATION_CHECK_INTERVAL_COUNT, 20);
        c.set(CoapConfig.NOTIFICATION_CHECK_INTERVAL_TIME, 60, TimeUnit.SECONDS);
        c.set(CoapConfig.EXCHANGE_LIFETIME, 60, TimeUnit.SECONDS);
        // Duplicate detection keeps each answered exchange for the exchange lifetime; kept for every
        // request, that is about 2 KB times a minute of traffic (hundreds of MB at a few thousand
        // requests/s). A device retransmits only its latest requests (NSTART 1), so the last 64 of each
        // peer are enough and bound the memory by peer.
        c.set(CoapConfig.DEDUPLICATOR, CoapConfig.DEDUPLICATOR_PEERS_MARK_AND_SWEEP);
        c.set(CoapConfig.PEERS_MARK_AND_SWEEP_MESSAGES, 64);
        c.set(UdpConfig.UDP_RECEIVE_BUFFER_SIZE, 4 * 1024 * 1024);
        c.set(UdpConfig.UDP_SEND_BUFFER_SIZE, 4 * 1024 * 1024);
        c.set(DtlsConfig.DTLS_ROLE, DtlsRole.SERVER_ONLY);
        c.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.WANTED);
        c.set(DtlsConfig.DTLS_CIPHER_SUITES, CIPHER_SUITES);
        c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
        c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, 6);
        return c;
    }

    public synchronized void start() {
        Configuration config = configuration(settings);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "coap-power");
            t.setDaemon(true);
            return t;
        });
        api = new CoapDeviceApi(transport, settings, timer);
        server = new CoapServer(config);
        server.add(api.root());
        plain = new CoapEndpoint.Builder().setConfiguration(config).setInetSocketAddress(address(settings.port()))
                .setDataSerializerAndParser(new UdpDataSerializer(), new CheckedUdpDataParser()).build();
        server.addEndpoint(plain);
        if (settings.dtlsEnabled()) {
            DtlsServerCredentials creds = credentials.get();
            DtlsConnectorConfig dtls = DtlsConnectorConfig.builder(config)
                    .setAddress(address(settings.dtlsPort()))
                    .setAdvancedPskStore(new DevicePskStore(transport))
                    .setCertificateIdentityProvider(new SingleCertificateProvider(creds.privateKey(),
                            creds.chain().toArray(new java.security.cert.Certificate[0]), CertificateType.X_509))
                    .setAdvancedCertificateVerifier(new DeviceCertificateVerifier(transport))
                    .build();
            secure = new CoapEndpoint.Builder().setConfiguration(config).setConnector(new DTLSConnector(dtls))
                    .setDataSerializerAndParser(new UdpDataSerializer(), new CheckedUdpDataParser()).build();
            server.addEndpoint(secure);
        }
        server.start();
        log.info("CoAP device API on UDP port {}{}", port(), secure != null ? ", CoAP over DTLS on port " + dtlsPort() : "");
    }

    private InetSocketAddress address(int port) {
        String host = settings.bindAddress();
        return host == null || host.isBlank() ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    /**
     * Stops taking requests (new ones get 5.03 with a Max-Age), lets those handed to the core be stored
     * and answered, then closes the endpoints; the core stops after this.
     */
    public synchronized void stop() {
        if (server != null) {
            if (!api.drain(10_000)) {
                log.warn("CoAP transport stopping with requests still unanswered after 10 s");
            }
            api.closeAll();
            server.stop();
            server.destroy();
            timer.shutdownNow();
            server = null;
        }
    }

    /** The bound CoAP port. */
    public int port() {
        return bound(plain);
    }

    /** The bound DTLS port, or -1 when DTLS is off. */
    public int dtlsPort() {
        return secure == null ? -1 : bound(secure);
    }

    /** Live observations (attributes and RPC). */
    public int observationCount() {
        return api == null ? 0 : api.observationCount();
    }

    /** Devices the transport currently remembers (those with observations, and those heard from recently). */
    public int deviceStateCount() {
        return api == null ? 0 : api.deviceStateCount();
    }

    private static int bound(Endpoint e) {
        return e == null ? -1 : e.getAddress().getPort();
    }
}
