package io.mote.server;

import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.snmp.SnmpTransport;
import io.mote.transport.snmp.SnmpTransportSettings;

/** Starts the SNMP transport (polling, SET, RPC, the trap listener) with the application. */
@Configuration
@EnableConfigurationProperties(SnmpTransportConfig.SnmpProperties.class)
@ConditionalOnProperty(name = "mote.transport.snmp.enabled", havingValue = "true", matchIfMissing = true)
public class SnmpTransportConfig {

    /** {@code mote.transport.snmp.*}: see {@link SnmpTransportSettings}. */
    @ConfigurationProperties("mote.transport.snmp")
    public record SnmpProperties(Boolean enabled, String bindAddress, Integer trapPort, Integer workerThreads,
                                 Integer maxInflightRequests, Integer maxOidsPerRequest) {

        SnmpTransportSettings settings() {
            return new SnmpTransportSettings(bindAddress, trapPort == null ? 1620 : trapPort,
                    workerThreads == null ? 4 : workerThreads,
                    maxInflightRequests == null ? 10000 : maxInflightRequests,
                    maxOidsPerRequest == null ? 32 : maxOidsPerRequest);
        }
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    public SnmpTransport snmpTransport(TransportService transport, SnmpProperties props) {
        return new SnmpTransport(transport, props.settings());
    }
}
