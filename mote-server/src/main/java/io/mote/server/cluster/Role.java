package io.mote.server.cluster;

import java.util.Locale;

import org.springframework.core.env.Environment;

/** {@code mote.role}: what this process runs. */
public enum Role {
    /** Everything in one process, no Kafka (the default). */
    ALL,
    /** The device APIs (HTTP device API, MQTT, CoAP, LwM2M and its bootstrap server, SNMP); no database. */
    TRANSPORT,
    /** REST, WebSocket, console, services and the database; no device listeners. */
    CORE;

    public static Role of(Environment env) {
        String v = env.getProperty("mote.role", "all").trim().toUpperCase(Locale.ROOT);
        try {
            return valueOf(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("mote.role must be all, transport or core, not " + v.toLowerCase(Locale.ROOT));
        }
    }
}
