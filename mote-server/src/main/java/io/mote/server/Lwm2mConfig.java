package io.mote.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.lwm2m.Lwm2mTransport;
import io.mote.transport.lwm2m.Lwm2mTransportProperties;
import io.mote.transport.lwm2m.security.Lwm2mSecurity;

/** The LwM2M server, on unless {@code mote.transport.lwm2m.enabled} is false. */
@Configuration
@ConditionalOnProperty(name = "mote.transport.lwm2m.enabled", havingValue = "true", matchIfMissing = true)
public class Lwm2mConfig {

    @Bean
    public Lwm2mTransportProperties lwm2mTransportProperties(
            @Value("${mote.transport.lwm2m.host:}") String host,
            @Value("${mote.transport.lwm2m.port:5685}") int port,
            @Value("${mote.transport.lwm2m.secure-port:5686}") int securePort,
            @Value("${mote.transport.lwm2m.timeout:10000}") long timeoutMs,
            @Value("${mote.transport.lwm2m.core-timeout:10000}") long coreTimeoutMs) {
        return new Lwm2mTransportProperties(host, port, securePort, timeoutMs, coreTimeoutMs);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    public Lwm2mTransport lwm2mTransport(TransportService transport, Lwm2mTransportProperties props,
                                         Lwm2mSecurity security) {
        return new Lwm2mTransport(transport, props, security);
    }
}
