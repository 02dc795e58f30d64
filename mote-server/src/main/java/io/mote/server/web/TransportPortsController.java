package io.mote.server.web;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.core.env.Environment;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import io.mote.core.security.SecurityUser;
import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.coap.CoapTransportServer;
import io.mote.transport.mqtt.MqttTransportServer;

/**
 * Which device APIs this server runs and on which ports, so the console's "how to connect" panel can
 * print command lines that work against this very server. A transport that is off is absent; a port
 * that is not listening is -1. Any signed-in user may ask: ports are no secret, credentials are not
 * part of the answer.
 */
@RestController
public class TransportPortsController {

    private final Environment env;
    private final ObjectProvider<MqttTransportServer> mqtt;
    private final ObjectProvider<CoapTransportServer> coap;
    private final ObjectProvider<Lwm2mServerInfo> lwm2m;

    public TransportPortsController(Environment env, ObjectProvider<MqttTransportServer> mqtt,
                                    ObjectProvider<CoapTransportServer> coap, ObjectProvider<Lwm2mServerInfo> lwm2m) {
        this.env = env;
        this.mqtt = mqtt;
        this.coap = coap;
        this.lwm2m = lwm2m;
    }

    @GetMapping("/api/transports")
    public Map<String, Object> transports(SecurityUser user) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (env.getProperty("mote.transport.http.enabled", Boolean.class, true)) {
            out.put("http", Map.of("port", env.getProperty("local.server.port", Integer.class, -1)));
        }
        MqttTransportServer m = mqtt.getIfAvailable();
        if (m != null && m.port() > 0) {
            out.put("mqtt", Map.of("port", m.port(), "sslPort", m.sslPort()));
        }
        CoapTransportServer c = coap.getIfAvailable();
        if (c != null) {
            out.put("coap", Map.of("port", c.port(), "dtlsPort", c.dtlsPort()));
        }
        Lwm2mServerInfo l = lwm2m.getIfAvailable();
        if (l != null) {
            var s = l.lwm2mServer();
            Map<String, Object> lw = new LinkedHashMap<>();
            lw.put("host", s.host());
            lw.put("port", s.port());
            lw.put("securePort", s.securityPort());
            l.bootstrapServer().ifPresent(b -> {
                lw.put("bootstrapPort", b.port());
                lw.put("bootstrapSecurePort", b.securityPort());
            });
            out.put("lwm2m", lw);
        }
        return out;
    }
}
