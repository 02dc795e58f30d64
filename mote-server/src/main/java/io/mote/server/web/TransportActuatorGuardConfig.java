package io.mote.server.web;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import io.mote.common.error.ErrorCode;
import io.mote.common.error.MoteException;
import io.mote.rest.auth.ActuatorGuard;

/**
 * A transport node's application port is the HTTP device API, the one a load balancer exposes to devices;
 * the node has no accounts to check a token against, so its actuator (but {@code /health}) answers there to
 * nobody. Metrics are read on {@code management.server.port}, bound to a private interface.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "mote.role", havingValue = "transport")
public class TransportActuatorGuardConfig {

    static final String REFUSAL = "A transport node serves its metrics on management.server.port only";

    @Bean
    public FilterRegistrationBean<ActuatorGuard> transportActuatorGuard(
            @Value("${management.endpoints.web.base-path:/actuator}") String basePath) {
        return ActuatorGuardConfig.registration(request -> new MoteException(ErrorCode.PERMISSION_DENIED, REFUSAL), basePath);
    }
}
