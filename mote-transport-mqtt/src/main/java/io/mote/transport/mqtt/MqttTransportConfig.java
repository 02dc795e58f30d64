package io.mote.transport.mqtt;

import java.nio.file.Path;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;

/** Wires the MQTT transport when {@code mote.transport.mqtt.enabled} is true (the default). */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(MqttTransportProperties.class)
@ConditionalOnProperty(prefix = "mote.transport.mqtt", name = "enabled", havingValue = "true", matchIfMissing = true)
public class MqttTransportConfig {

    @Bean
    public MqttTransportServer mqttTransportServer(TransportService transport, MqttTransportProperties props,
                                                   @Value("${mote.data-dir:./data}") String dataDir) {
        return new MqttTransportServer(transport, props, Path.of(dataDir));
    }
}
