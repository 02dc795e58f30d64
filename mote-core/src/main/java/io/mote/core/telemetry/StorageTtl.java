package io.mote.core.telemetry;

import java.time.Duration;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

import io.mote.common.entity.DeviceProfile;
import io.mote.common.entity.Tenant;
import io.mote.common.error.MoteException;
import io.mote.core.device.DeviceChangeEvents;
import io.mote.dao.DeviceDao;
import io.mote.dao.DeviceProfileDao;
import io.mote.dao.TenantDao;
import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;

/**
 * How long a data point is kept when its request names no TTL: the device profile's
 * {@code profileData.configuration.defaultStorageTtlDays}, else the tenant's {@code defaultStorageTtlDays},
 * else {@code mote.ts.default-ttl-days}; 0 or absent at a level passes to the next, 0 at the end keeps the
 * point forever. Profiles' and tenants' values are cached (dropped when one is saved), so a device's message
 * costs no query for it.
 */
@Component
public class StorageTtl {

    public static final String FIELD = "defaultStorageTtlDays";
    private static final long DAY = 86_400;

    private final DeviceProfileDao profiles;
    private final TenantDao tenants;
    private final DeviceDao devices;
    private final long serverDays;
    private final Cache<UUID, Integer> profileDays = cache();
    private final Cache<UUID, Integer> tenantDays = cache();

    public StorageTtl(DeviceProfileDao profiles, TenantDao tenants, DeviceDao devices, DeviceChangeEvents events,
                      @Value("${mote.ts.default-ttl-days:0}") long serverDays) {
        if (serverDays < 0) {
            throw new IllegalArgumentException("mote.ts.default-ttl-days must not be negative: " + serverDays);
        }
        this.profiles = profiles;
        this.tenants = tenants;
        this.devices = devices;
        this.serverDays = serverDays;
        events.add(new DeviceChangeListener() {
            @Override
            public void deviceSaved(DeviceInfo device) {
            }

            @Override
            public void deviceDeleted(UUID deviceId) {
            }

            @Override
            public void profileSaved(UUID profileId) {
                profileDays.invalidate(profileId);
            }
        });
    }

    private static Cache<UUID, Integer> cache() {
        return Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(Duration.ofMinutes(10)).build();
    }

    /** The default TTL in seconds of a device's telemetry, or null when not cached (then {@link #ofDevice}). */
    public Long cached(DeviceInfo device) {
        Integer p = profileDays.getIfPresent(device.deviceProfileId());
        Integer t = tenantDays.getIfPresent(device.tenantId());
        return p == null || t == null ? null : resolve(p, t);
    }

    /** Blocking on a cache miss: the default TTL in seconds of a device's telemetry. */
    public long ofDevice(UUID tenantId, UUID profileId) {
        return resolve(profileDays(profileId), tenantDays(tenantId));
    }

    /** Blocking: the default TTL in seconds of an entity's telemetry; a device's from its profile. */
    public long ofEntity(UUID entityId, boolean device, UUID tenantId) {
        if (device) {
            var d = devices.find(entityId);
            if (d.isPresent()) {
                return ofDevice(d.get().tenantId().id(), d.get().deviceProfileId().id());
            }
        }
        return resolve(0, tenantId == null ? 0 : tenantDays(tenantId));
    }

    public void tenantSaved(UUID tenantId) {
        tenantDays.invalidate(tenantId);
    }

    /** Checks a profile's or tenant's value: absent, null or a whole number of days, not negative. */
    public static void validate(String what, JsonNode days) {
        if (days != null && !days.isNull() && (!days.isInt() || days.asInt() < 0)) {
            throw MoteException.invalid(what + " " + FIELD + " must be a whole number of days, 0 or more");
        }
    }

    private long resolve(int profile, int tenant) {
        long days = profile > 0 ? profile : tenant > 0 ? tenant : serverDays;
        return days * DAY;
    }

    private int profileDays(UUID profileId) {
        return profileDays.get(profileId, id -> profiles.find(id).map(StorageTtl::daysOf).orElse(0));
    }

    private int tenantDays(UUID tenantId) {
        return tenantDays.get(tenantId, id -> tenants.find(id).map(Tenant::defaultStorageTtlDays)
                .filter(d -> d != null).orElse(0));
    }

    private static int daysOf(DeviceProfile p) {
        JsonNode days = p.profileData() == null ? null : p.profileData().path("configuration").get(FIELD);
        return days != null && days.isInt() ? Math.max(0, days.asInt()) : 0;
    }
}
