package io.mote.transport.mqtt.device;

import tools.jackson.databind.JsonNode;

import io.mote.common.json.Json;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;

/** {@code v1/devices/me/claim} with {@code {"secretKey","durationMs"}} (both optional, empty body allowed). */
public final class DeviceClaim {

    private DeviceClaim() {
    }

    public static void claim(MqttConnection c, Publish p) {
        JsonNode body = p.isEmpty() ? Json.object() : Json.parse(p.payload());
        c.complete(p, c.transport().claimDevice(c.device(), body.path("secretKey").asString(""),
                body.path("durationMs").asLong(0)));
    }
}
