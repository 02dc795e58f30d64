package io.mote.transport.api;

import java.util.UUID;

import com.google.common.collect.Interner;
import com.google.common.collect.Interners;

/**
 * What a transport knows about an authenticated device.
 *
 * @param gateway the device's {@code additionalInfo.gateway} is true: it may speak for child devices
 *                through the gateway API
 */
public record DeviceInfo(UUID tenantId, UUID deviceId, String deviceName, String deviceType, UUID deviceProfileId,
                         boolean gateway) {

    /** Thousands of devices share a few tenants, profiles and types: one copy of each while any is held. */
    private static final Interner<Object> SHARED = Interners.newWeakInterner();

    public DeviceInfo {
        tenantId = shared(tenantId);
        deviceProfileId = shared(deviceProfileId);
        deviceType = shared(deviceType);
    }

    @SuppressWarnings("unchecked")
    private static <T> T shared(T value) {
        return value == null ? null : (T) SHARED.intern(value);
    }

    /** A device that is not a gateway. */
    public DeviceInfo(UUID tenantId, UUID deviceId, String deviceName, String deviceType, UUID deviceProfileId) {
        this(tenantId, deviceId, deviceName, deviceType, deviceProfileId, false);
    }
}
