package io.mote.transport.api;

import java.util.UUID;

/**
 * What a transport knows about an authenticated device.
 *
 * @param gateway the device's {@code additionalInfo.gateway} is true: it may speak for child devices
 *                through the gateway API
 */
public record DeviceInfo(UUID tenantId, UUID deviceId, String deviceName, String deviceType, UUID deviceProfileId,
                         boolean gateway) {

    /** A device that is not a gateway. */
    public DeviceInfo(UUID tenantId, UUID deviceId, String deviceName, String deviceType, UUID deviceProfileId) {
        this(tenantId, deviceId, deviceName, deviceType, deviceProfileId, false);
    }
}
