package io.mote.rest;

import java.util.List;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.servlet.config.annotation.InterceptorRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

import io.mote.core.security.AuthService;
import io.mote.rest.auth.AuthInterceptor;
import io.mote.rest.auth.CurrentUserResolver;

@Configuration(proxyBeanMethods = false)
public class RestConfig implements WebMvcConfigurer {

    private final AuthService auth;

    public RestConfig(AuthService auth) {
        this.auth = auth;
    }

    @Override
    public void addInterceptors(InterceptorRegistry registry) {
        registry.addInterceptor(new AuthInterceptor(auth))
                .addPathPatterns("/api/**")
                .excludePathPatterns("/api/auth/login", "/api/auth/token", "/api/noauth/**", "/api/v1/**",
                        "/api/ws/**", "/api/ws");
    }

    @Override
    public void addArgumentResolvers(List<HandlerMethodArgumentResolver> resolvers) {
        resolvers.add(new CurrentUserResolver());
    }
}
