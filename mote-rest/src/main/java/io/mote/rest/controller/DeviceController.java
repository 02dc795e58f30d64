package io.mote.rest.controller;

import java.util.UUID;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.common.entity.PageData;
import io.mote.common.error.MoteException;
import io.mote.core.device.DeviceService;
import io.mote.core.security.SecurityUser;

/** Devices, their credentials and their assignment to customers. */
@RestController
public class DeviceController {

    public record DeviceWithCredentials(Device device, DeviceCredentials credentials) {
    }

    private final DeviceService devices;

    public DeviceController(DeviceService devices) {
        this.devices = devices;
    }

    @PostMapping("/api/device")
    public Device save(SecurityUser user, @RequestBody Device device,
                       @RequestParam(required = false) String accessToken) {
        return devices.save(user, device, accessToken);
    }

    @PostMapping("/api/device-with-credentials")
    public Device saveWithCredentials(SecurityUser user, @RequestBody DeviceWithCredentials request) {
        if (request.device() == null) {
            throw MoteException.invalid("device should be specified!");
        }
        if (request.credentials() == null) {
            throw MoteException.invalid("credentials should be specified!");
        }
        return devices.saveWithCredentials(user, request.device(), request.credentials());
    }

    @GetMapping("/api/device/{deviceId}")
    public Device get(SecurityUser user, @PathVariable UUID deviceId) {
        return devices.get(user, deviceId);
    }

    @DeleteMapping("/api/device/{deviceId}")
    public void delete(SecurityUser user, @PathVariable UUID deviceId) {
        devices.delete(user, deviceId);
    }

    @GetMapping(value = "/api/tenant/devices", params = "deviceName")
    public Device byName(SecurityUser user, @RequestParam String deviceName) {
        return devices.getByName(user, deviceName);
    }

    @GetMapping(value = "/api/tenant/devices", params = "!deviceName")
    public PageData<Device> tenantDevices(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                          @RequestParam(required = false) String type,
                                          @RequestParam(required = false) String textSearch,
                                          @RequestParam(required = false) String sortProperty,
                                          @RequestParam(required = false) String sortOrder) {
        return devices.tenantDevices(user, type, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @GetMapping("/api/customer/{customerId}/devices")
    public PageData<Device> customerDevices(SecurityUser user, @PathVariable UUID customerId,
                                            @RequestParam int pageSize, @RequestParam int page,
                                            @RequestParam(required = false) String type,
                                            @RequestParam(required = false) String textSearch,
                                            @RequestParam(required = false) String sortProperty,
                                            @RequestParam(required = false) String sortOrder) {
        return devices.customerDevices(user, customerId, type,
                Pages.link(pageSize, page, textSearch, sortProperty, sortOrder));
    }

    @PostMapping("/api/customer/{customerId}/device/{deviceId}")
    public Device assign(SecurityUser user, @PathVariable UUID customerId, @PathVariable UUID deviceId) {
        return devices.assignToCustomer(user, customerId, deviceId);
    }

    @DeleteMapping("/api/customer/device/{deviceId}")
    public Device unassign(SecurityUser user, @PathVariable UUID deviceId) {
        return devices.unassignFromCustomer(user, deviceId);
    }

    @GetMapping("/api/device/{deviceId}/credentials")
    public DeviceCredentials credentials(SecurityUser user, @PathVariable UUID deviceId) {
        return devices.getCredentials(user, deviceId);
    }

    @PostMapping("/api/device/credentials")
    public DeviceCredentials updateCredentials(SecurityUser user, @RequestBody DeviceCredentials credentials) {
        return devices.updateCredentials(user, credentials);
    }
}
