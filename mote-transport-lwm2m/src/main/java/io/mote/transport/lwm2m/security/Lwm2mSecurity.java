package io.mote.transport.lwm2m.security;

import java.net.InetSocketAddress;
import java.security.PublicKey;
import java.time.Duration;
import java.security.cert.X509Certificate;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.eclipse.californium.elements.config.CertificateAuthenticationMode;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.CertificateType;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.leshan.core.peer.OscoreIdentity;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.coaps.CoapsBootstrapServerEndpointFactoryBuilder;
import org.eclipse.leshan.server.californium.bootstrap.endpoint.CaliforniumBootstrapServerEndpointFactory;
import org.eclipse.leshan.server.californium.endpoint.CaliforniumServerEndpointFactory;
import org.eclipse.leshan.server.californium.endpoint.coaps.CoapsServerEndpointFactoryBuilder;
import org.eclipse.leshan.server.security.BootstrapSecurityStore;
import org.eclipse.leshan.server.security.SecurityInfo;
import org.eclipse.leshan.server.security.SecurityStore;

import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.CheckedUdpDataParser;
import io.mote.transport.dtls.DevicePskStore;
import io.mote.transport.dtls.DtlsRefusals;
import io.mote.transport.dtls.DtlsServerCredentials;
import io.mote.transport.dtls.HandshakeRefusals;
import io.mote.transport.dtls.Lwm2mCertificateVerifier;

/**
 * DTLS for the LwM2M server and bootstrap server. Every DTLS endpoint gets the same set-up: the device PSK
 * store (identity → {@code LWM2M_CREDENTIALS} in PSK mode), the server's key pair and certificate (offered as
 * X.509 or as a raw public key, as the client asks), the device verifier for RPK and X.509 clients, the cipher
 * suites LwM2M clients use, Connection IDs so a client behind a NAT keeps its session when its address
 * changes, and the size and stale threshold of the connection store. Which device a secured client is, and whether its credentials allow the mode it used, is decided
 * at registration (or bootstrap request) by {@link Lwm2mPeerCheck}.
 *
 * <p>Leshan creates a DTLS endpoint only when it has a security store; ours answers nothing, since every
 * decision is taken by the stores and the check above, which read device credentials from the core.
 */
public class Lwm2mSecurity {

    private static final io.mote.common.log.RateLimitedLog log =
            new io.mote.common.log.RateLimitedLog(org.slf4j.LoggerFactory.getLogger(Lwm2mSecurity.class));

    /** PSK and ECDHE-ECDSA suites: CCM_8 (constrained clients), CBC (older stacks) and GCM (Zephyr's default). */
    public static final List<CipherSuite> CIPHER_SUITES = List.of(
            CipherSuite.TLS_PSK_WITH_AES_128_CCM_8,
            CipherSuite.TLS_PSK_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256);

    /**
     * @param credentials        the server's key and certificate chain (loaded once, on first use)
     * @param trusted            CA certificates X.509 clients without a pinned certificate must chain to
     * @param refusals           told of every refused client (reason, address, detail without secrets)
     * @param connectionIdLength length of the Connection IDs the server issues (0 = support the extension
     *                           without issuing IDs)
     * @param connectionStore    how many DTLS connections each endpoint keeps, and after how long without
     *                           traffic one may be evicted for a new handshake
     */
    public record Settings(Supplier<DtlsServerCredentials> credentials, List<X509Certificate> trusted,
                           DtlsRefusals refusals, int connectionIdLength, ConnectionStore connectionStore) {
    }

    /**
     * Scandium's connection store: {@code size} connections at most; when it is full, a new handshake may only
     * take the place of a connection idle for longer than {@code staleThreshold}, otherwise it is refused.
     * Scandium's defaults are 150,000 and 30 minutes.
     */
    public record ConnectionStore(int size, Duration staleThreshold) {
        public static final ConnectionStore DEFAULT = new ConnectionStore(150_000, Duration.ofMinutes(30));

        public ConnectionStore {
            if (size < 1) {
                throw new IllegalArgumentException("DTLS connection store size must be at least 1, not " + size);
            }
            if (staleThreshold == null || staleThreshold.toSeconds() < 1) {
                throw new IllegalArgumentException("DTLS stale connection threshold must be at least one second, not "
                        + staleThreshold);
            }
        }
    }

    private final TransportService transport;
    private final Settings settings;
    private final Lwm2mPeerCheck check;
    private volatile DtlsServerCredentials credentials;

    public Lwm2mSecurity(TransportService transport, Settings settings, long coreTimeoutMs) {
        this.transport = transport;
        this.settings = settings;
        this.check = new Lwm2mPeerCheck(transport, settings.refusals(), coreTimeoutMs);
    }

    public Lwm2mPeerCheck check() {
        return check;
    }

    public DtlsRefusals refusals() {
        return settings.refusals();
    }

    /** The server's key and certificate chain (the same for the LwM2M and the bootstrap server). */
    public DtlsServerCredentials serverCredentials() {
        DtlsServerCredentials c = credentials;
        if (c == null) {
            synchronized (this) {
                if (credentials == null) {
                    credentials = settings.credentials().get();
                }
                c = credentials;
            }
        }
        return c;
    }

    public PublicKey serverPublicKey() {
        return serverCredentials().chain().get(0).getPublicKey();
    }

    /** The Californium settings of a DTLS endpoint. */
    public Consumer<Configuration> configuration() {
        return c -> {
            c.set(DtlsConfig.DTLS_CIPHER_SUITES, CIPHER_SUITES);
            c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
            c.set(DtlsConfig.DTLS_CLIENT_AUTHENTICATION_MODE, CertificateAuthenticationMode.NEEDED);
            c.set(DtlsConfig.DTLS_CONNECTION_ID_LENGTH, settings.connectionIdLength());
            ConnectionStore store = settings.connectionStore() == null ? ConnectionStore.DEFAULT : settings.connectionStore();
            c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, store.size());
            c.set(DtlsConfig.DTLS_STALE_CONNECTION_THRESHOLD, store.staleThreshold().toSeconds(), TimeUnit.SECONDS);
        };
    }

    /** The key material and verifiers of a DTLS endpoint. */
    public Consumer<DtlsConnectorConfig.Builder> dtls() {
        return b -> {
            DtlsServerCredentials creds = serverCredentials();
            DtlsRefusals refusals = logged(settings.refusals());
            HandshakeRefusals failures = new HandshakeRefusals(refusals);
            b.setAdvancedPskStore(new DevicePskStore(transport, refusals));
            b.setCertificateIdentityProvider(new SingleCertificateProvider(creds.privateKey(),
                    creds.chain().toArray(X509Certificate[]::new), CertificateType.X_509, CertificateType.RAW_PUBLIC_KEY));
            b.setAdvancedCertificateVerifier(new Lwm2mCertificateVerifier(transport, settings.trusted(), refusals));
            b.setSessionListener(failures);
            b.setConnectionListener(failures);
        };
    }

    /** Logs each refusal (never with key material) before passing it on. */
    private static DtlsRefusals logged(DtlsRefusals next) {
        return (reason, peer, detail) -> {
            log.info("LwM2M DTLS handshake{} refused ({}): {}", peer == null ? "" : " from " + peer, reason, detail);
            next.refused(reason, peer, detail);
        };
    }

    /** The LwM2M server's DTLS endpoint on {@code address}. */
    public CaliforniumServerEndpointFactory serverEndpoint(InetSocketAddress address) {
        return new CoapsServerEndpointFactoryBuilder().setURI(address).setConfiguration(configuration())
                .setDtlsConnectorConfig(dtls())
                .setCoapEndpointConfig(CheckedUdpDataParser::install).build();
    }

    /** The bootstrap server's DTLS endpoint on {@code address}. */
    public CaliforniumBootstrapServerEndpointFactory bootstrapEndpoint(InetSocketAddress address) {
        return new CoapsBootstrapServerEndpointFactoryBuilder().setURI(address).setConfiguration(configuration())
                .setDtlsConnectorConfig(dtls())
                .setCoapEndpointConfig(CheckedUdpDataParser::install).build();
    }

    /** The (empty) Leshan security store whose presence makes Leshan open its DTLS endpoints. */
    public static SecurityStore securityStore() {
        return new SecurityStore() {
            @Override
            public SecurityInfo getByEndpoint(String endpoint) {
                return null;
            }

            @Override
            public SecurityInfo getByIdentity(String pskIdentity) {
                return null;
            }

            @Override
            public SecurityInfo getByOscoreIdentity(OscoreIdentity oscoreIdentity) {
                return null;
            }
        };
    }

    /** The bootstrap counterpart of {@link #securityStore()}. */
    public static BootstrapSecurityStore bootstrapSecurityStore() {
        return new BootstrapSecurityStore() {
            @Override
            public Iterator<SecurityInfo> getAllByEndpoint(String endpoint) {
                return null;
            }

            @Override
            public SecurityInfo getByIdentity(String pskIdentity) {
                return null;
            }

            @Override
            public SecurityInfo getByOscoreIdentity(OscoreIdentity oscoreIdentity) {
                return null;
            }
        };
    }
}
