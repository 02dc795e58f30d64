package io.mote.transport.api;

import java.util.UUID;

/** What a transport knows about an authenticated device. */
public record DeviceInfo(UUID tenantId, UUID deviceId, String deviceName, String deviceType, UUID deviceProfileId) {
}
