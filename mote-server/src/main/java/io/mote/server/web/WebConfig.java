package io.mote.server.web;

import org.apache.catalina.core.StandardHost;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;


/**
 * The HTTP connector's protection (REST, WebSocket upgrade, HTTP device API): read and idle deadlines,
 * ({@link ActuatorGuardConfig}: who may read the actuator).
 */
@Configuration(proxyBeanMethods = false)
public class WebConfig {

    /**
     * The application connector: a new connection's first byte and every read wait at most the header
     * timeout, a request's whole line and headers at most the header deadline; an idle keep-alive
     * connection is closed after the idle timeout.
     */
    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> connectorDeadlines(
            @Value("${mote.http.header-timeout-ms:10000}") int headerTimeoutMs,
            @Value("${mote.http.idle-timeout-ms:60000}") int idleTimeoutMs,
            @Value("${mote.http.header-deadline-ms:20000}") long headerDeadlineMs) {
        return factory -> {
            factory.setProtocol(MoteHttp11NioProtocol.class.getName());
            // Errors Tomcat answers itself (unparsable or oversized request line and headers) as JSON too.
            factory.addContextCustomizers(context -> {
                if (context.getParent() instanceof StandardHost host) {
                    host.setErrorReportValveClass(JsonErrorReportValve.class.getName());
                }
            });
            factory.addConnectorCustomizers(connector -> {
                if (connector.getProtocolHandler() instanceof MoteHttp11NioProtocol p) {
                    p.setConnectionTimeout(headerTimeoutMs);
                    p.setKeepAliveTimeout(idleTimeoutMs);
                    p.setHeaderDeadlineMs(headerDeadlineMs);
                }
            });
        };
    }

    /** What cannot be decoded (an unknown charset, broken percent-encoding) is refused before anything reads it. */
    @Bean
    public FilterRegistrationBean<RequestDecodingFilter> requestDecodingFilter() {
        FilterRegistrationBean<RequestDecodingFilter> b = new FilterRegistrationBean<>(new RequestDecodingFilter());
        b.addUrlPatterns("/*");
        b.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return b;
    }
}
