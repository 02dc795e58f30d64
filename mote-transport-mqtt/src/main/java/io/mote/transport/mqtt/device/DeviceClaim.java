package io.mote.transport.mqtt.device;

import io.mote.transport.api.DevicePayloads;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;

/** {@code v1/devices/me/claim} with {@code {"secretKey","durationMs"}} (both optional, empty body allowed). */
public final class DeviceClaim {

    private DeviceClaim() {
    }

    public static void claim(MqttConnection c, Publish p) {
        DevicePayloads.ClaimRequest r = DevicePayloads.claimRequest(p.payload());
        c.complete(p, c.transport().claimDevice(c.device(), r.secretKey(), r.durationMs()));
    }
}
