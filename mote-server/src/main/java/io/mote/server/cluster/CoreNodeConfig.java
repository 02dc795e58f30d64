package io.mote.server.cluster;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.cluster.bus.KafkaBus;
import io.mote.cluster.core.CoreNode;
import io.mote.core.cluster.CorePeers;
import io.mote.core.device.DeviceAuthCache;
import io.mote.core.resource.ResourceService;
import io.mote.core.rpc.RpcService;
import io.mote.core.session.DeviceSessionRegistry;
import io.mote.core.subscription.SubscriptionService;
import io.mote.transport.api.TransportService;

/** A core node: serves the core topic's partitions it is assigned and shares the devices with the other cores. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.role", havingValue = "core")
public class CoreNodeConfig {

    private static final Logger log = LoggerFactory.getLogger(CoreNodeConfig.class);

    @Bean
    public KafkaPeers kafkaPeers(KafkaBus bus, CorePeers peers, DeviceSessionRegistry sessions, RpcService rpc,
                                 SubscriptionService subscriptions, DeviceAuthCache auth, ResourceService resources,
                                 TransportService local) {
        KafkaPeers p = new KafkaPeers(bus, sessions, rpc, subscriptions, auth, resources);
        peers.set(p);
        p.publishChanges(local);
        return p;
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    public CoreNode coreNode(KafkaBus bus, TransportService local, KafkaPeers peers) {
        log.info("Core node {} on Kafka {}", bus.nodeId(), bus.settings().bootstrapServers());
        return new CoreNode(bus, local, peers);
    }
}
