package io.mote.core.device;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.stereotype.Component;

import io.mote.common.entity.CredentialsType;
import io.mote.common.entity.Device;
import io.mote.common.entity.DeviceCredentials;
import io.mote.dao.DeviceCredentialsDao;
import io.mote.dao.DeviceDao;
import io.mote.transport.api.AuthenticatedDevice;
import io.mote.transport.api.DeviceInfo;

/**
 * Credentials id → device, cached so that a device is looked up in the database once, not on every
 * message. Entries are dropped whenever the device or its credentials change.
 */
@Component
public class DeviceAuthCache {

    private record Entry(CredentialsType type, AuthenticatedDevice device) {
    }

    private final DeviceCredentialsDao credentials;
    private final DeviceDao devices;
    private final Cache<String, Entry> cache = Caffeine.newBuilder()
            .maximumSize(500_000)
            .expireAfterAccess(Duration.ofMinutes(30))
            .build();

    public DeviceAuthCache(DeviceCredentialsDao credentials, DeviceDao devices) {
        this.credentials = credentials;
        this.devices = devices;
    }

    /** Blocking: may query the database. */
    public Optional<AuthenticatedDevice> find(CredentialsType type, String credentialsId) {
        if (credentialsId == null || credentialsId.isEmpty() || credentialsId.length() > 1024) {
            return Optional.empty();
        }
        Entry hit = cache.getIfPresent(credentialsId);
        if (hit == null) {
            Optional<DeviceCredentials> c = credentials.findByCredentialsId(credentialsId);
            Optional<Device> d = c.flatMap(found -> devices.find(found.deviceId().id()));
            if (d.isEmpty()) {
                return Optional.empty();
            }
            hit = new Entry(c.get().credentialsType(), new AuthenticatedDevice(info(d.get()), c.get().credentialsValue()));
            cache.put(credentialsId, hit);
        }
        return hit.type() == type ? Optional.of(hit.device()) : Optional.empty();
    }

    public static DeviceInfo info(Device d) {
        return new DeviceInfo(d.tenantId().id(), d.id().id(), d.name(), d.type(), d.deviceProfileId().id());
    }

    public void invalidate(String credentialsId) {
        cache.invalidate(credentialsId);
    }

    public void invalidateDevice(UUID deviceId) {
        cache.asMap().entrySet().removeIf(e -> e.getValue().device().device().deviceId().equals(deviceId));
    }
}
