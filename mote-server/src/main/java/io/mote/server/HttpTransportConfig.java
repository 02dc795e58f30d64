package io.mote.server;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.http.HttpTransportProperties;

/** The HTTP device API's settings ({@code mote.transport.http.*}). */
@Configuration(proxyBeanMethods = false)
public class HttpTransportConfig {

    @Bean
    public HttpTransportProperties httpTransportProperties(
            @Value("${mote.transport.http.max-payload-size:65536}") int maxPayloadSize,
            @Value("${mote.transport.http.default-timeout:60000}") long defaultTimeout,
            @Value("${mote.transport.http.max-timeout:300000}") long maxTimeout) {
        return new HttpTransportProperties(maxPayloadSize, defaultTimeout, maxTimeout);
    }
}
