package io.mote.transport.mqtt.device;

import io.mote.transport.api.DevicePayloads;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.payload.ApiProtos;

/**
 * {@code v1/devices/me/claim} with {@code {"secretKey","durationMs"}} (both optional, empty body allowed), or
 * ThingsBoard's {@code ClaimDevice} for a PROTOBUF profile.
 */
public final class DeviceClaim {

    private DeviceClaim() {
    }

    public static void claim(MqttConnection c, Publish p) {
        byte[] body = c.payloads().isProtobuf(p.payload()) ? ApiProtos.claimJson(p.payload()) : p.payload();
        DevicePayloads.ClaimRequest r = DevicePayloads.claimRequest(body);
        c.complete(p, c.transport().claimDevice(c.device(), r.secretKey(), r.durationMs()));
    }
}
