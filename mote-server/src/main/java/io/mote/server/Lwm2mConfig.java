package io.mote.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.lwm2m.Lwm2mTransport;
import io.mote.transport.lwm2m.Lwm2mTransportProperties;
import io.mote.transport.lwm2m.ota.OtaSettings;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;

/** The LwM2M server, on unless {@code mote.transport.lwm2m.enabled} is false. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.transport.lwm2m.enabled", havingValue = "true", matchIfMissing = true)
public class Lwm2mConfig {

    @Bean
    public Lwm2mTransportProperties lwm2mTransportProperties(
            @Value("${mote.transport.lwm2m.host:}") String host,
            @Value("${mote.transport.lwm2m.port:5685}") int port,
            @Value("${mote.transport.lwm2m.secure-port:5686}") int securePort,
            @Value("${mote.transport.lwm2m.timeout:10000}") long timeoutMs,
            @Value("${mote.transport.lwm2m.core-timeout:10000}") long coreTimeoutMs,
            @Value("${mote.transport.lwm2m.awake-time:93000}") long awakeTimeMs) {
        return new Lwm2mTransportProperties(host, port, securePort, timeoutMs, coreTimeoutMs, awakeTimeMs);
    }

    /** {@code mote_lwm2m_clients} (registered now) and {@code mote_lwm2m_notifications_total} on the actuator. */
    @Bean
    public MeterBinder lwm2mMetrics(Lwm2mTransport lwm2m) {
        return registry -> {
            Gauge.builder("mote.lwm2m.clients", lwm2m, Lwm2mTransport::clientCount)
                    .description("Registered LwM2M clients").register(registry);
            FunctionCounter.builder("mote.lwm2m.notifications", lwm2m, Lwm2mTransport::notificationCount)
                    .description("LwM2M notifications and Send requests received").register(registry);
        };
    }

    @Bean
    public OtaSettings lwm2mOtaSettings(
            @Value("${mote.transport.lwm2m.ota.package-uri-base:}") String packageUriBase,
            @Value("${mote.transport.lwm2m.advertised-host:}") String advertisedHost,
            @Value("${mote.transport.lwm2m.ota.transfer-timeout:300000}") long transferTimeoutMs,
            @Value("${mote.transport.lwm2m.ota.retries:2}") int retries) {
        return new OtaSettings(packageUriBase, advertisedHost, transferTimeoutMs, Math.max(0, retries));
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    public Lwm2mTransport lwm2mTransport(TransportService transport, Lwm2mTransportProperties props,
                                         Lwm2mSecurity security, OtaSettings ota) {
        return new Lwm2mTransport(transport, props, security, ota);
    }
}
