package io.mote.rest.controller;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.Authority;
import io.mote.common.error.MoteException;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.api.Lwm2mServerSecurityConfig;

/** LwM2M server facts a client is configured from (ThingsBoard's lwm2m-controller). */
@RestController
public class Lwm2mController {

    private final ObjectProvider<Lwm2mServerInfo> info;

    public Lwm2mController(ObjectProvider<Lwm2mServerInfo> info) {
        this.info = info;
    }

    /**
     * This server's LwM2M server ({@code false}) or bootstrap server ({@code true}) account: host, ports, DTLS
     * key material (base64) and the server object defaults.
     */
    @GetMapping("/api/lwm2m/deviceProfile/bootstrap/{isBootstrapServer}")
    public Lwm2mServerSecurityConfig serverSecurityConfig(SecurityUser user, @PathVariable boolean isBootstrapServer) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        Lwm2mServerInfo i = info.getIfAvailable();
        if (i == null) {
            throw MoteException.notFound();
        }
        return isBootstrapServer
                ? i.bootstrapServer().orElseThrow(MoteException::notFound)
                : i.lwm2mServer();
    }
}
