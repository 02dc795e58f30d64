package io.mote.transport.mqtt.device;

import java.util.List;

import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;

/**
 * {@code v1/devices/me/telemetry} and {@code v1/devices/me/attributes} (or the profile's topics): the
 * payload, in the device's payload type, is stored through the core and acknowledged once it is durable.
 */
public final class TelemetryAndAttributes {

    private TelemetryAndAttributes() {
    }

    public static void telemetry(MqttConnection c, Publish p) {
        List<TsKvEntry> entries = KvJson.parseTelemetry(c.payloads().telemetry(p.payload()), System.currentTimeMillis());
        c.complete(p, c.transport().postTelemetry(c.device(), entries));
    }

    public static void attributes(MqttConnection c, Publish p) {
        List<KvEntry> attrs = KvJson.parseKvObject(c.payloads().attributes(p.payload()));
        c.complete(p, c.transport().postAttributes(c.device(), attrs));
    }
}
