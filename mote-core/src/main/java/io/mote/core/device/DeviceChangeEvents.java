package io.mote.core.device;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

import io.mote.transport.api.DeviceChangeListener;
import io.mote.transport.api.DeviceInfo;

/**
 * Tells the transports' {@link DeviceChangeListener}s of saved and deleted devices and saved profiles,
 * after the change is committed (sessions only reach devices that are connected; a polling transport must
 * also hear of devices it has never reached).
 */
@Component
public class DeviceChangeEvents {

    private static final Logger log = LoggerFactory.getLogger(DeviceChangeEvents.class);

    private final List<DeviceChangeListener> listeners = new CopyOnWriteArrayList<>();

    public void add(DeviceChangeListener listener) {
        listeners.add(listener);
    }

    void deviceSaved(DeviceInfo device) {
        fire(l -> l.deviceSaved(device));
    }

    void deviceDeleted(UUID deviceId) {
        fire(l -> l.deviceDeleted(deviceId));
    }

    void profileSaved(UUID profileId) {
        fire(l -> l.profileSaved(profileId));
    }

    private void fire(Consumer<DeviceChangeListener> event) {
        for (DeviceChangeListener l : listeners) {
            try {
                event.accept(l);
            } catch (RuntimeException e) {
                log.warn("Device change listener failed: {}", e.toString());
            }
        }
    }
}
