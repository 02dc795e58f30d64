package io.mote.rest.controller;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.Authority;
import io.mote.common.entity.Device;
import io.mote.common.error.MoteException;
import io.mote.core.device.DeviceService;
import io.mote.core.security.Access;
import io.mote.core.security.SecurityUser;
import io.mote.transport.api.Lwm2mServerInfo;
import io.mote.transport.api.Lwm2mServerSecurityConfig;

/** LwM2M server facts a client is configured from (ThingsBoard's lwm2m-controller). */
@RestController
public class Lwm2mController {

    private final ObjectProvider<Lwm2mServerInfo> info;
    private final DeviceService devices;

    public Lwm2mController(ObjectProvider<Lwm2mServerInfo> info, DeviceService devices) {
        this.info = info;
        this.devices = devices;
    }

    /**
     * This server's LwM2M server ({@code false}) or bootstrap server ({@code true}) account: host, ports, DTLS
     * key material (base64) and the server object defaults.
     */
    @GetMapping("/api/lwm2m/deviceProfile/bootstrap/{isBootstrapServer}")
    public Lwm2mServerSecurityConfig getLwm2mBootstrapSecurityInfo(SecurityUser user, @PathVariable boolean isBootstrapServer) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        Lwm2mServerInfo i = info.getIfAvailable();
        if (i == null) {
            throw MoteException.notFound();
        }
        return isBootstrapServer
                ? i.bootstrapServer().orElseThrow(MoteException::notFound)
                : i.lwm2mServer();
    }

    /** ThingsBoard's older form of {@code POST /api/device-with-credentials}: {@code {"device":{..},"credentials":{..}}}. */
    @PostMapping("/api/lwm2m/device-credentials")
    public Device saveDeviceWithCredentials(SecurityUser user, @RequestBody DeviceController.DeviceWithCredentials request) {
        if (request.device() == null) {
            throw MoteException.invalid("device should be specified!");
        }
        if (request.credentials() == null) {
            throw MoteException.invalid("credentials should be specified!");
        }
        return devices.saveWithCredentials(user, request.device(), request.credentials());
    }
}
