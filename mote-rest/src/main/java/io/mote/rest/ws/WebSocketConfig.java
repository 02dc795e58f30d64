package io.mote.rest.ws;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;

import io.mote.core.EntityAccess;
import io.mote.core.rpc.ClientRpcService;
import io.mote.core.security.AuthService;
import io.mote.core.subscription.SubscriptionService;
import io.mote.core.telemetry.AttributesService;
import io.mote.core.telemetry.TelemetryService;

@Configuration
@EnableWebSocket
public class WebSocketConfig implements WebSocketConfigurer {

    private final AuthService auth;
    private final TelemetryService telemetry;
    private final AttributesService attributes;
    private final SubscriptionService subscriptions;
    private final EntityAccess access;
    private final ClientRpcService clientRpc;

    public WebSocketConfig(AuthService auth, TelemetryService telemetry, AttributesService attributes,
                           SubscriptionService subscriptions, EntityAccess access, ClientRpcService clientRpc) {
        this.clientRpc = clientRpc;
        this.auth = auth;
        this.telemetry = telemetry;
        this.attributes = attributes;
        this.subscriptions = subscriptions;
        this.access = access;
    }

    @Bean
    public TelemetryWebSocketHandler telemetryWebSocketHandler() {
        return new TelemetryWebSocketHandler(telemetry, attributes, subscriptions, access, clientRpc);
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(telemetryWebSocketHandler(), "/api/ws/plugins/telemetry", "/api/ws")
                .addInterceptors(new WsAuthInterceptor(auth))
                .setAllowedOriginPatterns("*");
    }
}
