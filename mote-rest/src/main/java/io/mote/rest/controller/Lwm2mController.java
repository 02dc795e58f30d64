package io.mote.rest.controller;

import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
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

/** The LwM2M endpoints of ThingsBoard's API: this server's client settings, and a device saved with its credentials. */
@RestController
public class Lwm2mController {

    /** The short server id clients are given for this LwM2M server, and for the bootstrap server. */
    static final int SHORT_SERVER_ID = 123;
    static final int BOOTSTRAP_SHORT_SERVER_ID = 111;

    private final DeviceService devices;
    private final ObjectProvider<Lwm2mServerInfo> lwm2m;

    public Lwm2mController(DeviceService devices, ObjectProvider<Lwm2mServerInfo> lwm2m) {
        this.devices = devices;
        this.lwm2m = lwm2m;
    }

    /**
     * {@code LwM2MServerSecurityConfigDefault} of this LwM2M server ({@code false}) or bootstrap server
     * ({@code true}): the host clients reach (the configured one, else the host this request came to) and
     * the ports. The server's public key and certificate stay empty until DTLS is served.
     */
    @GetMapping("/api/lwm2m/deviceProfile/bootstrap/{isBootstrapServer}")
    public Map<String, Object> serverSecurityConfig(SecurityUser user, @PathVariable boolean isBootstrapServer,
                                                    HttpServletRequest request) {
        Access.require(user, Authority.TENANT_ADMIN, Authority.CUSTOMER_USER);
        Lwm2mServerInfo info = lwm2m.getIfAvailable();
        if (info == null) {
            throw new MoteException(io.mote.common.error.ErrorCode.ITEM_NOT_FOUND, "The LwM2M transport is not running");
        }
        String host = info.host().isBlank() || "0.0.0.0".equals(info.host()) || "::".equals(info.host())
                ? request.getServerName() : info.host();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("shortServerId", isBootstrapServer ? BOOTSTRAP_SHORT_SERVER_ID : SHORT_SERVER_ID);
        c.put("bootstrapServerIs", isBootstrapServer);
        c.put("host", host);
        c.put("port", isBootstrapServer ? info.bootstrapPort() : info.port());
        c.put("clientHoldOffTime", 1);
        c.put("serverPublicKey", "");
        c.put("serverCertificate", "");
        c.put("bootstrapServerAccountTimeout", 0);
        c.put("lifetime", 300);
        c.put("defaultMinPeriod", 1);
        c.put("notifIfDisabled", true);
        c.put("binding", "U");
        c.put("securityHost", host);
        c.put("securityPort", isBootstrapServer ? info.bootstrapSecurePort() : info.securePort());
        return c;
    }

    /** ThingsBoard's older form of {@code POST /api/device-with-credentials}: {@code {"device":{..},"credentials":{..}}}. */
    @PostMapping("/api/lwm2m/device-credentials")
    public Device saveWithCredentials(SecurityUser user, @RequestBody DeviceController.DeviceWithCredentials request) {
        if (request.device() == null) {
            throw MoteException.invalid("device should be specified!");
        }
        if (request.credentials() == null) {
            throw MoteException.invalid("credentials should be specified!");
        }
        return devices.saveWithCredentials(user, request.device(), request.credentials());
    }
}
