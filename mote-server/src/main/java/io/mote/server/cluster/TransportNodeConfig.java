package io.mote.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.cluster.bus.KafkaBus;
import io.mote.cluster.transport.KafkaTransportService;

/** A transport node: the transports' {@code TransportService} is the cores', over Kafka. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.role", havingValue = "transport")
public class TransportNodeConfig {

    private static final Logger log = LoggerFactory.getLogger(TransportNodeConfig.class);

    @Bean(initMethod = "start", destroyMethod = "close")
    public KafkaTransportService kafkaTransportService(KafkaBus bus) {
        log.info("Transport node {} on Kafka {}", bus.nodeId(), bus.settings().bootstrapServers());
        return new KafkaTransportService(bus);
    }
}
