package io.mote.server.cluster;

import java.util.UUID;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.micrometer.core.instrument.MeterRegistry;

import io.mote.cluster.ClusterSettings;
import io.mote.cluster.bus.ClusterMetrics;
import io.mote.cluster.bus.KafkaBus;

/** The Kafka connection of a transport or core node ({@code mote.kafka.*}, {@code mote.cluster.*}). */
@Configuration(proxyBeanMethods = false)
@ConditionalOnExpression("'${mote.role:all}'.trim().toLowerCase() != 'all'")
public class ClusterConfig {

    @Bean
    public ClusterSettings clusterSettings(@Value("${mote.kafka.bootstrap-servers:}") String bootstrapServers,
                                           @Value("${mote.kafka.partitions:12}") int partitions,
                                           @Value("${mote.kafka.replication-factor:1}") short replicationFactor,
                                           @Value("${mote.kafka.topic-prefix:mote.}") String topicPrefix,
                                           @Value("${mote.cluster.node-id:}") String nodeId,
                                           @Value("${mote.cluster.request-timeout-ms:10000}") long requestTimeoutMs,
                                           @Value("${mote.cluster.heartbeat-ms:2000}") long heartbeatMs,
                                           @Value("${mote.cluster.missed-heartbeats:5}") int missedHeartbeats) {
        String id = nodeId.isBlank() ? UUID.randomUUID().toString().substring(0, 8) : nodeId.trim();
        return new ClusterSettings(bootstrapServers, partitions, replicationFactor, topicPrefix, id, requestTimeoutMs,
                heartbeatMs, missedHeartbeats);
    }

    @Bean(destroyMethod = "close")
    public KafkaBus kafkaBus(ClusterSettings settings, ObjectProvider<MeterRegistry> meters) {
        KafkaBus bus = new KafkaBus(settings, new ClusterMetrics(meters.getIfAvailable()));
        bus.createTopics();
        return bus;
    }
}
