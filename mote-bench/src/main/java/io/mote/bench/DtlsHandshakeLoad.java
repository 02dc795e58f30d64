package io.mote.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.eclipse.californium.elements.AddressEndpointContext;
import org.eclipse.californium.elements.EndpointContext;
import org.eclipse.californium.elements.MessageCallback;
import org.eclipse.californium.elements.RawData;
import org.eclipse.californium.elements.config.Configuration;
import org.eclipse.californium.elements.config.SystemConfig;
import org.eclipse.californium.elements.config.UdpConfig;
import org.eclipse.californium.scandium.DTLSConnector;
import org.eclipse.californium.scandium.config.DtlsConfig;
import org.eclipse.californium.scandium.config.DtlsConfig.DtlsRole;
import org.eclipse.californium.scandium.config.DtlsConnectorConfig;
import org.eclipse.californium.scandium.dtls.cipher.CipherSuite;
import org.eclipse.californium.scandium.dtls.pskstore.AdvancedSinglePskStore;
import org.eclipse.californium.scandium.dtls.x509.SingleCertificateProvider;
import org.eclipse.californium.scandium.dtls.x509.StaticNewAdvancedCertificateVerifier;

/**
 * Full DTLS handshakes against the LwM2M secure port: {@code --clients} Scandium client connectors, each
 * forgetting its session and shaking hands again as soon as the previous handshake is done (closed loop),
 * with PSK ({@code TLS_PSK_WITH_AES_128_CCM_8}, devices {@code bench-psk-<i>} created over REST) or ECDHE with
 * raw public keys ({@code TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8}: the server signs, verifies the client's
 * signature and both sides do an ECDH on P-256). Each handshake ends with one CoAP ping record.
 */
final class DtlsHandshakeLoad {

    private DtlsHandshakeLoad() {
    }

    static void run(BenchArgs args) throws Exception {
        String mode = args.string("mode", "psk");
        boolean psk = mode.equals("psk");
        String url = args.string("url", "http://127.0.0.1:8080");
        InetSocketAddress server = new InetSocketAddress(args.string("dtls-host", "127.0.0.1"),
                args.integer("dtls-port", 5686));
        int clients = args.integer("clients", 50);
        int devices = args.integer("devices", 100);
        int warmup = args.integer("warmup", 5);
        int duration = args.integer("duration", 20);
        long maxHandshakes = Long.parseLong(args.string("max-handshakes", "1000000"));
        byte[] key = HexFormat.of().parseHex("6d6f74652d62656e63682d70736b2d31"); // 16 bytes

        if (psk) {
            MoteAdmin admin = new MoteAdmin(url);
            admin.login(args.string("username", "tenant@mote.local"), args.string("password", ""));
            for (int i = 0; i < devices; i++) {
                String id = "bench-psk-" + i;
                admin.ensureDeviceWithCredentials(id, "LWM2M_CREDENTIALS", "{\"client\":{\"securityConfigClientMode\":"
                        + "\"PSK\",\"endpoint\":\"" + id + "\",\"identity\":\"" + id + "\",\"key\":\""
                        + HexFormat.of().formatHex(key) + "\"},\"bootstrap\":{\"bootstrapServer\":{\"securityMode\":"
                        + "\"NO_SEC\"},\"lwm2mServer\":{\"securityMode\":\"NO_SEC\"}}}");
            }
        }
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));

        List<DTLSConnector> connectors = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            Configuration c = new Configuration(SystemConfig.DEFINITIONS, UdpConfig.DEFINITIONS, DtlsConfig.DEFINITIONS);
            c.set(DtlsConfig.DTLS_ROLE, DtlsRole.CLIENT_ONLY);
            c.set(DtlsConfig.DTLS_RECEIVER_THREAD_COUNT, 1);
            c.set(DtlsConfig.DTLS_CONNECTOR_THREAD_COUNT, 1);
            c.set(DtlsConfig.DTLS_MAX_CONNECTIONS, 4);
            c.set(DtlsConfig.DTLS_RETRANSMISSION_TIMEOUT, 3, TimeUnit.SECONDS);
            c.set(DtlsConfig.DTLS_RECOMMENDED_CIPHER_SUITES_ONLY, false);
            c.set(DtlsConfig.DTLS_CIPHER_SUITES, List.of(psk ? CipherSuite.TLS_PSK_WITH_AES_128_CCM_8
                    : CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8));
            DtlsConnectorConfig.Builder b = DtlsConnectorConfig.builder(c)
                    .setAddress(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            if (psk) {
                String id = "bench-psk-" + (i % devices);
                b.setAdvancedPskStore(new AdvancedSinglePskStore(id, key));
            } else {
                KeyPair kp = g.generateKeyPair();
                b.setCertificateIdentityProvider(new SingleCertificateProvider(kp.getPrivate(), kp.getPublic()));
                b.setAdvancedCertificateVerifier(StaticNewAdvancedCertificateVerifier.builder().setTrustAllRPKs().build());
            }
            DTLSConnector connector = new DTLSConnector(b.build());
            connector.start();
            connectors.add(connector);
        }

        Recorder latencies = new Recorder(3);
        AtomicLong done = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(duration);
        AtomicLong measured = new AtomicLong();
        List<Thread> workers = new ArrayList<>();
        byte[] ping = {0x40, 0x00, 0x00, 0x01}; // CoAP CON empty message
        for (DTLSConnector connector : connectors) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end && done.get() < maxHandshakes) {
                    connector.clearConnectionState(); // forget the session: the next send is a full handshake
                    CompletableFuture<Void> sent = new CompletableFuture<>();
                    long t0 = System.nanoTime();
                    connector.send(RawData.outbound(ping, new AddressEndpointContext(server), new MessageCallback() {
                        public void onConnecting() { }
                        public void onDtlsRetransmission(int flight) { }
                        public void onContextEstablished(EndpointContext context) { }
                        public void onSent() {
                            sent.complete(null);
                        }
                        public void onError(Throwable error) {
                            sent.completeExceptionally(error);
                        }
                    }, false));
                    try {
                        sent.get(20, TimeUnit.SECONDS);
                        long t1 = System.nanoTime();
                        done.incrementAndGet();
                        if (t0 >= measureFrom && t1 <= end) {
                            measured.incrementAndGet();
                            latencies.recordValue(TimeUnit.NANOSECONDS.toMicros(t1 - t0));
                        }
                    } catch (Exception e) {
                        failed.incrementAndGet();
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        connectors.forEach(DTLSConnector::destroy);
        Histogram h = latencies.getIntervalHistogram();
        System.out.printf("DTLS %s handshakes: %d clients, %d s measured after %d s warm-up%n",
                psk ? "PSK (TLS_PSK_WITH_AES_128_CCM_8)" : "ECDHE RPK (TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8)",
                clients, duration, warmup);
        System.out.printf("handshakes completed in the window: %d (%.0f handshakes/s)%n", measured.get(),
                measured.get() / (double) duration);
        System.out.printf("handshake latency ms: p50 %.1f  p90 %.1f  p99 %.1f  max %.1f%n",
                h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0,
                h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
        System.out.println("failed handshakes: " + failed.get());
    }
}
