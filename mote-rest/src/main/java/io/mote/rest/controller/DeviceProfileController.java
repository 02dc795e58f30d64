package io.mote.rest.controller;

import java.util.UUID;

import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.PageData;
import io.mote.common.entity.TransportType;
import io.mote.common.id.EntityId;
import io.mote.core.device.DeviceProfileService;
import io.mote.core.security.SecurityUser;

@RestController
public class DeviceProfileController {

    /** The short form of a profile that listings and pickers use. */
    public record DeviceProfileInfo(EntityId id, EntityId tenantId, String name, String image,
                                    EntityId defaultDashboardId, String type, TransportType transportType) {
        static DeviceProfileInfo of(DeviceProfile p) {
            return new DeviceProfileInfo(p.id(), p.tenantId(), p.name(), p.image(), p.defaultDashboardId(), p.type(),
                    p.transportType());
        }
    }

    private final DeviceProfileService profiles;

    public DeviceProfileController(DeviceProfileService profiles) {
        this.profiles = profiles;
    }

    @PostMapping("/api/deviceProfile")
    public DeviceProfile save(SecurityUser user, @RequestBody DeviceProfile profile) {
        return profiles.save(user, profile);
    }

    @GetMapping("/api/deviceProfile/{id}")
    public DeviceProfile get(SecurityUser user, @PathVariable UUID id) {
        return profiles.get(user, id);
    }

    @DeleteMapping("/api/deviceProfile/{id}")
    public void delete(SecurityUser user, @PathVariable UUID id) {
        profiles.delete(user, id);
    }

    @PostMapping("/api/deviceProfile/{id}/default")
    public DeviceProfile setDefault(SecurityUser user, @PathVariable UUID id) {
        return profiles.setDefault(user, id);
    }

    @GetMapping("/api/deviceProfiles")
    public PageData<DeviceProfile> list(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                        @RequestParam(required = false) String textSearch,
                                        @RequestParam(required = false) String sortProperty,
                                        @RequestParam(required = false) String sortOrder) {
        return profiles.page(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder), null);
    }

    @GetMapping("/api/deviceProfileInfo/default")
    public DeviceProfileInfo defaultInfo(SecurityUser user) {
        return DeviceProfileInfo.of(profiles.getDefault(user));
    }

    @GetMapping("/api/deviceProfileInfo/{id}")
    public DeviceProfileInfo info(SecurityUser user, @PathVariable UUID id) {
        return DeviceProfileInfo.of(profiles.getInfo(user, id));
    }

    @GetMapping("/api/deviceProfileInfos")
    public PageData<DeviceProfileInfo> infos(SecurityUser user, @RequestParam int pageSize, @RequestParam int page,
                                             @RequestParam(required = false) String textSearch,
                                             @RequestParam(required = false) String sortProperty,
                                             @RequestParam(required = false) String sortOrder,
                                             @RequestParam(required = false) TransportType transportType) {
        return profiles.pageInfos(user, Pages.link(pageSize, page, textSearch, sortProperty, sortOrder), transportType)
                .map(DeviceProfileInfo::of);
    }
}
