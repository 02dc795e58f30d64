package io.mote.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationExcludeFilter;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.context.TypeExcludeFilter;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;

import io.mote.server.cluster.RoleFilter;

/**
 * Starts Mote: the REST and WebSocket API, the device transports and the core, in one process
 * ({@code mote.role=all}), or one side of them in a cluster ({@code transport}, {@code core}; see
 * {@link RoleFilter}).
 */
@SpringBootConfiguration
@EnableAutoConfiguration
@ComponentScan(basePackages = "io.mote", excludeFilters = {
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = TypeExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = AutoConfigurationExcludeFilter.class),
        @ComponentScan.Filter(type = FilterType.CUSTOM, classes = RoleFilter.class)})
public class MoteApplication {

    public static void main(String[] args) {
        SpringApplication.run(MoteApplication.class, args);
    }
}
