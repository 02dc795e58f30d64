package io.mote.server;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.transport.api.TransportService;
import io.mote.transport.snmp.SnmpTransport;
import io.mote.transport.snmp.SnmpTransportSettings;

/** Starts the SNMP transport (polling, SET, RPC, the trap listener) with the application. */
@Configuration(proxyBeanMethods = false)
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

    /**
     * {@code mote_snmp_devices}, {@code mote_snmp_polls_total} (GET requests), {@code mote_snmp_polls_skipped_total}
     * (due while the in-flight limit was reached), {@code mote_snmp_traps_total{sender="known|unknown|malformed"}}.
     */
    @Bean
    public MeterBinder snmpMetrics(SnmpTransport snmp) {
        return registry -> {
            Gauge.builder("mote.snmp.devices", snmp, SnmpTransport::deviceCount)
                    .description("SNMP devices the transport polls").register(registry);
            FunctionCounter.builder("mote.snmp.polls", snmp, SnmpTransport::polls)
                    .description("SNMP GET requests sent by the poller").register(registry);
            FunctionCounter.builder("mote.snmp.polls.skipped", snmp, SnmpTransport::skippedPolls)
                    .description("SNMP polls not sent: the in-flight limit was reached").register(registry);
            FunctionCounter.builder("mote.snmp.traps", snmp, SnmpTransport::traps).tag("sender", "known")
                    .description("SNMP traps and informs received").register(registry);
            FunctionCounter.builder("mote.snmp.traps", snmp, SnmpTransport::unknownTraps).tag("sender", "unknown")
                    .description("SNMP traps and informs received").register(registry);
            FunctionCounter.builder("mote.snmp.traps", snmp, SnmpTransport::malformedTraps).tag("sender", "malformed")
                    .description("SNMP traps and informs received").register(registry);
        };
    }
}
