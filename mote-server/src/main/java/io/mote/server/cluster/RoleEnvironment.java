package io.mote.server.cluster;

import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * A transport node has no database: the DataSource, JDBC and Flyway auto-configurations are off, and
 * the console's static files are not served.
 */
public class RoleEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment env, SpringApplication application) {
        if (Role.of(env) != Role.TRANSPORT) {
            return;
        }
        String excluded = String.join(",",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceInitializationAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.DataSourceTransactionManagerAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.JdbcTemplateAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.XADataSourceAutoConfiguration",
                "org.springframework.boot.jdbc.autoconfigure.JndiDataSourceAutoConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
                "org.springframework.boot.flyway.autoconfigure.FlywayEndpointAutoConfiguration");
        String given = env.getProperty("spring.autoconfigure.exclude", "");
        env.getPropertySources().addFirst(new MapPropertySource("moteTransportRole", Map.of(
                "spring.autoconfigure.exclude", given.isBlank() ? excluded : given + "," + excluded,
                "spring.web.resources.add-mappings", "false",
                "springdoc.api-docs.enabled", "false",
                "springdoc.swagger-ui.enabled", "false")));
    }
}
