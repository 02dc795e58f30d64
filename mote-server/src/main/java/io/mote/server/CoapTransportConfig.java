package io.mote.server;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.coap.CoapTransportServer;
import io.mote.transport.coap.CoapTransportSettings;
import io.mote.transport.dtls.DtlsServerCredentials;

/** Starts the CoAP device API (plain and DTLS) with the application and stops it on shutdown. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CoapTransportConfig.CoapProperties.class)
@ConditionalOnProperty(name = "mote.transport.coap.enabled", havingValue = "true", matchIfMissing = true)
public class CoapTransportConfig {

    /**
     * {@code mote.transport.coap.*}: ports (0 = a free port), bind address, largest request body, how long
     * a device's transport configuration is cached, how long an idle device is remembered, how many changed
     * attributes are held for a device that cannot receive, the retransmission of notifications, and the DTLS server credentials (PEM certificate and
     * key, or a PKCS#12 key store; neither = a self-signed EC pair generated under the data directory).
     */
    @ConfigurationProperties("mote.transport.coap")
    public record CoapProperties(Boolean enabled, String bindAddress, Integer port, Integer dtlsPort,
                                 Integer maxPayloadSize, Long profileCacheMs, Long stateIdleMs,
                                 Integer maxHeldAttributes, Long ackTimeoutMs, Integer maxRetransmit, Dtls dtls) {

        public record Dtls(Boolean enabled, String certFile, String keyFile, String keyStoreFile,
                           String keyStorePassword, String keyAlias) {
        }

        CoapTransportSettings settings() {
            Dtls d = dtls == null ? new Dtls(true, null, null, null, null, null) : dtls;
            return new CoapTransportSettings(bindAddress, port == null ? 5683 : port,
                    d.enabled() == null || d.enabled(), dtlsPort == null ? 5684 : dtlsPort,
                    maxPayloadSize == null ? 65536 : maxPayloadSize, profileCacheMs == null ? 10000 : profileCacheMs,
                    stateIdleMs == null ? 600_000 : stateIdleMs, maxHeldAttributes == null ? 1000 : maxHeldAttributes,
                    ackTimeoutMs == null ? 2000 : ackTimeoutMs, maxRetransmit == null ? 4 : maxRetransmit);
        }
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    public CoapTransportServer coapTransportServer(TransportService transport, CoapProperties props,
                                                   @Value("${mote.data-dir:./data}") String dataDir) {
        CoapProperties.Dtls d = props.dtls() == null ? new CoapProperties.Dtls(true, null, null, null, null, null) : props.dtls();
        return new CoapTransportServer(transport, props.settings(), () -> DtlsServerCredentials.load(
                new DtlsServerCredentials.Source(d.certFile(), d.keyFile(), d.keyStoreFile(), d.keyStorePassword(),
                        d.keyAlias(), Path.of(dataDir).toAbsolutePath().resolve("dtls"), "mote")));
    }
}
