package io.mote.transport.api;

import java.util.UUID;

/**
 * Told of changes to devices and profiles, whether or not the device has a session: a transport that
 * polls its devices (SNMP) learns here that it has a device to reach, or one less. Callbacks run on core
 * threads after the change is committed and must not block.
 */
public interface DeviceChangeListener {

    /** A device was created or changed (its name, profile or transport configuration may be new). */
    void deviceSaved(DeviceInfo device);

    void deviceDeleted(UUID deviceId);

    /** A profile was saved; its devices' transport configuration or transport type may have changed. */
    void profileSaved(UUID profileId);
}
