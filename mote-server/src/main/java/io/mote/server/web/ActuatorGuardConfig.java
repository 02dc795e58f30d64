package io.mote.server.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

import io.mote.core.security.AuthService;
import io.mote.rest.auth.ActuatorGuard;

/** Who may read the actuator on the application port (a core node's: it needs the accounts). */
@Configuration(proxyBeanMethods = false)
public class ActuatorGuardConfig {

    /** Keeps the actuator (but {@code /health}) for SYS_ADMIN on the application port. */
    @Bean
    public FilterRegistrationBean<ActuatorGuard> actuatorGuard(AuthService auth,
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        return registration(ActuatorGuard.sysAdminOnly(auth), basePath);
    }

    /** The guard on every actuator path of the application port, before Spring MVC and the REST interceptors. */
    static FilterRegistrationBean<ActuatorGuard> registration(ActuatorGuard.Access access, String basePath) {
        FilterRegistrationBean<ActuatorGuard> b = new FilterRegistrationBean<>(new ActuatorGuard(access, basePath));
        b.addUrlPatterns(basePath, basePath + "/*");
        b.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return b;
    }
}
