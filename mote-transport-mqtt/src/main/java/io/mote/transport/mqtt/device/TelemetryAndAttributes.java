package io.mote.transport.mqtt.device;

import java.util.List;

import io.mote.common.json.KvJson;
import io.mote.common.kv.KvEntry;
import io.mote.common.kv.TsKvEntry;
import io.mote.transport.mqtt.MqttConnection;
import io.mote.transport.mqtt.Publish;
import io.mote.transport.mqtt.payload.PayloadAdaptor;

/**
 * {@code v1/devices/me/telemetry} and {@code v1/devices/me/attributes} (or the profile's topics): the
 * payload, in the device's payload type, is stored through the core and acknowledged once it is durable.
 */
public final class TelemetryAndAttributes {

    private TelemetryAndAttributes() {
    }

    public static void telemetry(MqttConnection c, Publish p) {
        telemetry(c, p, c.payloads());
    }

    public static void telemetry(MqttConnection c, Publish p, PayloadAdaptor payloads) {
        List<TsKvEntry> entries = KvJson.parseTelemetry(payloads.telemetry(p.payload()), System.currentTimeMillis());
        c.complete(p, c.transport().postTelemetry(c.device(), entries));
    }

    public static void attributes(MqttConnection c, Publish p) {
        attributes(c, p, c.payloads());
    }

    public static void attributes(MqttConnection c, Publish p, PayloadAdaptor payloads) {
        List<KvEntry> attrs = KvJson.parseKvObject(payloads.attributes(p.payload()));
        c.complete(p, c.transport().postAttributes(c.device(), attrs));
    }
}
