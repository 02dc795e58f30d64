package io.mote.server.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import io.mote.server.MoteApplication;
import io.mote.transport.mqtt.MqttTransportServer;

/**
 * A real Mote server for integration tests, on free ports. By default it runs on the embedded
 * PostgreSQL in a temporary data directory; with {@code MOTE_TEST_DB_URL} (and {@code _USERNAME},
 * {@code _PASSWORD}) set, on that external PostgreSQL instead. One shared instance serves every test
 * class in the JVM; tests that need their own (a restart) start one with {@link #start(Path)}.
 */
public final class TestServer implements AutoCloseable {

    public static final String SYSADMIN_PASSWORD = "sysadmin-pw-1";
    public static final String TENANT_PASSWORD = "tenant-pw-1";

    private static TestServer shared;

    private final ConfigurableApplicationContext context;
    private final int port;

    private TestServer(ConfigurableApplicationContext context) {
        this.context = context;
        this.port = Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /** The shared server, started on first use and stopped when the JVM exits. */
    public static synchronized TestServer shared() {
        if (shared == null) {
            try {
                shared = start(Files.createTempDirectory("mote-it"));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::close));
        }
        return shared;
    }

    public static TestServer start(Path dataDir, String... extraArgs) {
        Path ca;
        try {
            ca = TestCa.write(dataDir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> args = new ArrayList<>(List.of(
                "--mote.transport.lwm2m.dtls.trust-store-file=" + ca.toAbsolutePath(),
                "--server.port=0",
                "--mote.transport.mqtt.port=0",
                "--mote.transport.mqtt.ssl-port=0",
                "--mote.transport.lwm2m.port=0",
                "--mote.state.flush-interval=500",
                // every aggregation takes the parallel path, so the query tests check its combined answers
                "--mote.ts.aggregate-parallel-min-range=0ms",
                "--mote.http.header-deadline-ms=3000",
                "--mote.transport.lwm2m.awake-time=2000",
                "--mote.transport.lwm2m.secure-port=0",
                "--mote.transport.lwm2m.bootstrap.port=0",
                "--mote.transport.lwm2m.bootstrap.secure-port=0",
                "--mote.transport.lwm2m.advertised-host=127.0.0.1",
                "--mote.transport.lwm2m.dtls.connection-store-size=20000",
                "--mote.transport.lwm2m.dtls.stale-connection-threshold=10m",
                "--mote.transport.coap.port=0",
                "--mote.transport.coap.dtls-port=0",
                "--mote.transport.snmp.trap-port=0",
                "--mote.transport.snmp.bind-address=127.0.0.1",
                "--mote.data-dir=" + dataDir.toAbsolutePath(),
                "--mote.sysadmin.password=" + SYSADMIN_PASSWORD,
                "--mote.tenant.password=" + TENANT_PASSWORD,
                "--logging.level.root=WARN",
                "--logging.level.io.mote=INFO"));
        String url = System.getenv("MOTE_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            args.add("--mote.db.url=" + forkDatabase(url));
            args.add("--mote.db.username=" + env("MOTE_TEST_DB_USERNAME"));
            args.add("--mote.db.password=" + env("MOTE_TEST_DB_PASSWORD"));
        }
        for (String extra : extraArgs) {
            // An extra argument replaces the default of the same setting (Spring would join both with a comma).
            String key = extra.contains("=") ? extra.substring(0, extra.indexOf('=') + 1) : extra;
            args.removeIf(a -> a.startsWith(key));
            args.add(extra);
        }
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(MoteApplication.class)
                .run(args.toArray(String[]::new));
        return new TestServer(ctx);
    }

    /**
     * With several test JVMs at once each needs a database of its own: fork N uses {@code <database>_N}
     * (so {@code MOTE_TEST_DB_URL=jdbc:postgresql://host/mote_it} means {@code mote_it_1}, {@code mote_it_2}).
     */
    static String forkDatabase(String url) {
        String fork = System.getProperty("mote.test.fork", "");
        if (fork.isBlank() || fork.startsWith("$")) {
            return url;
        }
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query);
        return base + "_" + fork + (query < 0 ? "" : url.substring(query));
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "" : v;
    }

    public int port() {
        return port;
    }

    /** The bound plain MQTT port. */
    public int mqttPort() {
        return bean(MqttTransportServer.class).port();
    }

    /** The bound MQTT-over-TLS port. */
    public int mqttSslPort() {
        return bean(MqttTransportServer.class).sslPort();
    }

    /** The SNMP trap listener's bound UDP port. */
    public int snmpTrapPort() {
        return bean(io.mote.transport.snmp.SnmpTransport.class).trapPort();
    }

    /** The SNMP transport itself (its counters). */
    public io.mote.transport.snmp.SnmpTransport snmp() {
        return bean(io.mote.transport.snmp.SnmpTransport.class);
    }

    /** The LwM2M server's bound UDP port. */
    public int lwm2mPort() {
        return context.getBean(io.mote.transport.lwm2m.Lwm2mTransport.class).port();
    }

    /** The LwM2M server's bound DTLS port. */
    public int lwm2mSecurePort() {
        return context.getBean(io.mote.transport.lwm2m.Lwm2mTransport.class).securePort();
    }

    /** The LwM2M bootstrap server's bound UDP port. */
    public int lwm2mBootstrapPort() {
        return context.getBean(io.mote.transport.lwm2m.bootstrap.Lwm2mBootstrapServer.class).port();
    }

    /** The LwM2M bootstrap server's bound DTLS port. */
    public int lwm2mBootstrapSecurePort() {
        return context.getBean(io.mote.transport.lwm2m.bootstrap.Lwm2mBootstrapServer.class).securePort();
    }

    /** The bound CoAP port. */
    public int coapPort() {
        return bean(io.mote.transport.coap.CoapTransportServer.class).port();
    }

    /** The bound CoAP over DTLS port. */
    public int coapDtlsPort() {
        return bean(io.mote.transport.coap.CoapTransportServer.class).dtlsPort();
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port;
    }

    public Api api() {
        return new Api(baseUrl());
    }

    /** A property of the running server's environment (e.g. {@code local.management.port}). */
    public String property(String name) {
        return context.getEnvironment().getProperty(name);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** Whether the application runs a bean of the type (a transport switched on). */
    public boolean hasBean(Class<?> type) {
        return context.getBeanNamesForType(type).length > 0;
    }

    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }
}
