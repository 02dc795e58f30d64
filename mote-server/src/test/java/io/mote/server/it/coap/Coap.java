package io.mote.server.it.coap;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.eclipse.californium.core.CoapClient;
import org.eclipse.californium.core.config.CoapConfig;
import org.eclipse.californium.core.network.CoapEndpoint;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.config.DtlsConfig;

import io.mote.server.it.TestServer;

/** Californium clients for the tests, configured in code (no properties file is written). */
public final class Coap {

    static final Configuration CONFIG = new Configuration(CoapConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);

    static {
        CONFIG.set(CoapConfig.MAX_RESOURCE_BODY_SIZE, 16 * 1024 * 1024);
        CONFIG.set(CoapConfig.PREFERRED_BLOCK_SIZE, 1024);
        CONFIG.set(CoapConfig.MAX_MESSAGE_SIZE, 1024);
        CONFIG.set(CoapConfig.ACK_TIMEOUT, 1, TimeUnit.SECONDS);
        CONFIG.set(DtlsConfig.DTLS_ROLE, DtlsConfig.DtlsRole.CLIENT_ONLY);
        CONFIG.set(DtlsConfig.DTLS_VERIFY_SERVER_CERTIFICATES_SUBJECT, false);
        Configuration.setStandard(CONFIG);
    }

    private Coap() {
    }

    public static TestServer server() {
        return TestServer.shared();
    }

    public static String uri(String path) {
        return "coap://127.0.0.1:" + server().coapPort() + path;
    }

    /** A client on an endpoint of its own (closed with the client's {@code shutdown}). */
    public static CoapClient client(String path) {
        return client(server(), path);
    }

    /** A client of another server than the shared one. */
    public static CoapClient client(TestServer server, String path) {
        CoapClient c = new CoapClient("coap://127.0.0.1:" + server.coapPort() + path);
        c.setEndpoint(new CoapEndpoint.Builder().setConfiguration(CONFIG).setInetSocketAddress(new InetSocketAddress(0)).build());
        c.setTimeout(20_000L);
        return c;
    }
}
