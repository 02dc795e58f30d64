package io.mote.transport.lwm2m.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateEncodingException;
import java.util.Base64;
import java.util.Optional;
import java.util.function.IntSupplier;

import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.api.Lwm2mServerSecurityConfig;

/**
 * This server's LwM2M and bootstrap accounts as a client sees them: the host clients should use (configured,
 * else the bind address, else this machine's address), the bound ports, and the DTLS key material of
 * {@link Lwm2mSecurity}. Ports are read when asked, so free ports picked at start are reported as bound.
 */
public class Lwm2mServerFacts implements Lwm2mServerInfo {

    /** ThingsBoard's default short server ids: 123 for the LwM2M server, 111 for the bootstrap server. */
    public static final int SERVER_SHORT_ID = 123;
    public static final int BOOTSTRAP_SHORT_ID = 111;

    private final String host;
    private final IntSupplier port;
    private final IntSupplier securePort;
    private final IntSupplier bootstrapPort;
    private final IntSupplier bootstrapSecurePort;
    private final Lwm2mSecurity security;

    /** {@code bootstrapPort} null: no bootstrap server. */
    public Lwm2mServerFacts(String advertisedHost, String bindHost, IntSupplier port, IntSupplier securePort,
                            IntSupplier bootstrapPort, IntSupplier bootstrapSecurePort, Lwm2mSecurity security) {
        this.host = hostOf(advertisedHost, bindHost);
        this.port = port;
        this.securePort = securePort;
        this.bootstrapPort = bootstrapPort;
        this.bootstrapSecurePort = bootstrapSecurePort;
        this.security = security;
    }

    private static String hostOf(String advertised, String bind) {
        if (advertised != null && !advertised.isBlank()) {
            return advertised;
        }
        if (bind != null && !bind.isBlank() && !"0.0.0.0".equals(bind) && !"::".equals(bind)) {
            return bind;
        }
        try {
            return InetAddress.getLocalHost().getHostAddress();
        } catch (UnknownHostException e) {
            return "127.0.0.1";
        }
    }

    public String host() {
        return host;
    }

    @Override
    public Lwm2mServerSecurityConfig lwm2mServer() {
        return new Lwm2mServerSecurityConfig(SERVER_SHORT_ID, false, host, port.getAsInt(), host,
                securePort.getAsInt(), 1, publicKey(), certificate(), 0, 300, 1, true, "U");
    }

    @Override
    public Optional<Lwm2mServerSecurityConfig> bootstrapServer() {
        if (bootstrapPort == null) {
            return Optional.empty();
        }
        return Optional.of(new Lwm2mServerSecurityConfig(BOOTSTRAP_SHORT_ID, true, host, bootstrapPort.getAsInt(), host,
                bootstrapSecurePort.getAsInt(), 1, publicKey(), certificate(), 0, 300, 1, true, "U"));
    }

    private String publicKey() {
        return security == null ? "" : Base64.getEncoder().encodeToString(security.serverPublicKey().getEncoded());
    }

    private String certificate() {
        if (security == null) {
            return "";
        }
        try {
            return Base64.getEncoder().encodeToString(security.serverCredentials().chain().get(0).getEncoded());
        } catch (CertificateEncodingException e) {
            return "";
        }
    }
}
