package io.mote.server;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.dtls.DtlsRefusals;
import io.mote.transport.dtls.DtlsServerCredentials;
import io.mote.transport.dtls.DtlsTrustStore;
import io.mote.transport.lwm2m.Lwm2mTransport;
import io.mote.transport.lwm2m.Lwm2mTransportProperties;
import io.mote.transport.lwm2m.bootstrap.Lwm2mBootstrapServer;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;
import io.mote.transport.lwm2m.security.Lwm2mServerFacts;

/**
 * LwM2M over DTLS and the bootstrap server: the server's key material ({@code mote.transport.lwm2m.dtls.*}),
 * the refusal counter {@code mote.lwm2m.dtls.refused{reason}}, the bootstrap server
 * ({@code mote.transport.lwm2m.bootstrap.*}) and the server facts the REST API reports.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.transport.lwm2m.enabled", havingValue = "true", matchIfMissing = true)
public class Lwm2mSecurityConfig {

    @Bean
    public Lwm2mSecurity lwm2mSecurity(TransportService transport, Lwm2mTransportProperties props,
                                       ObjectProvider<MeterRegistry> meters,
                                       @Value("${mote.data-dir:./data}") String dataDir,
                                       @Value("${mote.transport.lwm2m.dtls.cert-file:}") String certFile,
                                       @Value("${mote.transport.lwm2m.dtls.key-file:}") String keyFile,
                                       @Value("${mote.transport.lwm2m.dtls.key-store-file:}") String keyStoreFile,
                                       @Value("${mote.transport.lwm2m.dtls.key-store-password:}") String keyStorePassword,
                                       @Value("${mote.transport.lwm2m.dtls.key-alias:}") String keyAlias,
                                       @Value("${mote.transport.lwm2m.dtls.trust-store-file:}") String trustStoreFile,
                                       @Value("${mote.transport.lwm2m.dtls.trust-store-password:}") String trustStorePassword,
                                       @Value("${mote.transport.lwm2m.dtls.connection-id-length:6}") int cidLength,
                                       @Value("${mote.transport.lwm2m.dtls.connection-store-size:150000}") int storeSize,
                                       @Value("${mote.transport.lwm2m.dtls.stale-connection-threshold:30m}") Duration stale) {
        MeterRegistry registry = meters.getIfAvailable();
        ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();
        DtlsRefusals refusals = registry == null ? DtlsRefusals.NONE : (reason, peer, detail) -> counters
                .computeIfAbsent(reason, r -> Counter.builder("mote.lwm2m.dtls.refused")
                        .description("LwM2M clients refused, by reason").tag("reason", r).register(registry))
                .increment();
        Path generated = Path.of(dataDir).toAbsolutePath().resolve("lwm2m-dtls");
        return new Lwm2mSecurity(transport, new Lwm2mSecurity.Settings(
                () -> DtlsServerCredentials.load(new DtlsServerCredentials.Source(certFile, keyFile, keyStoreFile,
                        keyStorePassword, keyAlias, generated, "mote-lwm2m")),
                DtlsTrustStore.load(trustStoreFile, trustStorePassword), refusals, cidLength,
                new Lwm2mSecurity.ConnectionStore(storeSize, stale)), props.coreTimeoutMs());
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    @ConditionalOnProperty(name = "mote.transport.lwm2m.bootstrap.enabled", havingValue = "true", matchIfMissing = true)
    public Lwm2mBootstrapServer lwm2mBootstrapServer(TransportService transport, Lwm2mTransportProperties props,
                                                     Lwm2mSecurity security, Lwm2mServerFacts facts,
                                                     @Value("${mote.transport.lwm2m.bootstrap.port:5687}") int port,
                                                     @Value("${mote.transport.lwm2m.bootstrap.secure-port:5688}") int securePort) {
        return new Lwm2mBootstrapServer(transport, new Lwm2mBootstrapServer.Settings(props.host(), port, securePort,
                props.coreTimeoutMs()), security, facts);
    }

    /** What clients are told about this server (REST); bootstrap ports are read from the running bootstrap server. */
    @Bean
    public Lwm2mServerFacts lwm2mServerFacts(Lwm2mTransportProperties props, Lwm2mSecurity security,
                                             ObjectProvider<Lwm2mTransport> transport,
                                             ObjectProvider<Lwm2mBootstrapServer> bootstrap,
                                             @Value("${mote.transport.lwm2m.bootstrap.enabled:true}") boolean bootstrapEnabled,
                                             @Value("${mote.transport.lwm2m.advertised-host:}") String advertisedHost) {
        return new Lwm2mServerFacts(advertisedHost, props.host(), () -> transport.getObject().port(),
                () -> transport.getObject().securePort(),
                bootstrapEnabled ? () -> bootstrap.getObject().port() : null,
                bootstrapEnabled ? () -> bootstrap.getObject().securePort() : null, security);
    }
}
